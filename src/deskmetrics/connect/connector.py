"""What a connector plugin implements: read streams of normalized records, in batches.

A connector never touches the database. It yields :class:`Batch` objects; the sync engine writes
each batch's records, rejected rows and new cursor state in one transaction. A crash therefore
resumes from the last committed batch: ``read`` is called again with that batch's state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr

from deskmetrics.models import Record
from deskmetrics.store import RejectedRow

State = dict[str, Any]
"""A stream's cursor: any JSON-serializable dict. ``None`` means "never synced"."""


@dataclass(frozen=True)
class Batch:
    """Records read from one stream, and the cursor to resume from once they are stored.

    ``state`` None keeps the previous cursor: use it for batches in the middle of a unit of work
    that can only be resumed from its start (a file, an unsorted page set).
    """

    records: Sequence[Record]
    state: State | None = None
    rejected: Sequence[RejectedRow] = ()


class ConnectorOptions(BaseModel):
    """Base for a connector's ``Options`` model: unknown keys are errors (typos get caught)."""

    model_config = ConfigDict(extra="forbid")


Secret = SecretStr
"""Type for option fields holding credentials: masked in repr, errors and logs.

In the config file, write either the value or a reference ``"${ENV_VAR}"``.
"""


class Connector:
    """Base class for connectors. Subclass it, set the class attributes, implement ``read``."""

    name: ClassVar[str]
    """What users write as ``connector = "..."``."""
    description: ClassVar[str] = ""
    streams: ClassVar[tuple[str, ...]]
    """Stream names, in the order they are synced (parents before children)."""
    Options: ClassVar[type[BaseModel]] = ConnectorOptions

    def __init__(
        self,
        options: BaseModel,
        *,
        connection: str,
        keep_raw: bool = False,
        base_dir: Path | None = None,
    ) -> None:
        self.options = options
        self.connection = connection
        self.keep_raw = keep_raw
        self.base_dir = base_dir or Path.cwd()
        self.warnings: list[str] = []

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
        """Yield batches of ``stream`` records changed since ``state`` (None: from the start)."""
        raise NotImplementedError(f"{type(self).__name__}.read")

    def schedules(self) -> list[Any]:
        """Business-hours schedules defined in the source, as ``deskmetrics.Schedule`` objects.

        ``deskmetrics schedules import CONNECTION`` writes them into the config. Default: none.
        """
        return []

    def close(self) -> None:
        """Release clients and files; called once after the connection's sync."""
