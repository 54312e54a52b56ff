"""Churn from a customers file from billing or CRM (``[churn]``, issue #13.1).

A helpdesk rarely knows when a customer left; billing does. The file's rows are joined to the
stored customers of every connection by e-mail (case-insensitive) or external id, and the
churn time is written to ``customers.churned_at`` after each sync. Writing the store (rather
than a derived table the metrics join) keeps every customer metric, ``--where`` and the
explorer reading one column, and leaves the metrics engine untouched.

For the customers it matches, the file is the churn source: a filled churn cell sets
``churned_at``, an empty one (an active subscription) clears it. Several rows for one
customer (several subscriptions): the customer churned only when every row has a churn date,
at the latest of them. Customers the file does not name keep what their connector stored.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from deskmetrics.errors import ConfigError
from deskmetrics.store.encoding import to_db_time

MATCH_COLUMNS = {"email": "email", "external_id": "external_id"}
"""``match`` → the customers column joined on (and the file column of the same name)."""


@dataclass(frozen=True)
class ChurnFile:
    path: Path
    match: str
    """``email`` or ``external_id``."""
    key_column: str
    """The file column holding the e-mail or external id (``match`` by default)."""
    date_column: str
    date_format: str | None
    """A ``strptime`` format; None: ISO dates or times (``2026-01-31``, ``2026-01-31T10:00Z``)."""
    timezone: str
    """Zone of dates and times without one (the ``[report]`` zone)."""


@dataclass(frozen=True)
class ChurnMatch:
    """What applying the file did, for sync, report and verify to say."""

    file: str
    rows: int
    matched_customers: int
    churned_customers: int
    unmatched_customers: int
    """Stored customers the file does not name (their churn comes from the connector)."""
    unmatched_rows: int
    """File rows (keys) that name no stored customer."""
    unmatched_keys: tuple[str, ...] = ()
    """A few of those keys, to look up."""

    def summary(self) -> str:
        return (
            f"churn file {self.file}: {self.matched_customers} customers matched "
            f"({self.churned_customers} churned), {self.unmatched_customers} customers had no "
            f"match, {self.unmatched_rows} file rows matched nobody"
        )


def read_churn_file(source: ChurnFile) -> tuple[dict[str, datetime | None], dict[str, int]]:
    """Key (e-mail lower-cased) → churn time (None: an active customer), and key → its rows.

    Raises ConfigError naming the file, line and column of the first bad row.
    """
    where = str(source.path)
    try:
        handle = source.path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the churn file ({exc.strerror})") from None
    with handle:
        try:
            return _by_key(source, csv.DictReader(handle), where)
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{where}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise ConfigError(f"{where}: not a CSV file ({exc})") from None


def _by_key(
    source: ChurnFile, reader: csv.DictReader[str], where: str
) -> tuple[dict[str, datetime | None], dict[str, int]]:
    header = reader.fieldnames or []
    for column in (source.key_column, source.date_column):
        if column not in header:
            found = ", ".join(header) or "no header row"
            raise ConfigError(f"{where}: line 1: no column {column!r} (found: {found})")
    found_keys: dict[str, list[datetime | None]] = {}
    for key, when in _rows(source, reader, where):
        found_keys.setdefault(key, []).append(when)
    churn = {key: _customer_churn(times) for key, times in found_keys.items()}
    return churn, {key: len(times) for key, times in found_keys.items()}


def _rows(
    source: ChurnFile, reader: csv.DictReader[str], where: str
) -> Iterator[tuple[str, datetime | None]]:
    zone = ZoneInfo(source.timezone)
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ConfigError(f"{where}: line {line}: more cells than the header has columns")
        key = (row.get(source.key_column) or "").strip()
        if not key:
            raise ConfigError(
                f"{where}: line {line}: column {source.key_column!r}: empty (every row needs "
                f"the customer's {source.match})"
            )
        if source.match == "email":
            if "@" not in key:
                raise ConfigError(
                    f"{where}: line {line}: column {source.key_column!r}: {key!r} is not an "
                    "e-mail address"
                )
            key = key.lower()
        cell = (row.get(source.date_column) or "").strip()
        at = f"{where}: line {line}: column {source.date_column!r}"
        yield key, _parse_time(cell, source, zone, at)


def _parse_time(cell: str, source: ChurnFile, zone: ZoneInfo, where: str) -> datetime | None:
    if not cell:
        return None
    try:
        if source.date_format is not None:
            parsed = datetime.strptime(cell, source.date_format)
        elif len(cell) == 10:
            parsed = datetime.combine(datetime.fromisoformat(cell).date(), time())
        else:
            parsed = datetime.fromisoformat(cell.replace("Z", "+00:00"))
    except ValueError:
        wanted = (
            f"the format {source.date_format!r}"
            if source.date_format
            else ("an ISO date such as 2026-01-31 (or set date_format)")
        )
        raise ConfigError(f"{where}: {cell!r} is not {wanted}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _customer_churn(times: list[datetime | None]) -> datetime | None:
    if any(when is None for when in times):
        return None
    return max(when for when in times if when is not None)


def apply_churn_file(conn: sqlite3.Connection, source: ChurnFile) -> ChurnMatch:
    """Read the file and write ``churned_at`` of the customers it names, in one transaction."""
    match, updates = _match(conn, source)
    with conn:
        conn.executemany("UPDATE customers SET churned_at = ? WHERE source = ? AND id = ?", updates)
    return match


def match_churn_file(conn: sqlite3.Connection, source: ChurnFile) -> ChurnMatch:
    """What :func:`apply_churn_file` would match, writing nothing (for ``verify``)."""
    return _match(conn, source)[0]


def _match(
    conn: sqlite3.Connection, source: ChurnFile
) -> tuple[ChurnMatch, list[tuple[str | None, str, str]]]:
    churn, rows = read_churn_file(source)
    column = MATCH_COLUMNS[source.match]
    key_sql = f"lower({column})" if source.match == "email" else column
    stored = conn.execute(
        f"SELECT source, id, {key_sql} FROM customers WHERE {column} IS NOT NULL AND {column} != ''"
    ).fetchall()
    total = conn.execute("SELECT count(*) FROM customers").fetchone()[0]
    updates = [
        (to_db_time(when) if (when := churn[key]) else None, src, cid)
        for src, cid, key in stored
        if key in churn
    ]
    named = {key for _, _, key in stored}
    nobody = sorted(key for key in churn if key not in named)
    match = ChurnMatch(
        file=str(source.path),
        rows=sum(rows.values()),
        matched_customers=len(updates),
        churned_customers=sum(when is not None for when, _, _ in updates),
        unmatched_customers=total - len(updates),
        unmatched_rows=sum(rows[key] for key in nobody),
        unmatched_keys=tuple(nobody[:5]),
    )
    return match, updates
