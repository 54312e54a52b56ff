"""Reading the ticket-activities export day by day: the ``ticket_activities`` stream's batches.

Each UTC day is one request for its file links, then one download per file. The files live on
another host (a signed storage link): they are fetched by a client without the API key, and the
link's signature is scrubbed from messages. The cursor is the next day to read, saved with that
day's last batch, so a sync cut off mid-day reads the whole day again (its rows keep their ids).
Today is never read (its file is not written yet); a recent day without a file stops the stream
until a later sync, an older one is passed (the export was off that day).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import deskmetrics
from deskmetrics_freshdesk.activities import EXPORT_PATH, ActivityError, ActivityMapper, file_urls

RECORDS_PER_BATCH = 5000
NOT_READY_DAYS = 2
"""A day without a file this recent may not be exported yet: the stream waits for it."""

Warn = Callable[[str], None]


def first_day(state: deskmetrics.State | None, start: date, today: date, days: int) -> date:
    saved = (state or {}).get("next_day")
    if isinstance(saved, str):
        return date.fromisoformat(saved)
    return max(start, today - timedelta(days=days))


def read_days(
    api: deskmetrics.HttpClient,
    files: deskmetrics.HttpClient,
    mapper: ActivityMapper,
    *,
    first: date,
    today: date,
    warn: Warn,
) -> Iterator[deskmetrics.Batch]:
    day = first
    while day < today:
        try:
            body = api.get_json(EXPORT_PATH, params={"created_at": day.isoformat()})
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            warn(
                f"ticket_activities: {exc.status} from {EXPORT_PATH} (the plan has no ticket "
                "activity export, it is not turned on, or the key is not an admin's); no "
                "status or assignment history for this account"
            )
            return
        urls = file_urls(body)
        if not urls and (today - day).days <= NOT_READY_DAYS:
            return  # not exported yet: the next sync asks again
        following = {"next_day": (day + timedelta(days=1)).isoformat()}
        held: deskmetrics.Batch | None = None
        try:
            for batch in _day_batches(files, mapper, day, urls):
                if held is not None:
                    yield held
                held = batch
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            warn(f"ticket_activities {day}: an export file answered {exc.status} (its link "
                 "expired?); the next sync reads that day again")  # fmt: skip
            return
        rows = held or deskmetrics.Batch([])
        yield deskmetrics.Batch(rows.records, state=following, rejected=rows.rejected)
        day += timedelta(days=1)


def _day_batches(
    files: deskmetrics.HttpClient,
    mapper: ActivityMapper,
    day: date,
    urls: list[str],
) -> Iterator[deskmetrics.Batch]:
    for number, url in enumerate(urls, 1):
        query = urlsplit(url).query
        if query:
            files.hide(query)  # the link's signature grants access: never shown
        data = files.get_json(url)
        rows = data.get("activities_data") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise deskmetrics.ConnectorError(
                f"ticket_activities {day}: export file {number} holds no activities_data list"
            )
        yield from _batches(mapper, rows, f"{day} file {number}")


def _batches(mapper: ActivityMapper, rows: list[Any], where: str) -> Iterator[deskmetrics.Batch]:
    ids: Counter[str] = Counter()
    records: list[deskmetrics.Record] = []
    rejected: list[deskmetrics.RejectedRow] = []
    for index, row in enumerate(rows):
        try:
            records.extend(mapper.events(row, ids))
        except (ActivityError, deskmetrics.RecordError) as exc:
            ticket = row.get("ticket_id") if isinstance(row, dict) else None
            rejected.append(
                deskmetrics.RejectedRow(
                    location=f"ticket activity {index} of {where} (ticket {ticket})",
                    reason=str(exc),
                    data=row if isinstance(row, dict) else {"activity": row},
                )
            )
        if len(records) >= RECORDS_PER_BATCH:
            yield deskmetrics.Batch(records, rejected=rejected)
            records, rejected = [], []
    yield deskmetrics.Batch(records, rejected=rejected)
