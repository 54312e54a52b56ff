"""Zendesk's status, priority and channel values → the deskmetrics vocabularies."""

from __future__ import annotations

from typing import Any

import deskmetrics

Status = deskmetrics.Status
Channel = deskmetrics.Channel

STATUSES: dict[str, deskmetrics.Status] = {
    "new": Status.NEW,
    "open": Status.OPEN,
    "pending": Status.PENDING,
    "hold": Status.ON_HOLD,
    "solved": Status.SOLVED,
    "closed": Status.CLOSED,
    "deleted": Status.DELETED,
}

PRIORITIES: dict[str, deskmetrics.Priority] = {p.value: p for p in deskmetrics.Priority}

CHANNELS: dict[str, deskmetrics.Channel] = {
    **dict.fromkeys(("email", "mail"), Channel.EMAIL),
    **dict.fromkeys(
        ("web", "web_form", "web_widget", "help_center", "mobile_sdk", "forum", "topic"),
        Channel.WEB,
    ),
    **dict.fromkeys(
        ("chat", "chat_transcript", "chat_offline_message", "native_messaging", "messaging"),
        Channel.CHAT,
    ),
    **dict.fromkeys(
        (
            "voice",
            "phone",
            "phone_call_inbound",
            "phone_call_outbound",
            "voicemail",
            "sms",
            "text",
        ),
        Channel.PHONE,
    ),
    **dict.fromkeys(
        (
            "twitter",
            "twitter_dm",
            "twitter_favorite",
            "facebook",
            "facebook_post",
            "facebook_message",
            "instagram_dm",
            "whatsapp",
            "wechat",
            "line",
            "apple_business_chat",
            "google_business_messages",
            "any_channel",
        ),
        Channel.SOCIAL,
    ),
    **dict.fromkeys(("api", "web_service"), Channel.API),
}
"""``via.channel`` names; everything else (rule, closed_ticket, merge, side_conversation…) is
``other``."""

VIA_IDS: dict[int, deskmetrics.Channel] = {
    0: Channel.WEB,  # web_form
    4: Channel.EMAIL,  # mail
    5: Channel.API,  # web_service
}
"""Some payloads give ``via`` as a numeric via id; only these ids are documented in our notes,
the rest map to ``other``."""


def status_of(value: Any) -> deskmetrics.Status:
    # A custom status still reports its category in ``status``; anything unknown is open work.
    found = STATUSES.get(value) if type(value) is str else None
    if found is None and value:
        found = STATUSES.get(str(value).lower())
    return found or Status.OPEN


def priority_of(value: Any) -> deskmetrics.Priority | None:
    return PRIORITIES.get(value) if isinstance(value, str) else None


def channel_of(via: Any) -> deskmetrics.Channel | None:
    if isinstance(via, dict):
        via = via.get("channel")
    if via is None:
        return None
    if isinstance(via, int):
        return VIA_IDS.get(via, Channel.OTHER)
    found = CHANNELS.get(via) if type(via) is str else None
    return found or CHANNELS.get(str(via).lower(), Channel.OTHER)
