"""The Zendesk connector: groups, agents, organizations, customers, tickets with metrics, CSAT,
SLA, and comments with the status/assignment history (the ticket event export).

Every stream saves its cursor with each page, so a sync killed at any moment resumes where the
last stored page ended. Tickets follow the cursor-based incremental export
(``after_cursor`` until ``end_of_stream``, never stopping on an empty page).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

import deskmetrics
from deskmetrics_zendesk.api import INCREMENTAL, USERS, ZendeskApi
from deskmetrics_zendesk.customers import customer_from
from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.export_page import full_tickets, lean_page
from deskmetrics_zendesk.labels import TicketLabels
from deskmetrics_zendesk.options import ZendeskOptions
from deskmetrics_zendesk.organizations import organization_from
from deskmetrics_zendesk.people import agent_from_user, group_from
from deskmetrics_zendesk.satisfaction import latest_per_ticket, response_from_rating
from deskmetrics_zendesk.schedules import schedule_from, week_deadline
from deskmetrics_zendesk.sla import SlaDeadlines
from deskmetrics_zendesk.ticket_events import EventMapper, agent_ids
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper
from deskmetrics_zendesk.time_export import time_pages
from deskmetrics_zendesk.timestamps import epoch_of, to_epoch

TICKETS_PATH = "/api/v2/incremental/tickets/cursor.json"
RATINGS_PATH = "/api/v2/satisfaction_ratings.json"
METRIC_EVENTS_PATH = "/api/v2/incremental/ticket_metric_events.json"
TICKET_EVENTS_PATH = "/api/v2/incremental/ticket_events.json"
TICKET_EVENTS_PER_PAGE = 500
"""Zendesk support advised at most 500 a page when comment events are included (zenpy #336)."""
ORGANIZATIONS_PATH = "/api/v2/incremental/organizations.json"
USERS_PATH = "/api/v2/incremental/users/cursor.json"
SCHEDULES_PATH = "/api/v2/business_hours/schedules.json"
MIN_PER_PAGE = 50
_BAD_PAYLOAD = (deskmetrics.RecordError, ValueError, KeyError, TypeError, AttributeError)
"""What mapping a malformed item raises: it is rejected, the sync goes on."""
EXPORT_DELAY = 60
"""Zendesk refuses a ``start_time`` less than a minute in the past."""
_EXPORT_CURSOR = deskmetrics.TokenCursor("cursor")
"""The ticket export's ``after_cursor``, saved as ``{"cursor": ...}``."""


class ZendeskConnector(deskmetrics.Connector):
    """Zendesk Support through its incremental exports and cursor-paginated lists.

    Its clock, sleeps and transport come from ``runtime`` (tests and benchmarks pass a
    :class:`deskmetrics.testing.FakeClock` runtime, so rate-limit waits do not wait).
    """

    name: ClassVar[str] = "zendesk"
    ticket_url_template: ClassVar[str | None] = "https://{subdomain}.zendesk.com/agent/tickets/{id}"
    description: ClassVar[str] = (
        "Zendesk Support: tickets with metrics, comments and status/assignment history, CSAT, "
        "SLA deadlines, agents, groups, organizations and customers"
    )
    Options: ClassVar[type[ZendeskOptions]] = ZendeskOptions

    options: ZendeskOptions
    _api: ZendeskApi | None = None

    @property
    def api(self) -> ZendeskApi:
        if self._api is None:
            self._api = ZendeskApi(self.options, self)
        return self._api

    @property
    def budget(self) -> deskmetrics.RateBudget:
        """The account's rate budget (shared by every connection to it in this runtime)."""
        return self.runtime.budget(self.options.account)

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    # -- check ---------------------------------------------------------------------------

    def check(self) -> str:
        user = self.api.get("/api/v2/users/me.json").get("user") or {}
        role = user.get("role")
        if user.get("id") is None or role in (None, "end-user"):
            # Zendesk answers /me for bad credentials too, as an anonymous end user.
            raise deskmetrics.ConnectorError(
                f"{self.api.host}: the credentials were not accepted (Zendesk answered as an "
                f"anonymous user); check the token and that it belongs to this account"
            )
        return f"{self.api.host}: authenticated as {user.get('name') or user['id']} ({role})"

    def ticket_count(self, start: date, end: date) -> int:
        """Tickets created on the UTC days [start, end) by Zendesk's search count.

        ``created>DAY`` means after that whole day, so the day before ``start`` is named. The
        search index lags a few minutes and leaves deleted tickets out (deskmetrics verify).
        """
        query = f"type:ticket created>{start - timedelta(days=1)} created<{end}"
        body = self.api.get("/api/v2/search/count.json", {"query": query})
        return int(body.get("count") or 0)

    # -- streams -------------------------------------------------------------------------

    def _cursor(
        self, state: deskmetrics.State | None, *, use_start_date: bool = True
    ) -> deskmetrics.TimeCursor:
        """The saved ``start_time`` (else start_date, else 0), never within the export delay."""
        default = 0
        if use_start_date and self.options.start_date is not None:
            default = to_epoch(self.options.start_date)
        latest = int(self.runtime.now()) - EXPORT_DELAY
        return deskmetrics.TimeCursor.resume(state, default=default, latest=latest)

    def _start_time(self, state: deskmetrics.State | None, *, use_start_date: bool = True) -> int:
        return self._cursor(state, use_start_date=use_start_date).start

    @deskmetrics.stream("groups", records=(deskmetrics.Group,))
    def _read_groups(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        # A handful of requests on the ordinary budget: read whole each run, so renames show.
        for page in self.api.pages("/api/v2/groups.json", "groups"):
            yield deskmetrics.Batch([group_from(group) for group in page])

    @deskmetrics.stream("agents", records=(deskmetrics.Agent,))
    def _read_agents(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        for page in self._agent_pages():
            agents = [agent_from_user(user) for user in page]
            yield deskmetrics.Batch([agent for agent in agents if agent is not None])

    def _agent_pages(self) -> Iterator[list[dict[str, Any]]]:
        return self.api.pages("/api/v2/users.json", "users", {"role[]": ["agent", "admin"]})

    @deskmetrics.stream("organizations", records=(deskmetrics.Organization,))
    def _read_organizations(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        # From the beginning whatever start_date says: a ticket inside the synced period may
        # name an organization last changed long before it, and its name labels breakdowns.
        start = self._start_time(state, use_start_date=False)

        def fetch(start_time: int) -> dict[str, Any]:
            return self.api.get(ORGANIZATIONS_PATH, {"start_time": start_time}, bucket=INCREMENTAL)

        pages = time_pages(
            fetch, start, "organizations", export="organization export", host=self.api.host
        )
        # Each next page is fetched while this one is mapped and stored.
        pages = deskmetrics.prefetched(pages, name="zendesk export")
        try:
            for organizations, following in pages:
                records: list[deskmetrics.Record] = []
                rejected: list[deskmetrics.RejectedRow] = []
                for organization in organizations:
                    try:
                        records.append(organization_from(
                            organization,
                            churn_field=self.options.organization_churn_field,
                            keep_raw=self.keep_raw,
                        ))  # fmt: skip
                    except _BAD_PAYLOAD as exc:
                        where = f"organization {organization.get('id')}"
                        rejected.append(_rejection(where, exc, organization))
                yield deskmetrics.Batch(records, state={"start_time": following}, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            # Optional like ratings: tickets keep their organization ids, only names are missing.
            self.warn(f"organizations skipped: {exc}")

    @deskmetrics.stream("customers", records=(deskmetrics.Customer,))
    def _read_customers(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """End users from the cursor-based user export: tickets' requesters, surveys' customers.

        From the beginning whatever start_date says, like organizations: a requester of a
        ticket in range may have signed up long before it.
        """
        token = _EXPORT_CURSOR.token(state)
        position: dict[str, Any] = (
            {"cursor": token}
            if token is not None
            else {"start_time": self._start_time(state, use_start_date=False)}
        )
        resume: deskmetrics.State = dict(state or {}) if token else dict(position)
        try:
            # Each next page is fetched while this one is mapped and stored.
            for page in deskmetrics.prefetched(self._user_pages(position), name="users"):
                records, rejected = self._customer_records(page)
                after = page.get("after_cursor")
                if after:
                    resume = _EXPORT_CURSOR.state(after)
                yield deskmetrics.Batch(records, state=resume, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            # Optional like organizations: tickets keep their requester ids.
            self.warn(f"customers skipped: {exc}")

    def _user_pages(self, position: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The user export's pages from ``position`` to ``end_of_stream``, checked to advance."""
        while True:
            page = self.api.get(
                USERS_PATH, {**position, "per_page": self.options.per_page}, bucket=USERS
            )
            end_of_stream = page.get("end_of_stream")
            after, empty = page.get("after_cursor"), not page.get("users")
            yield page
            if end_of_stream:
                return
            where = f"{self.api.host}: the user export"
            after = _EXPORT_CURSOR.check_advanced(
                position.get("cursor"), after, empty=empty, where=where
            )
            position = {"cursor": after}

    def _customer_records(
        self, page: dict[str, Any]
    ) -> tuple[list[deskmetrics.Record], list[deskmetrics.RejectedRow]]:
        records: list[deskmetrics.Record] = []
        rejected: list[deskmetrics.RejectedRow] = []
        for user in page.get("users") or ():
            try:
                customer = customer_from(
                    user, churn_field=self.options.churn_field, keep_raw=self.keep_raw
                )
            except _BAD_PAYLOAD as exc:
                rejected.append(_rejection(f"user {user.get('id')}", exc, user))
                continue
            if customer is not None:
                records.append(customer)
        return records, rejected

    def _field_registry(self) -> FieldRegistry:
        definitions = [
            field
            for page in self.api.pages("/api/v2/ticket_fields.json", "ticket_fields")
            for field in page
        ]
        return FieldRegistry(definitions)

    def _ticket_mapper(self) -> TicketMapper:
        fields = self._field_registry()
        handle = None
        if self.options.handle_time_field is not None:
            handle = fields.name_of(self.options.handle_time_field)
            if handle is None:
                self.warn(
                    f"handle_time_field {self.options.handle_time_field!r} is not a ticket "
                    f"field of {self.api.host}; handle times are not read"
                )
        return TicketMapper(
            fields,
            Escalation(self.options.escalation, self.options.escalation_tags),
            keep_raw=self.keep_raw,
            handle_time_field=handle,
            labels=self._ticket_labels(),
        )

    def _ticket_labels(self) -> TicketLabels:
        return TicketLabels.from_api(
            self._label_list("/api/v2/custom_statuses.json", "custom_statuses"),
            self._label_list("/api/v2/brands.json", "brands"),
            self._label_list("/api/v2/ticket_forms.json", "ticket_forms"),
        )

    def _label_list(self, path: str, key: str) -> list[dict[str, Any]]:
        try:
            return list(self.api.get(path).get(key) or [])
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            # Custom statuses, brands and forms depend on the plan: ids are stored instead.
            self.warn(f"tickets: {key} not readable ({exc.status}); stored by id")
            return []

    @deskmetrics.stream(
        "tickets", records=(deskmetrics.Ticket, deskmetrics.Agent, deskmetrics.Group)
    )
    def _read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        mapper = self._ticket_mapper()
        params: dict[str, Any] = {
            "include": ",".join(["metric_sets", *self.options.ticket_sideloads]),
            "support_type_scope": self.options.support_type_scope,
        }
        token = _EXPORT_CURSOR.token(state)
        if token is not None:
            position: dict[str, Any] = {"cursor": token}
            resume: deskmetrics.State = dict(state or {})
        else:
            start = self._start_time(state)
            position = {"start_time": start}
            resume = {"start_time": start}
        # The next page is requested, decoded and mapped while this one is stored: SQLite
        # lets go of the GIL while it steps, so mapping and storing overlap on two cores.
        pages = self._mapped_pages(self._export_pages(params, position), mapper)
        for records, rejected, after in deskmetrics.prefetched(pages, name="tickets"):
            if after:
                resume = _EXPORT_CURSOR.state(after)
            yield deskmetrics.Batch(records, state=resume, rejected=rejected)
            del records  # the engine stored them: not held while the next page is awaited
        if mapper.dropped_times:
            self.warn(
                f"tickets: {mapper.dropped_times} metric time(s) earlier than their ticket's "
                f"created_at were left empty (imported tickets?)"
            )

    def _export_pages(
        self, params: dict[str, Any], position: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """The export's pages from ``position`` to ``end_of_stream``, each checked to advance."""
        per_page = self.options.per_page
        while True:
            page, per_page = self._ticket_page({**params, **position}, per_page)
            end_of_stream = page.get("end_of_stream")
            after, empty = page.get("after_cursor"), not page.get("tickets")
            held = [page]
            del page
            yield held.pop()  # not referenced here while the consumer maps it
            if end_of_stream:
                return
            where = f"{self.api.host}: the ticket export"
            after = _EXPORT_CURSOR.check_advanced(
                position.get("cursor"), after, empty=empty, where=where
            )
            position = {"cursor": after}

    def _mapped_pages(
        self, pages: Iterator[dict[str, Any]], mapper: TicketMapper
    ) -> Iterator[tuple[list[deskmetrics.Record], list[deskmetrics.RejectedRow], Any]]:
        """Each page's records, rejected rows and next cursor; the decoded page is freed
        before the records are handed on."""
        for page in pages:
            records, rejected = self._ticket_records(page, mapper)
            after = page.get("after_cursor")
            del page
            yield records, rejected, after

    def _ticket_page(self, params: dict[str, Any], per_page: int) -> tuple[dict[str, Any], int]:
        """A page of the export; on timeouts, the same page again with half as many tickets."""
        while True:
            try:
                page = self.api.get(
                    TICKETS_PATH,
                    {**params, "per_page": per_page},
                    bucket=INCREMENTAL,
                    # The raw payload needs every key: only the mapped ones are decoded without.
                    decode=None if self.keep_raw else lean_page,
                )
                return page, per_page
            except deskmetrics.HttpError as exc:
                timed_out = isinstance(exc, deskmetrics.RequestTimeout) or exc.status == 504
                if not timed_out or per_page <= MIN_PER_PAGE:
                    raise
                smaller = max(MIN_PER_PAGE, per_page // 2)
                self.warn(
                    f"tickets: the export timed out with per_page={per_page}; "
                    f"continuing with per_page={smaller}"
                )
                per_page = smaller

    def _ticket_records(
        self, page: dict[str, Any], mapper: TicketMapper
    ) -> tuple[list[deskmetrics.Record], list[deskmetrics.RejectedRow]]:
        records: list[deskmetrics.Record] = []
        for user in page.get("users") or ():
            agent = agent_from_user(user)
            if agent is not None:
                records.append(agent)
        records.extend(group_from(group) for group in page.get("groups") or ())
        failed: list[tuple[int, Exception]] = []
        for index, ticket in enumerate(page.get("tickets") or ()):
            try:
                records.append(mapper.ticket(ticket))
            except _BAD_PAYLOAD as exc:
                failed.append((index, exc))
        rejected = []
        if failed:
            # One malformed ticket is kept, whole, for the user to see; it does not stop the sync.
            whole = full_tickets(page)
            for index, exc in failed:
                ticket = whole[index]
                if not isinstance(ticket, dict):  # it would crash the stream on .get below
                    where = f"ticket #{index + 1} of the page (not a JSON object)"
                    ticket = {"item": ticket}
                else:
                    where = f"ticket {ticket.get('id')}"
                rejected.append(_rejection(where, exc, ticket))
        return records, rejected

    @deskmetrics.stream("satisfaction_ratings", records=(deskmetrics.SurveyResponse,))
    def _read_ratings(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        cursor = self._cursor(state)
        start = cursor.start
        query: dict[str, Any] = {"start_time": start, "page[size]": 100}
        if state and state.get("after"):
            query["page[after]"] = state["after"]
        while True:
            try:
                page = self.api.get(RATINGS_PATH, query)
            except deskmetrics.HttpError as exc:
                if exc.status != 403:
                    raise
                self.warn(f"satisfaction_ratings skipped: {exc}")
                return
            ratings = page.get("satisfaction_ratings") or []
            for rating in ratings:
                cursor.see(epoch_of(rating.get("updated_at") or rating.get("created_at")))
            stored: list[deskmetrics.Record] = []
            rejected: list[deskmetrics.RejectedRow] = []
            for rating in latest_per_ticket(ratings):
                try:
                    response = response_from_rating(rating)
                except _BAD_PAYLOAD as exc:
                    rejected.append(_rejection(f"rating {rating.get('id')}", exc, rating))
                    continue
                if response is not None:
                    stored.append(response)
            meta = page.get("meta") or {}
            after = meta.get("after_cursor")
            if meta.get("has_more") and after:
                query["page[after]"] = after
                state_now = {"start_time": start, "after": after, "high_water": cursor.high_water}
                yield deskmetrics.Batch(stored, state=state_now, rejected=rejected)
                continue
            # The next run asks from the newest rating seen: ``start_time`` is inclusive, so
            # ratings of that same second come again and are upserted, never skipped.
            yield deskmetrics.Batch(stored, state=cursor.state(), rejected=rejected)
            return

    @deskmetrics.stream("sla", records=(deskmetrics.TicketUpdate,))
    def _read_sla(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        deadlines = SlaDeadlines(self.options.sla_resolution_metrics, self._deadline_in_hours())

        def fetch(start_time: int) -> dict[str, Any]:
            return self.api.get(METRIC_EVENTS_PATH, {"start_time": start_time}, bucket=INCREMENTAL)

        pages = time_pages(
            fetch,
            self._start_time(state),
            "ticket_metric_events",
            export="metric-event export",
            host=self.api.host,
        )
        # Each next page is fetched while this one is mapped and stored.
        pages = deskmetrics.prefetched(pages, name="zendesk export")
        try:
            for events, following in pages:
                yield deskmetrics.Batch(deadlines.updates(events), state={"start_time": following})
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            self.warn(f"sla skipped: {exc}")

    @deskmetrics.stream("ticket_events", records=(deskmetrics.Interaction, deskmetrics.TicketEvent))
    def _read_ticket_events(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        """Comments (replies and notes) and the status/assignee/group history, from the
        incremental ticket event export: export pages, not one request per ticket."""
        users = [user for page in self._agent_pages() for user in page]
        mapper = EventMapper(agent_ids(users))
        params = {
            "include": "comment_events",
            "per_page": min(self.options.per_page, TICKET_EVENTS_PER_PAGE),
            "support_type_scope": self.options.support_type_scope,
        }

        def fetch(start_time: int) -> dict[str, Any]:
            query = {**params, "start_time": start_time}
            return self.api.get(TICKET_EVENTS_PATH, query, bucket=INCREMENTAL)

        pages = time_pages(
            fetch, self._start_time(state), "ticket_events", export="ticket event export",
            host=self.api.host,
        )  # fmt: skip
        # Each next page is fetched while this one is mapped and stored.
        pages = deskmetrics.prefetched(pages, name="zendesk export")
        try:
            for events, following in pages:
                records: list[deskmetrics.Record] = []
                rejected: list[deskmetrics.RejectedRow] = []
                for event in events:
                    try:
                        records.extend(mapper.records(event))
                    except _BAD_PAYLOAD as exc:
                        where = f"ticket event {event.get('id')} (ticket {event.get('ticket_id')})"
                        rejected.append(_rejection(where, exc, event))
                yield deskmetrics.Batch(records, state={"start_time": following}, rejected=rejected)
        except deskmetrics.HttpError as exc:
            if exc.status != 403:
                raise
            self.warn(f"ticket_events skipped (no replies or history): {exc}")

    # -- business hours ------------------------------------------------------------------

    def _account_schedules(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        schedules = self.api.get(SCHEDULES_PATH).get("schedules") or []
        result = []
        for schedule in schedules:
            path = f"/api/v2/business_hours/schedules/{schedule['id']}/holidays.json"
            holidays = self.api.get(path).get("holidays") or []
            result.append((schedule, holidays))
        return result

    def schedules(self) -> list[Any]:
        return [
            schedule_from(schedule, holidays) for schedule, holidays in self._account_schedules()
        ]

    def _deadline_in_hours(self) -> Any:
        """Business-hours SLA targets → deadlines, when the account has exactly one schedule.

        With several schedules Zendesk picks one per ticket by rules deskmetrics cannot see,
        so only breach events give those deadlines.
        """
        try:
            found = self._account_schedules()
        except deskmetrics.HttpError as exc:
            if exc.status not in (403, 404):
                raise
            return None
        if len(found) != 1:
            return None
        try:
            schedule = schedule_from(*found[0])
        except deskmetrics.ConnectorError as exc:
            self.warn(f"sla: business-hours targets without a breach get no deadline: {exc}")
            return None
        return week_deadline(schedule)


def _rejection(location: str, exc: Exception, item: Mapping[str, Any]) -> deskmetrics.RejectedRow:
    reason = str(exc) if isinstance(exc, deskmetrics.RecordError) else repr(exc)
    data = {key: value for key, value in item.items() if key != "fields"}
    return deskmetrics.RejectedRow(location=location, reason=reason, data=data)
