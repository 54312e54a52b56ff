"""What a connector plugin implements: read streams of normalized records, in batches.

A connector never touches the database. It yields :class:`Batch` objects; the sync engine writes
each batch's records, rejected rows and new cursor state in one transaction. A crash therefore
resumes from the last committed batch: ``read`` is called again with that batch's state.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr

from deskmetrics.connect.runtime import Runtime
from deskmetrics.connect.secrets import secret_values, unique_longest_first
from deskmetrics.connect.streams import Stream, declared_streams
from deskmetrics.errors import ConnectorError
from deskmetrics.models import Record
from deskmetrics.store import RejectedRow

if TYPE_CHECKING:
    from deskmetrics.connect.http_client import HttpClient

State = dict[str, Any]
"""A stream's cursor: any JSON-serializable dict. ``None`` means "never synced"."""


@dataclass(frozen=True)
class Batch:
    """Records read from one stream, and the cursor to resume from once they are stored.

    ``state`` None keeps the previous cursor: use it for batches in the middle of a unit of work
    that can only be resumed from its start (a file, an unsorted page set).

    ``hold=True`` keeps the batch's writes uncommitted: they commit with the next batch that
    does not hold, and if the stream fails before that batch, none of them is stored. Use it
    for a unit that is stored whole or not at all, checked while it is written (a file whose
    rows are validated as they are read); the database stays locked for writers meanwhile.
    """

    records: Sequence[Record]
    state: State | None = None
    rejected: Sequence[RejectedRow] = ()
    hold: bool = False


class ConnectorOptions(BaseModel):
    """Base for a connector's ``Options`` model: unknown keys are errors (typos get caught)."""

    model_config = ConfigDict(extra="forbid")


Secret = SecretStr
"""Type for option fields holding credentials: masked in repr, errors and logs.

In the config file, write either the value or a reference ``"${ENV_VAR}"``.
"""


class Connector:
    """Base class for connectors: set ``name`` and ``Options``, declare streams with
    :func:`deskmetrics.stream` on read methods (see docs/plugins.md, "Writing a connector").

    A connector may instead set ``streams`` by hand and override ``read``; it cannot do both.
    """

    name: ClassVar[str]
    """What users write as ``connector = "..."``."""
    description: ClassVar[str] = ""
    streams: ClassVar[tuple[str, ...]]
    """Stream names, in the order they are synced (parents before children)."""
    stream_specs: ClassVar[dict[str, Stream]] = {}
    """The declared streams by name (empty for a connector that overrides ``read``)."""
    Options: ClassVar[type[BaseModel]] = ConnectorOptions
    ticket_url_template: ClassVar[str | None] = None
    """A ticket's page in the helpdesk, e.g. ``https://{subdomain}.zendesk.com/agent/tickets/{id}``:
    ``{id}`` is the ticket id, other fields are (non-secret) options; ``deskmetrics tickets`` and
    ``serve`` link each listed ticket with it. None: tickets have no page to link to."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._check_with_one_attempt()
        declared = declared_streams(cls)
        if not declared:
            return
        if "streams" in vars(cls):
            raise TypeError(
                f"{cls.__name__}: streams are declared with @deskmetrics.stream; "
                f"remove the hand-written streams tuple"
            )
        cls.stream_specs = declared
        cls.streams = tuple(declared)

    @classmethod
    def _check_with_one_attempt(cls) -> None:
        # A check answers "does it work?" now: no retries, no long waits. Wrapping the class's
        # own check keeps every caller (CLI, scheduler, tests) on the same footing.
        check = vars(cls).get("check")
        if check is None or getattr(check, "_one_attempt", False):
            return

        @functools.wraps(check)
        def one_attempt_check(self: Connector) -> str:
            self._checking = True
            try:
                for client in self._clients:
                    client.one_attempt = True
                result: str = check(self)
                return result
            finally:
                self._checking = False
                for client in self._clients:
                    client.one_attempt = False

        one_attempt_check._one_attempt = True  # type: ignore[attr-defined]
        cls.check = one_attempt_check  # type: ignore[method-assign]

    def __init__(
        self,
        options: BaseModel,
        *,
        connection: str,
        keep_raw: bool = False,
        base_dir: Path | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        self.options = options
        self.connection = connection
        self.keep_raw = keep_raw
        self.base_dir = base_dir or Path.cwd()
        self.runtime = runtime or Runtime()
        self.warnings: list[str] = []
        self._clients: list[HttpClient] = []
        self._checking = False

    def http_client(
        self, base_url: str, *, account: str, secrets: Sequence[str] = (), **settings: Any
    ) -> HttpClient:
        """An :class:`~deskmetrics.HttpClient` wired to this connector's runtime.

        Its requests go through the runtime's transport, sleeps and the rate budget of
        ``account`` (shared by every connection to that account); every secret option value,
        plus ``secrets`` and the credentials its auth sends, is scrubbed from its messages.
        ``settings`` are passed on (``auth``, ``headers``, ``timeout``, ``rate_headers``,
        ``retries``, ``deadline``). During :meth:`check`, it makes one attempt per request.
        """
        from deskmetrics.connect.http_client import HttpClient

        client = HttpClient(
            base_url,
            budget=self.runtime.budget(account),
            secrets=[*secret_values(self.options), *secrets],
            transport=self.runtime.transport,
            sleep=self.runtime.sleep,
            clock=self.runtime.clock or time.monotonic,
            **settings,
        )
        client.one_attempt = self._checking
        self._clients.append(client)
        return client

    def known_secrets(self) -> list[str]:
        """Every form of every credential this connector holds or has sent, longest first."""
        values = secret_values(self.options)
        for client in self._clients:
            values += client.secrets
        return unique_longest_first(values)

    def connection_down(self) -> str | None:
        """Why this connection's other streams cannot work either (its host is unreachable or
        refused the credentials), or None. The sync engine then skips them."""
        return next((client.down for client in self._clients if client.down), None)

    def resolve_path(self, path: str | Path) -> Path:
        """A path from the options, relative to the config file's directory."""
        return (self.base_dir / Path(path).expanduser()).resolve()

    def warn(self, message: str) -> None:
        """Report something the user should know that does not fail the sync."""
        self.warnings.append(message)

    def check(self) -> str:
        """Prove the connection works with one cheap call; return a one-line description.

        Raise :class:`deskmetrics.ConnectorError` with an actionable message when it does not.
        """
        return "ok"

    def read(self, stream: str, state: State | None) -> Iterator[Batch]:
        """Yield batches of ``stream`` records changed since ``state`` (None: from the start).

        Calls the method declared for ``stream`` with :func:`deskmetrics.stream`.
        """
        spec = self.stream_specs.get(stream)
        if spec is None:
            if not self.stream_specs:
                raise NotImplementedError(f"{type(self).__name__}.read")
            raise ConnectorError(f"{self.name} has no stream {stream!r}")
        reader: Iterator[Batch] = getattr(self, spec.method)(state)
        return reader

    def schedules(self) -> list[Any]:
        """Business-hours schedules defined in the source, as ``deskmetrics.Schedule`` objects.

        ``deskmetrics schedules import CONNECTION`` writes them into the config. Default: none.
        """
        return []

    def close(self) -> None:
        """Release clients and files; called once after the connection's sync."""
