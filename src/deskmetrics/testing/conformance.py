"""The connector conformance suite: subclass it in your tests and your connector is checked.

    from deskmetrics.testing import ConnectorConformance

    class TestJsonLines(ConnectorConformance):
        connector = "jsonl"
        invalid_options = [({"batch_size": 0}, "batch_size")]

        @pytest.fixture
        def connection_options(self, tmp_path):
            write_sample_export(tmp_path / "tickets.jsonl")
            return {"path": "tickets.jsonl", "batch_size": 10}

An HTTP connector also sets ``http = True``, answers requests in ``serve`` (a
:class:`~deskmetrics.testing.fake_server.FakeServer` handler) and builds its options from the
``fake_source`` fixture: ``return {"base_url": fake_source.url, "token": "t0ken"}``. The suite then
also checks that 401, 429 and 500 answers are handled, by injecting them in front of ``serve``.

What it checks: every stored record validates against the schema; a second sync with nothing
changed writes nothing new; saved cursors are JSON and survive a round trip; a sync interrupted
after any batch resumes to exactly the store of an uninterrupted sync; invalid options fail with
a message naming the key; credentials never appear in errors or in the database.

The credentials are the options typed ``deskmetrics.Secret`` (:func:`deskmetrics.secret_fields`):
an HTTP connector whose options mark none fails the suite instead of skipping the check. Every
connector is built with a :class:`~deskmetrics.testing.FakeClock` runtime, so rate-limit waits
and back-offs are recorded, not slept, for connectors whose clients come from
``Connector.http_client``.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.connect.connector import Connector
from deskmetrics.connect.secrets import secret_fields
from deskmetrics.errors import ConfigError
from deskmetrics.models import RECORD_TYPES
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store import Store
from deskmetrics.store.encoding import row_to_record
from deskmetrics.sync.engine import ConnectionResult, sync_connector
from deskmetrics.testing.clock import FakeClock
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer

CONNECTION = "conformance"
_TABLES = [model.table for model in RECORD_TYPES]


def store_contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every record table's rows, sorted, without the ``synced_at`` bookkeeping column."""
    contents = {}
    for table in [*_TABLES, "ticket_tags"]:
        columns = [c for c in store.db[table].columns_dict if c != "synced_at"]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = store.conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall()
        contents[table] = sorted(rows, key=repr)
    return contents


