"""Cursor helpers keep the state shapes the connectors saved before them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import deskmetrics


def test_token_cursor_reads_and_writes_its_key() -> None:
    cursor = deskmetrics.TokenCursor("cursor")
    assert cursor.token(None) is None
    assert cursor.token({"start_time": 5}) is None
    assert cursor.token({"cursor": "abc"}) == "abc"
    assert cursor.state("def") == {"cursor": "def"}


def test_token_cursor_refuses_a_missing_or_repeated_cursor() -> None:
    cursor = deskmetrics.TokenCursor()
    assert cursor.check_advanced("a", "b", empty=True, where="x: the export") == "b"
    assert cursor.check_advanced("a", "a", empty=False, where="x: the export") == "a"
    with pytest.raises(deskmetrics.ConnectorError, match=r"^x: the export gave no next cursor"):
        cursor.check_advanced("a", None, empty=False, where="x: the export")
    with pytest.raises(deskmetrics.ConnectorError, match="stopping instead of looping"):
        cursor.check_advanced("a", "a", empty=True, where="x: the export")


def test_time_cursor_resumes_clamped_and_keeps_the_boundary_second() -> None:
    fresh = deskmetrics.TimeCursor.resume(None, default=1_700_000_000, latest=1_800_000_000)
    assert (fresh.start, fresh.high_water) == (1_700_000_000, 1_700_000_000)
    saved = deskmetrics.TimeCursor.resume({"start_time": 900}, default=5, latest=800)
    assert saved.start == 800  # never after `latest` (Zendesk refuses the last minute)
    assert deskmetrics.TimeCursor.resume({"start_time": -3}).start == 0
    assert deskmetrics.TimeCursor.resume({"start_time": True}, default=7).start == 7

    cursor = deskmetrics.TimeCursor.resume({"start_time": 100, "high_water": 150})
    for seen in (120, None, 180, 170):
        cursor.see(seen)
    # Inclusive: the next run asks from the newest second seen, which comes again.
    assert cursor.state() == {"start_time": 180}


def test_updated_since_reads_back_minus_the_lookback_and_saves_the_newest() -> None:
    state = {"updated_since": "2024-03-05T10:00:00Z"}
    cursor = deskmetrics.UpdatedSince.resume(state, lookback=timedelta(minutes=30))
    assert cursor.since() == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    cursor.see(datetime(2024, 3, 5, 12, 0, 7, 900_000, tzinfo=UTC))
    cursor.see(datetime(2024, 3, 5, 11, tzinfo=UTC))
    cursor.see(None)
    assert cursor.state() == {"updated_since": "2024-03-05T12:00:07Z"}


def test_updated_since_before_the_first_sync_and_with_a_floor() -> None:
    lookback = timedelta(minutes=30)
    first = deskmetrics.UpdatedSince.resume(None, lookback=lookback)
    assert (first.since(), first.state()) == (None, None)
    floor = datetime(2024, 3, 1, tzinfo=UTC)
    floored = deskmetrics.UpdatedSince.resume(None, lookback=lookback, floor=floor)
    assert floored.since() == floor
    old = {"created_since": "2024-03-01T00:10:00+00:00"}
    kept = deskmetrics.UpdatedSince.resume(old, lookback=lookback, floor=floor, key="created_since")
    assert kept.since() == floor  # 23:40 the day before is before the floor
    assert kept.state() == {"created_since": "2024-03-01T00:10:00Z"}
