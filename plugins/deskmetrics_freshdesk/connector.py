"""The Freshdesk connector: streams of companies, tickets, tombstones, conversations, CSAT and
handle time.

Everything goes through one :class:`deskmetrics.HttpClient` per connection (retries, exact
Retry-After, the account's rate budget). docs/connectors/freshdesk.md describes the options,
the mapping and the cost of each stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import deskmetrics
from deskmetrics_freshdesk import companies, contacts, conversations, directory, ratings
from deskmetrics_freshdesk.activities import ActivityMapper
from deskmetrics_freshdesk.activity_export import first_day, read_days
from deskmetrics_freshdesk.business_hours import schedule_of
from deskmetrics_freshdesk.client import make_client, pages
from deskmetrics_freshdesk.companies import CompanyFields
from deskmetrics_freshdesk.options import FreshdeskOptions
from deskmetrics_freshdesk.ticket_fields import TicketFields
from deskmetrics_freshdesk.ticket_pages import MovedTickets, ticket_pages
from deskmetrics_freshdesk.tickets import TicketMapper
from deskmetrics_freshdesk.time_entries import HandleTimes
from deskmetrics_freshdesk.timestamps import format_time, parse_time

Row = dict[str, Any]
R = TypeVar("R", bound=deskmetrics.Record)

UPDATES_PER_BATCH = 500


class FreshdeskConnector(deskmetrics.Connector):
    name: ClassVar[str] = "freshdesk"
    ticket_url_template: ClassVar[str | None] = "https://{domain}.freshdesk.com/a/tickets/{id}"
    description: ClassVar[str] = "Freshdesk REST API v2 (docs/connectors/freshdesk.md)"
    Options: ClassVar[type[FreshdeskOptions]] = FreshdeskOptions

    options: FreshdeskOptions

    def __init__(self, options: FreshdeskOptions, **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self._client: deskmetrics.HttpClient | None = None
        self._mapper: TicketMapper | None = None
        self._lock = threading.Lock()

    # -- connection ------------------------------------------------------------------------

    @property
    def client(self) -> deskmetrics.HttpClient:
        with self._lock:
            if self._client is None:
                self._client = make_client(self, self.options)
            return self._client

    @property
    def requests(self) -> int:
        """Requests sent so far, retries included (the benchmark's call count)."""
        return 0 if self._client is None else self._client.requests

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def check(self) -> str:
        me = self.client.get_json("/api/v2/agents/me")
        me = me if isinstance(me, dict) else {}
        contact = me.get("contact") or {}
        who = contact.get("name") or contact.get("email") or f"agent {me.get('id')}"
        return f"{urlsplit(self.options.url).netloc}: authenticated as {who}"

    def schedules(self) -> list[deskmetrics.Schedule]:
        """Freshdesk business-hours calendars as deskmetrics schedules (admin key needed)."""
        return [schedule_of(row) for row in self._list_all("/api/v2/business_hours")]

    # -- helpers ---------------------------------------------------------------------------

    def ticket_count(self, start: date, end: date) -> int:
        """Tickets created on the UTC days [start, end) by the search API's ``total``.

        Freshdesk's ``:>`` and ``:<`` include their day, so the last day is ``end`` − 1. The
        search leaves archived, deleted and spam tickets out and lags a few minutes.
        """
        last = end - timedelta(days=1)
        query = f"\"created_at:>'{start}' AND created_at:<'{last}'\""
        body = self.client.get_json("/api/v2/search/tickets", params={"query": query})
        total = body.get("total") if isinstance(body, dict) else None
        if not isinstance(total, int):
            raise deskmetrics.ConnectorError("GET /api/v2/search/tickets: no total in the answer")
        return total

    def _list_all(self, path: str) -> list[Row]:
        return [
            row
            for page in pages(self.client, path, {"per_page": self.options.per_page})
            for row in page
        ]

    def mapper(self) -> TicketMapper:
        """Ticket mapping with this account's labels (one ticket_fields call per sync)."""
        with self._lock:
            mapper = self._mapper
        if mapper is None:
            mapper = TicketMapper(
                self.options,
                self._ticket_fields(),
                keep_raw=self.keep_raw,
                warn=self.warn,
                mailboxes=self._mailboxes,
            )
            with self._lock:
                self._mapper = mapper
        return mapper

    def _mailboxes(self) -> dict[int, str]:
        """Mailbox id (a ticket's ``email_config_id``) -> name; one call per sync."""
        try:
            rows = self._list_all("/api/v2/email/mailboxes")
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            self.warn(f"email/mailboxes: {exc.status} (the key may not read mailboxes); "
                      "tickets name their mailbox by id")  # fmt: skip
            return {}
        return {int(r["id"]): str(r.get("name") or r["id"]) for r in rows if "id" in r}

    def _ticket_fields(self) -> TicketFields:
        try:
            body = self.client.get_json("/api/v2/ticket_fields")
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            self.warn(
                "ticket_fields: 403 (the key may not read ticket fields); custom fields keep "
                "their API names and custom statuses have no labels"
            )
            return TicketFields()
        return TicketFields.from_api(body if isinstance(body, list) else [])

    def _build(
        self, build: Callable[[Row], R], rows: Sequence[Row], kind: str
    ) -> tuple[list[R], list[deskmetrics.RejectedRow]]:
        """Records from rows; a row that cannot be one is rejected, not fatal."""
        records: list[R] = []
        rejected: list[deskmetrics.RejectedRow] = []
        for row in rows:
            try:
                records.append(build(row))
            except (deskmetrics.RecordError, KeyError, TypeError, ValueError) as exc:
                reason = str(exc) if isinstance(exc, deskmetrics.RecordError) else repr(exc)
                rejected.append(
                    deskmetrics.RejectedRow(
                        location=f"{kind} {row.get('id')}", reason=reason, data=row
                    )
                )
        return records, rejected

    # -- agents and groups -----------------------------------------------------------------

    @deskmetrics.stream("groups", records=(deskmetrics.Group,))
    def _read_groups(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_list("/api/v2/groups", directory.group)

    @deskmetrics.stream("agents", records=(deskmetrics.Agent,))
    def _read_agents(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_list("/api/v2/agents", directory.agent)

    def _read_list(
        self, path: str, build: Callable[..., deskmetrics.Record]
    ) -> Iterator[deskmetrics.Batch]:
        # Small lists, re-read whole every sync: no cursor needed.
        kind = path.rsplit("/", 1)[-1].rstrip("s")
        try:
            for rows in pages(self.client, path, {"per_page": self.options.per_page}):
                records, rejected = self._build(
                    lambda row: build(row, keep_raw=self.keep_raw), rows, kind
                )
                yield deskmetrics.Batch(records, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            self.warn(f"{path.rsplit('/', 1)[-1]}: 403 (an admin key is needed); not synced")

    # -- companies -------------------------------------------------------------------------

    @deskmetrics.stream("companies", records=(deskmetrics.Organization,))
    def _read_companies(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """All companies on the first sync, then those updated since the cursor minus the lookback.

        Not since start_date: tickets in range name companies last changed long before it. The
        listing's order is not documented, so the cursor is saved once the whole listing is
        stored; a cut-off sync reads it again. Deleted companies are not noticed (no tombstones).
        """
        cursor = deskmetrics.UpdatedSince.resume(
            state, lookback=timedelta(minutes=self.options.lookback_minutes)
        )
        params: dict[str, Any] = {"per_page": self.options.per_page}
        since = cursor.since()
        if since is not None:
            params["updated_since"] = format_time(since)
        labels: CompanyFields | None = None
        try:
            for rows in pages(self.client, "/api/v2/companies", params):
                # Labels cost a call: only made once a company actually has custom fields.
                if labels is None and any(row.get("custom_fields") for row in rows):
                    labels = self._company_fields()
                build = partial(
                    companies.organization,
                    fields=labels if labels is not None else CompanyFields(),
                    keep_raw=self.keep_raw,
                    churn_field=self.options.organization_churn_field,
                )
                records, rejected = self._build(build, rows, "company")
                for row in rows:
                    cursor.see(_time_or_none(row.get("updated_at")))
                yield deskmetrics.Batch(records, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            self.warn(
                f"companies: {exc.status} from /api/v2/companies (the key may not read "
                "companies); not synced, tickets keep the company id as organization_id"
            )
            return
        final = cursor.state()
        if final is not None:
            yield deskmetrics.Batch([], state=final)

    def _company_fields(self) -> CompanyFields:
        try:
            body = self.client.get_json("/api/v2/company_fields")
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            self.warn(
                f"company_fields: {exc.status} (the key may not read company fields); custom "
                "company fields keep their API names"
            )
            return CompanyFields()
        return CompanyFields.from_api(body if isinstance(body, list) else [])

    # -- tickets, deleted, spam ------------------------------------------------------------

    def _ticket_start(self, state: deskmetrics.State | None) -> datetime:
        start = self.options.start_date
        lookback = timedelta(minutes=self.options.lookback_minutes)
        since = deskmetrics.UpdatedSince.resume(state, lookback=lookback).since()
        if since is None:
            return start
        recheck = parse_time((state or {}).get("recheck_from"))
        if recheck is not None:
            since = min(since, recheck)
        return max(since, start)

    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def _read_live_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_tickets(state, None)

    @deskmetrics.stream("deleted", records=(deskmetrics.Ticket,))
    def _read_deleted(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_tickets(state, deskmetrics.Status.DELETED)

    @deskmetrics.stream("spam", records=(deskmetrics.Ticket,))
    def _read_spam(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_tickets(state, deskmetrics.Status.SPAM)

    def _read_tickets(
        self, state: deskmetrics.State | None, tombstone: deskmetrics.Status | None
    ) -> Iterator[deskmetrics.Batch]:
        """Tickets updated since the cursor (minus the lookback), one batch per page.

        The next sync starts at ``recheck_from`` when tickets moved during the listing
        (:class:`MovedTickets`).
        """
        mapper = self.mapper()
        moved = MovedTickets()
        cursor: datetime | None = None
        kind = "ticket" if tombstone is None else f"{tombstone.value} ticket"
        for rows in ticket_pages(
            self.client,
            since=self._ticket_start(state),
            per_page=self.options.per_page,
            # Stats cost 2 credits a call and mean nothing for tombstones.
            include_stats=tombstone is None,
            filter_=None if tombstone is None else tombstone.value,
        ):
            for row in rows:
                updated = parse_time(row["updated_at"])
                assert updated is not None  # ticket_pages checked it
                moved.see(str(row.get("id")), updated)
                cursor = updated if cursor is None else max(cursor, updated)
            records, rejected = self._build(
                lambda row: mapper.ticket(row, tombstone=tombstone), rows, kind
            )
            if cursor is None:
                continue
            new_state: deskmetrics.State = {"updated_since": format_time(cursor)}
            if moved.recheck_from is not None:
                new_state["recheck_from"] = format_time(moved.recheck_from)
            yield deskmetrics.Batch(records, state=new_state, rejected=rejected)

    # -- conversations ---------------------------------------------------------------------

    @deskmetrics.stream(
        "conversations", records=(deskmetrics.Interaction, deskmetrics.TicketUpdate)
    )
    def _read_conversations(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """Conversations of tickets changed since they were last fetched (and resolved).

        Candidates come from re-listing tickets updated since this stream's own cursor (with
        stats: 3 credits per 100 tickets), so the state stays small whatever the account's size:
        the cursor plus the ids fetched at exactly that instant (``updated_since`` is inclusive,
        and they need no second fetch), and ``recheck_from`` as for tickets.
        """
        mode = self.options.conversations
        if mode == "off":
            return
        mapper = self.mapper()
        state = state or {}
        cursor = parse_time(state.get("updated_since")) or self.options.start_date
        since = min(cursor, parse_time(state.get("recheck_from")) or cursor)
        done: set[str] = set(state.get("fetched", []))
        moved = MovedTickets()
        with deskmetrics.ChildFetches(
            self._conversations_of,
            concurrency=self.options.conversation_concurrency,
            name="freshdesk-conversations",
        ) as children:
            for rows in ticket_pages(
                self.client, since=since, per_page=self.options.per_page, include_stats=True
            ):
                for row in rows:
                    moved.see(str(row["id"]), parse_time(row["updated_at"]))  # type: ignore[arg-type]
                wanted = [
                    row
                    for row in rows
                    if not (str(row["id"]) in done and parse_time(row["updated_at"]) == cursor)
                    and (mode == "all" or mapper.status(int(row["status"])).value in _RESOLVED)
                ]
                fetched = children.fetch([str(r["id"]) for r in wanted])
                records: list[deskmetrics.Record] = []
                rejected: list[deskmetrics.RejectedRow] = []
                for row, (_, items) in zip(wanted, fetched, strict=True):
                    if items is None:
                        continue  # deleted or archived since it was listed
                    made, bad = self._build(
                        lambda c: conversations.interaction(c, keep_raw=self.keep_raw),
                        items,
                        "conversation",
                    )
                    records += made
                    rejected += bad
                    stats = row.get("stats") or {}
                    records.append(
                        conversations.ticket_update(
                            str(row["id"]),
                            items,
                            stats_first_response=bool(stats.get("first_responded_at")),
                            outbound=row.get("source") == OUTBOUND_EMAIL,
                        )
                    )
                listed = [parse_time(r["updated_at"]) for r in rows]
                latest = max((t for t in listed if t is not None), default=cursor)
                if latest > cursor:
                    cursor, done = latest, set()
                done |= {str(r["id"]) for r in wanted if parse_time(r["updated_at"]) == cursor}
                new_state: deskmetrics.State = {
                    "updated_since": format_time(cursor),
                    "fetched": sorted(done, key=_id_order),
                }
                if moved.recheck_from is not None:
                    new_state["recheck_from"] = format_time(moved.recheck_from)
                yield deskmetrics.Batch(records, state=new_state, rejected=rejected)

    def _conversations_of(self, ticket_id: str) -> list[Row] | None:
        path = f"/api/v2/tickets/{ticket_id}/conversations"
        try:
            return [c for page in pages(self.client, path, {"per_page": 100}) for c in page]
        except deskmetrics.HttpError as exc:
            if exc.status == 404:
                return None
            raise

    # -- ticket activities (the status and assignment history) -----------------------------

    @deskmetrics.stream("ticket_activities", records=(deskmetrics.TicketEvent,))
    def _read_ticket_activities(
        self, state: deskmetrics.State | None
    ) -> Iterator[deskmetrics.Batch]:
        """Status, assignee and group changes from the daily ticket-activities export, when
        ``ticket_activities`` is on (activity_export.py)."""
        if not self.options.ticket_activities:
            return
        today = datetime.fromtimestamp(self.runtime.now(), UTC).date()
        mapper = self.mapper()
        yield from read_days(
            self.client,
            self._files(),
            ActivityMapper(mapper.fields.status_labels, mapper.status),
            first=first_day(
                state, self.options.start_date.date(), today, self.options.ticket_activities_days
            ),
            today=today,
            warn=self.warn,
        )

    def _files(self) -> deskmetrics.HttpClient:
        """A client for the export files' links: another host, so no API key is sent."""
        return self.http_client(
            "", account=f"{self.options.account}:export-files", timeout=self.options.timeout
        )

    # -- satisfaction ratings --------------------------------------------------------------

    @deskmetrics.stream("satisfaction_ratings", records=(deskmetrics.SurveyResponse,))
    def _read_ratings(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """CSAT responses created since the cursor minus the lookback.

        The endpoint filters on ``created_since`` only and its order is not documented, so the
        cursor is saved once the whole listing is stored; a cut-off sync reads it again.
        """
        cursor = deskmetrics.UpdatedSince.resume(
            state,
            lookback=timedelta(minutes=self.options.lookback_minutes),
            floor=self.options.start_date,
            key="created_since",
        )
        since = cursor.since()
        assert since is not None  # the floor
        params = {"created_since": format_time(since), "per_page": self.options.per_page}
        try:
            for rows in pages(self.client, "/api/v2/surveys/satisfaction_ratings", params):
                records, rejected = self._build(
                    lambda r: ratings.survey_response(r, keep_raw=self.keep_raw),
                    rows,
                    "satisfaction rating",
                )
                for record in records:
                    cursor.see(record.created_at)
                yield deskmetrics.Batch(records, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            self.warn(
                "satisfaction_ratings: 403 from /api/v2/surveys/satisfaction_ratings (the plan "
                "has no Surveys feature, or the key may not read them): no CSAT for this account"
            )
            return
        final = cursor.state()
        if final is not None:
            yield deskmetrics.Batch([], state=final)

    # -- time entries ----------------------------------------------------------------------

    @deskmetrics.stream("time_entries", records=(deskmetrics.TicketUpdate,))
    def _read_time_entries(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """handle_seconds = all finished time entries of a ticket, summed.

        Entries can only be listed by ``executed_after``, and a ticket's sum must include its
        entries from earlier syncs. The first sync sums the full listing. Later ones list a
        window (the cursor minus time_entries_lookback_days, for entries logged late) and
        compare it with the window the previous sync saw (``seen``: entry id -> ticket,
        updated_at, executed_at): only tickets with a new, edited or deleted entry there, or
        a timer that was running, have all their entries re-listed (one call each) and summed.
        """
        state = state or {}
        saved = parse_time(state.get("executed_after"))
        days = timedelta(days=self.options.time_entries_lookback_days)
        start = self.options.start_date
        since = start if saved is None else max(start, saved - days)
        params = {"executed_after": format_time(since), "per_page": self.options.per_page}
        listed = HandleTimes()
        window: dict[str, list[str]] = {}
        latest = saved
        for rows in pages(self.client, "/api/v2/time_entries", params):
            listed.add(rows)
            for row in rows:
                when = parse_time(row.get("executed_at") or row.get("created_at"))
                if when is None or row.get("ticket_id") is None:
                    continue
                latest = when if latest is None else max(latest, when)
                window[str(row["id"])] = [
                    str(row["ticket_id"]),
                    str(row.get("updated_at")),
                    format_time(when),
                ]
        if saved is None:
            sums = listed
            tickets = sorted(listed.tickets, key=_id_order)
        else:
            seen: dict[str, list[str]] = state.get("seen", {})
            touched = set(state.get("running", []))
            touched |= {e[0] for key, e in window.items() if seen.get(key, [])[:2] != e[:2]}
            # Seen in the window last time, gone now: deleted (or moved out of the window).
            touched |= {
                e[0] for key, e in seen.items() if key not in window and e[2] >= format_time(since)
            }
            tickets = sorted(touched, key=_id_order)
            sums = self._entries_of(tickets)
        updates = [
            deskmetrics.TicketUpdate(id=t, handle_seconds=sums.handle_seconds(t))
            for t in tickets
            if t in sums.tickets
        ]
        keep_from = format_time((latest or since) - days)
        final: deskmetrics.State = {
            "executed_after": format_time(latest or since),
            "running": sorted(sums.running, key=_id_order),
            "seen": {key: e for key, e in window.items() if e[2] >= keep_from},
        }
        for first in range(0, len(updates), UPDATES_PER_BATCH):
            yield deskmetrics.Batch(updates[first : first + UPDATES_PER_BATCH])
        yield deskmetrics.Batch([], state=final)

    def _entries_of(self, tickets: list[str]) -> HandleTimes:
        sums = HandleTimes()

        def fetch(ticket_id: str) -> list[Row] | None:
            path = f"/api/v2/tickets/{ticket_id}/time_entries"
            try:
                return [e for page in pages(self.client, path, {"per_page": 100}) for e in page]
            except deskmetrics.HttpError as exc:
                if exc.status == 404:
                    return None  # deleted since: its stored sum stays as it was
                raise

        with deskmetrics.ChildFetches(
            fetch, concurrency=self.options.conversation_concurrency, name="freshdesk-time"
        ) as children:
            for ticket_id, entries in children.fetch(tickets):
                if entries is None:
                    continue
                sums.add(entries)
                # No entries left: every one was deleted, nothing is logged any more.
                sums.tickets.add(ticket_id)
        return sums

    # -- contacts --------------------------------------------------------------------------

    @deskmetrics.stream("contacts", records=(deskmetrics.Customer,))
    def _read_contacts(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """All contacts on the first sync, then those updated since the cursor minus lookback.

        Not since start_date, like companies. The listing's order is not documented, so the
        cursor is saved once the whole listing is stored. Freshdesk stops deep listings (others
        saw ~49,000 contacts, a 400 past some page): the contacts read so far are kept, the
        cursor still moves on (so the next sync makes progress) and a warning says how many
        were read (docs/connectors/freshdesk.md, "Customers and churn").
        """
        cursor = deskmetrics.UpdatedSince.resume(
            state, lookback=timedelta(minutes=self.options.lookback_minutes)
        )
        # Always Freshdesk's largest page: contacts are many, and the cursor is only saved once
        # the whole listing is stored, so fewer requests mean fewer chances to start over.
        params: dict[str, Any] = {"per_page": CONTACTS_PER_PAGE}
        since = cursor.since()
        if since is not None:
            params["updated_since"] = format_time(since)
        build = partial(
            contacts.customer, churn_field=self.options.churn_field, keep_raw=self.keep_raw
        )
        read = 0
        try:
            for rows in pages(self.client, "/api/v2/contacts", params):
                records, rejected = self._build(build, rows, "contact")
                read += len(rows)
                for row in rows:
                    cursor.see(_time_or_none(row.get("updated_at")))
                yield deskmetrics.Batch(records, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status == 400 and read:
                self.warn(
                    f"contacts: Freshdesk refused the listing after {read} contacts ({exc}); "
                    "those are stored, the rest come as they are updated (or sync a customers "
                    "file, see docs/connectors/freshdesk.md)"
                )
            elif exc.status in (403, 404):
                self.warn(
                    f"contacts: {exc.status} from /api/v2/contacts (the key may not read "
                    "contacts); not synced, tickets keep the requester id only"
                )
                return
            else:
                raise
        final = cursor.state()
        if final is not None:
            yield deskmetrics.Batch([], state=final)


CONTACTS_PER_PAGE = 100
"""Freshdesk's maximum page size, used for contacts whatever ``per_page`` says."""

OUTBOUND_EMAIL = 10
"""The ticket source of an outbound e-mail: an agent opened the conversation."""

_RESOLVED = frozenset(status.value for status in deskmetrics.RESOLVED_STATUSES)


def _time_or_none(value: Any) -> datetime | None:
    # A garbled updated_at only leaves that company out of the cursor; its record is still built.
    try:
        return parse_time(value)
    except (TypeError, ValueError, AttributeError):
        return None


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (0, value)