class FaultInjector:
    """A FakeServer handler that answers queued faults before passing requests on."""

    def __init__(self, handler: Callable[[FakeRequest], FakeResponse]) -> None:
        self.handler = handler
        self._faults: deque[FakeResponse] = deque()

    def fail_next(
        self, status: int, *, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        for _ in range(times):
            self._faults.append(
                FakeResponse(status, {"error": f"injected {status}"}, headers or {})
            )

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if self._faults:
            return self._faults.popleft()
        return self.handler(request)


class FakeSource:
    """The running fake server of an HTTP connector's test, with its fault queue."""

    def __init__(self, server: FakeServer, faults: FaultInjector) -> None:
        self.server = server
        self.faults = faults

    @property
    def url(self) -> str:
        return self.server.url


class _Interrupted(BaseException):
    """Raised between batches to simulate a process dying mid-sync."""


class _InterruptAfter:
    """Wraps a connector's ``read`` so the sync dies after ``limit`` batches in total."""

    def __init__(self, connector: Connector, limit: int) -> None:
        self.seen = 0
        original = connector.read

        def read(stream: str, state: dict[str, Any] | None) -> Iterator[Any]:
            for batch in original(stream, state):
                if self.seen == limit:
                    raise _Interrupted
                self.seen += 1
                yield batch

        connector.read = read  # type: ignore[method-assign]


class ConnectorConformance:
    """Subclass with ``connector`` set and a ``connection_options`` fixture (see module doc)."""

    connector: ClassVar[str]
    """The registered connector name."""
    invalid_options: ClassVar[list[tuple[dict[str, Any], str]]] = []
    """(options merged over the valid ones, the option key the error must name)."""
    http: ClassVar[bool] = False
    interruptions: ClassVar[int] = 4
    """How many different batch boundaries the interrupted-sync test cuts at."""

    # -- what a connector's test provides ------------------------------------------------------

    @pytest.fixture
    def connection_options(self) -> dict[str, Any]:
        raise NotImplementedError("define a connection_options fixture returning valid options")

    def serve(self, request: FakeRequest) -> FakeResponse:
        """HTTP connectors: answer the connector's requests like the real API would."""
        raise NotImplementedError("HTTP connectors define serve(request)")

    # -- fixtures ------------------------------------------------------------------------------

    @pytest.fixture(autouse=True)
    def fake_clock(self) -> FakeClock:
        """The clock of every connector a test builds: sleeps are recorded, not slept; each
        test starts with fresh rate budgets."""
        self._clock = FakeClock()
        return self._clock

    @pytest.fixture
    def _no_waiting(self, fake_clock: FakeClock) -> list[float]:
        """Every sleep of the test, in seconds."""
        return fake_clock.sleeps

    @pytest.fixture
    def fake_source(self) -> Iterator[FakeSource]:
        faults = FaultInjector(self.serve)
        with FakeServer(faults) as server:
            yield FakeSource(server, faults)

    @pytest.fixture
    def project(self, tmp_path: Path) -> Path:
        return tmp_path / "deskmetrics.toml"

    def make_connector(self, project: Path, options: dict[str, Any]) -> Connector:
        data = {"connections": {CONNECTION: {"connector": self.connector, **options}}}
        config = parse_config(data, project)
        built = build_connector(config, config.connections[CONNECTION], get_registry().connectors)
        built.runtime = self._clock.runtime()
        return built

    def secret_options(self, options: dict[str, Any]) -> list[str]:
        """The option names in ``options`` that the connector's options model marks secret."""
        marked = secret_fields(get_registry().connectors[self.connector].Options)
        return [name for name in marked if options.get(name)]

    def sync_into(self, database: Path, project: Path, options: dict[str, Any]) -> ConnectionResult:
        with Store(database) as store:
            return sync_connector(store, self.make_connector(project, options))

    @pytest.fixture
    def reference(
        self, tmp_path: Path, project: Path, connection_options: dict[str, Any]
    ) -> dict[str, list[tuple[Any, ...]]]:
        """The store after one clean full sync."""
        result = self.sync_into(tmp_path / "reference.db", project, connection_options)
        assert result.status == "succeeded", result.error
        with Store(tmp_path / "reference.db") as store:
            return store_contents(store)

    # -- the checks ----------------------------------------------------------------------------

    def test_connector_is_registered(self) -> None:
        registered = get_registry().connectors
        assert self.connector in registered, f"{self.connector!r} is not registered"
        assert issubclass(registered[self.connector], Connector)
        assert registered[self.connector].streams, "a connector declares at least one stream"

    def test_records_validate_against_the_schema(
        self, tmp_path: Path, project: Path, connection_options: dict[str, Any]
    ) -> None:
        result = self.sync_into(tmp_path / "sync.db", project, connection_options)
        assert result.status == "succeeded", result.error
        assert result.records > 0, "the sample source must yield records"
        with Store(tmp_path / "sync.db") as store:
            for model in RECORD_TYPES:
                for row in store.db[model.table].rows:
                    assert row["source"] == CONNECTION
                    row_to_record(model, row)  # raises if a stored row is not a valid record

    def test_second_sync_without_changes_writes_nothing_new(
        self,
        tmp_path: Path,
        project: Path,
        connection_options: dict[str, Any],
        reference: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        database = tmp_path / "twice.db"
        assert self.sync_into(database, project, connection_options).status == "succeeded"
        second = self.sync_into(database, project, connection_options)
        assert second.status == "succeeded", second.error
        with Store(database) as store:
            assert store_contents(store) == reference

    def test_state_round_trips(
        self, tmp_path: Path, project: Path, connection_options: dict[str, Any]
    ) -> None:
        database = tmp_path / "state.db"
        assert self.sync_into(database, project, connection_options).status == "succeeded"
        with Store(database) as store:
            states = store.states(CONNECTION)
            assert states, "a sync saves a cursor for its streams"
            for row in states:
                assert json.loads(json.dumps(row["state"])) == row["state"]
                assert store.get_state(CONNECTION, row["stream"]) == row["state"]

    def test_interrupted_sync_resumes_exactly(
        self,
        tmp_path: Path,
        project: Path,
        connection_options: dict[str, Any],
        reference: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        counter = self.make_connector(project, connection_options)
        wrapped = _InterruptAfter(counter, limit=-1)
        with Store(tmp_path / "count.db") as store:
            sync_connector(store, counter)
        batches = wrapped.seen
        cuts = sorted({max(1, batches * k // (self.interruptions + 1)) for k in range(1, 5)})
        for cut in cuts:
            database = tmp_path / f"cut-{cut}.db"
            connector = self.make_connector(project, connection_options)
            _InterruptAfter(connector, limit=cut)
            with Store(database) as store, pytest.raises(_Interrupted):
                sync_connector(store, connector)
            result = self.sync_into(database, project, connection_options)
            assert result.status == "succeeded", result.error
            with Store(database) as store:
                assert store_contents(store) == reference, f"resumed after batch {cut}"

    def test_invalid_options_name_the_key(
        self, project: Path, connection_options: dict[str, Any]
    ) -> None:
        for overrides, key in self.invalid_options:
            with pytest.raises(ConfigError) as caught:
                self.make_connector(project, {**connection_options, **overrides})
            assert f"connections.{CONNECTION}.{key}" in str(caught.value)
        with pytest.raises(ConfigError) as caught:
            self.make_connector(project, {**connection_options, "no_such_option": 1})
        assert f"connections.{CONNECTION}.no_such_option" in str(caught.value)

    def test_missing_secret_variable_is_named(
        self, project: Path, connection_options: dict[str, Any]
    ) -> None:
        secrets = self.secret_options(connection_options)
        if not secrets:
            if self.http:
                pytest.fail(self._no_secret_message())
            pytest.skip("the connector's options mark no deskmetrics.Secret field")
        options = {**connection_options, secrets[0]: "${DM_CONFORMANCE_UNSET_VAR}"}
        with pytest.raises(ConfigError) as caught:
            self.make_connector(project, options)
        assert "environment variable DM_CONFORMANCE_UNSET_VAR is not set" in str(caught.value)

    # -- HTTP ----------------------------------------------------------------------------------

    def _http_only(self) -> None:
        if not self.http:
            pytest.skip("not an HTTP connector")

    def test_http_401_fails_clearly_without_leaking_the_secret(
        self, tmp_path: Path, project: Path, fake_source: FakeSource
    ) -> None:
        self._http_only()
        options = self._options(fake_source)
        fake_source.faults.fail_next(401, times=50)
        result = self.sync_into(tmp_path / "401.db", project, options)
        assert result.status == "failed"
        assert "401" in (result.error or "")
        secrets = [str(options[name]) for name in self.secret_options(options)]
        assert secrets, self._no_secret_message()
        text = json.dumps([result.error, result.warnings])
        raw = (tmp_path / "401.db").read_bytes()
        for secret in secrets:
            assert secret not in text, "a credential appears in the error or warnings"
            assert secret.encode() not in raw, "a credential is stored in the database"

    def _no_secret_message(self) -> str:
        return (
            f"{self.connector}: no option of the valid options is typed deskmetrics.Secret; "
            f"type the credential fields of its Options model deskmetrics.Secret"
        )

    def test_http_429_waits_retry_after_and_completes(
        self,
        tmp_path: Path,
        project: Path,
        fake_source: FakeSource,
        reference_http: dict[str, list[tuple[Any, ...]]],
        _no_waiting: list[float],
    ) -> None:
        self._http_only()
        fake_source.faults.fail_next(429, headers={"Retry-After": "7"})
        result = self.sync_into(tmp_path / "429.db", project, self._options(fake_source))
        assert result.status == "succeeded", result.error
        assert any(abs(s - 7) < 0.5 for s in _no_waiting), f"waited {_no_waiting}"
        with Store(tmp_path / "429.db") as store:
            assert store_contents(store) == reference_http

    def test_http_500_is_retried_and_completes(
        self,
        tmp_path: Path,
        project: Path,
        fake_source: FakeSource,
        reference_http: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        self._http_only()
        fake_source.faults.fail_next(500, times=2)
        result = self.sync_into(tmp_path / "500.db", project, self._options(fake_source))
        assert result.status == "succeeded", result.error
        with Store(tmp_path / "500.db") as store:
            assert store_contents(store) == reference_http

    @pytest.fixture
    def reference_http(
        self, tmp_path: Path, project: Path, fake_source: FakeSource
    ) -> dict[str, list[tuple[Any, ...]]]:
        if not self.http:
            return {}
        result = self.sync_into(tmp_path / "reference-http.db", project, self._options(fake_source))
        assert result.status == "succeeded", result.error
        with Store(tmp_path / "reference-http.db") as store:
            return store_contents(store)

    def _options(self, fake_source: FakeSource) -> dict[str, Any]:
        return self.http_options(fake_source)

    def http_options(self, fake_source: FakeSource) -> dict[str, Any]:
        """HTTP connectors: valid options pointing at ``fake_source.url``."""
        raise NotImplementedError("HTTP connectors define http_options(fake_source)")
