"""Sync progress for people: a live table on a terminal, one line per stream otherwise."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from deskmetrics.report.safe_text import escape_rich, escape_terminal
from deskmetrics.sync.engine import StreamResult

_MARKS = {"running": "…", "succeeded": "[green]✓[/]", "failed": "[red]✗[/]", "interrupted": "⏹"}


class LiveProgress:
    """Records and records/s per stream, redrawn as batches commit."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.rows: dict[tuple[str, str], list[float | str]] = {}
        self.live = Live(self._table(), console=console, refresh_per_second=8, transient=False)

    def __enter__(self) -> LiveProgress:
        self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.live.update(self._table())
        self.live.__exit__(kind, exc, tb)

    def _table(self) -> Table:
        table = Table(box=None, pad_edge=False)
        for column in ("", "connection", "stream", "records", "records/s"):
            table.add_column(column, justify="right" if column.startswith("rec") else "left")
        now = time.monotonic()
        for (connection, stream), (records, started, status, ended) in self.rows.items():
            elapsed = max((float(ended) or now) - float(started), 1e-9)
            rate = f"{float(records) / elapsed:,.0f}" if records else "–"
            table.add_row(  # names are the user's and the connector's: text, not markup
                _MARKS[str(status)], escape_rich(connection), escape_rich(stream),
                f"{int(records):,}", rate,
            )  # fmt: skip
        return table

    def stream_started(self, connection: str, stream: str) -> None:
        self.rows[(connection, stream)] = [0, time.monotonic(), "running", 0.0]
        self.live.update(self._table())

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        self.rows[(connection, stream)][0] = records
        self.live.update(self._table())

    def stream_finished(self, result: StreamResult) -> None:
        row = self.rows[(result.connection, result.stream)]
        row[0], row[2], row[3] = result.records, result.status, time.monotonic()
        self.live.update(self._table())


class LineProgress:
    """For logs and pipes: one line per finished stream on stderr."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def stream_started(self, connection: str, stream: str) -> None:
        pass

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        pass

    def stream_finished(self, result: StreamResult) -> None:
        rate = result.records / result.seconds if result.seconds else 0
        line = (
            f"{result.connection}/{result.stream}: {result.status}, {result.records:,} records"
            f" in {result.seconds:.1f} s ({rate:,.0f}/s)"
        )
        if result.rejected:
            line += f", {result.rejected:,} rejected rows"
        self.console.print(escape_terminal(line), highlight=False, markup=False, soft_wrap=True)
