"""The jsonl connector's own behaviour: cursors, partial lines, bad lines, time zones, check."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import deskmetrics
import pytest

from deskmetrics_jsonl import JsonLinesConnector, JsonLinesOptions

EXPORT = Path(__file__).with_name("export")


def connector(folder: Path, **options: Any) -> JsonLinesConnector:
    return JsonLinesConnector(
        JsonLinesOptions(path=".", **options), connection="test", base_dir=folder
    )


def sync(
    source: JsonLinesConnector, stream: str = "tickets", state: deskmetrics.State | None = None
) -> tuple[list[deskmetrics.Batch], deskmetrics.State | None]:
    """Read a stream like the sync engine does: the batches, and the cursor it would keep."""
    batches = list(source.read(stream, state))
    for batch in batches:
        if batch.state is not None:
            state = batch.state
    return batches, state


def ids(batches: list[deskmetrics.Batch]) -> list[str]:
    return [record.id for batch in batches for record in batch.records]


def ticket(id: str, **fields: Any) -> str:
    return json.dumps({"id": id, "created_at": "2026-02-02T09:00:00Z", **fields}) + "\n"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    shutil.copytree(EXPORT, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_offset_cursor_reads_only_appended_lines(export: Path) -> None:
    first, state = sync(connector(export, batch_size=5))
    assert ids(first) == [str(n) for n in range(2001, 2013)]
    assert [len(b.records) for b in first] == [5, 5, 2]
    assert state == {"offset": (export / "tickets.jsonl").stat().st_size, "line": 12}
    with (export / "tickets.jsonl").open("a", encoding="utf-8") as file:
        file.write(ticket("2013") + "\n" + ticket("2014"))  # with a blank line between
    again, state = sync(connector(export), state=state)
    assert ids(again) == ["2013", "2014"]
    assert state is not None and state["line"] == 15


def test_an_unfinished_last_line_waits_for_the_next_sync(export: Path) -> None:
    tickets = export / "tickets.jsonl"
    with tickets.open("a", encoding="utf-8") as file:
        file.write('{"id": "2013", "created_at": "2026-02-')  # the exporter is still writing
    batches, state = sync(connector(export))
    assert ids(batches)[-1] == "2012"
    with tickets.open("a", encoding="utf-8") as file:
        file.write('02T09:00:00Z"}')  # finished, but no newline at the end of the file
    again, state = sync(connector(export), state=state)
    assert ids(again) == ["2013"]
    with tickets.open("a", encoding="utf-8") as file:
        file.write("\n" + ticket("2014"))
    last, state = sync(connector(export), state=state)
    assert ids(last) == ["2014"]
    assert state is not None and state["line"] == 14


def test_updated_at_cursor_reads_lines_changed_since(export: Path) -> None:
    first, state = sync(connector(export, incremental="updated_at", batch_size=5))
    assert len(ids(first)) == 12
    # Only the last batch carries the cursor: the file is in no particular order.
    assert [b.state is None for b in first] == [True, True, False]
    assert state == {"updated_at": "2026-01-09T19:00:00+00:00"}
    lines = (export / "tickets.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    changed = json.loads(lines[0]) | {"status": "closed", "updated_at": "2026-01-10T08:00:00Z"}
    lines[0] = json.dumps(changed) + "\n"
    (export / "tickets.jsonl").write_text("".join(lines), encoding="utf-8")
    again, state = sync(connector(export, incremental="updated_at"), state=state)
    # The newest unchanged ticket is read again (same instant as the cursor): a harmless upsert.
    assert ids(again) == ["2001", "2012"]
    assert state == {"updated_at": "2026-01-10T08:00:00+00:00"}


def test_a_bad_line_names_file_line_and_field(export: Path) -> None:
    with (export / "tickets.jsonl").open("a", encoding="utf-8") as file:
        file.write(ticket("2013", created_at="yesterday", status="done"))
    with pytest.raises(deskmetrics.RecordError) as caught:
        sync(connector(export))
    message = str(caught.value)
    assert message.startswith("tickets.jsonl, line 13: ticket 2013: 2 invalid fields\n")
    assert "  created_at: Input should be a valid datetime" in message
    assert "  status: Input should be 'new', 'open'" in message


def test_a_line_that_is_not_json_is_named(export: Path) -> None:
    (export / "surveys.jsonl").write_text(
        '{"id": "s1", "kind": "csat", "score": 5, "created_at": "2026-01-06T10:00:00Z"}\n[1, 2]\n',
        encoding="utf-8",
    )
    with pytest.raises(deskmetrics.RecordError, match=r"surveys.jsonl, line 2: not a JSON object"):
        sync(connector(export, on_error="fail"), "surveys")


def test_reject_mode_stores_the_good_lines_and_rejects_each_bad_field(export: Path) -> None:
    with (export / "tickets.jsonl").open("a", encoding="utf-8") as file:
        file.write(ticket("2013", reopens=-1) + "not json\n" + ticket("2014"))
    batches, _ = sync(connector(export, on_error="reject"))
    assert ids(batches)[-2:] == ["2012", "2014"]
    rejected = [row for batch in batches for row in batch.rejected]
    assert [(r.location, r.field, r.value) for r in rejected] == [
        ("tickets.jsonl, line 13", "reopens", "-1"),
        ("tickets.jsonl, line 14", None, None),
    ]
    assert rejected[0].reason.startswith("Input should be greater than or equal to 0")
    assert rejected[1].reason.startswith("not valid JSON")


def test_timestamps_without_offset_are_in_the_configured_zone(export: Path) -> None:
    batches, _ = sync(connector(export, timezone="Europe/Berlin"))
    local = next(t for t in batches[0].records if t.id == "2007")
    assert local.created_at == datetime(2026, 1, 7, 1, tzinfo=UTC)  # 02:00 in Berlin
    utc = next(t for t in batches[0].records if t.id == "2001")
    assert utc.created_at == datetime(2026, 1, 5, 8, tzinfo=UTC)


def test_keep_raw_keeps_the_line(export: Path) -> None:
    source = connector(export)
    source.keep_raw = True
    batches, _ = sync(source)
    assert batches[0].records[0].raw == json.loads(
        (export / "tickets.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )


def test_a_shorter_file_is_read_again_with_a_warning(export: Path) -> None:
    _, state = sync(connector(export))
    (export / "tickets.jsonl").write_text(ticket("3001"), encoding="utf-8")
    source = connector(export)
    again, _ = sync(source, state=state)
    assert ids(again) == ["3001"]
    assert source.warnings == [
        f"{export / 'tickets.jsonl'} is shorter than at the last sync; reading it from the start"
    ]


def test_surveys_are_optional(export: Path) -> None:
    (export / "surveys.jsonl").unlink()
    assert sync(connector(export), "surveys") == ([], None)
    assert connector(export).check() == f"{export}: tickets.jsonl (12 lines)"


def test_check_counts_lines_and_names_what_is_missing(export: Path, tmp_path: Path) -> None:
    assert (
        connector(export).check() == f"{export}: tickets.jsonl (12 lines), surveys.jsonl (5 lines)"
    )
    (export / "tickets.jsonl").unlink()
    with pytest.raises(deskmetrics.ConnectorError, match=r"tickets\.jsonl is not there"):
        connector(export).check()
    with pytest.raises(deskmetrics.ConnectorError, match=r"directory not found \(set by"):
        connector(tmp_path / "nowhere").check()
