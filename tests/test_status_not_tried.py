"""``deskmetrics status`` says a sync's untried streams once: after a dead host or refused
credentials the engine records every further stream as ``not tried: S found that …``, and the
connection's error line used to repeat that text for each of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskmetrics import Store
from deskmetrics.cli.status_commands import one_line

WHY = "z.example did not answer (timed out; 3 attempts over 12.0 s)"
FIRST = "GET /api/v2/groups.json: gave up after 3 attempts (timed out) over 12.0 s"
STREAMS = ("groups", "agents", "organizations", "customers", "tickets")


def test_status_prints_one_line_for_a_connection_whose_streams_were_not_tried(
    in_tmp: Path, dm: Any
) -> None:
    (in_tmp / "deskmetrics.toml").write_text(
        '[connections.zd]\nconnector = "csv"\npath = "data"\n', encoding="utf-8"
    )
    with Store(in_tmp / "deskmetrics.db") as store:
        for stream in STREAMS:
            run = store.start_run("zd", stream, sync_id="s1")
            error = FIRST if stream == "groups" else f"not tried: groups found that {WHY}"
            store.finish_run(run, "failed", error)
    result = dm("status")
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("zd:")]
    assert lines == [f"zd: {FIRST}; 4 more streams not tried (groups found the connection down)"]
    assert result.stderr.count("not tried") == 1


def test_other_errors_are_kept_as_they_are() -> None:
    mixed = f"{FIRST}; not tried: groups found that {WHY}; not tried: agents found that {WHY}"
    assert one_line(mixed) == mixed  # two different causes: nothing to merge
    assert one_line(FIRST) == FIRST
    assert one_line(f"{FIRST}; not tried: groups found that {WHY}") == (
        f"{FIRST}; 1 more stream not tried (groups found the connection down)"
    )
