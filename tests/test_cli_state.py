"""`deskmetrics state show|reset`: inspect and forget the cursors that make syncs incremental."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config_files import toml_config


@pytest.fixture
def synced(dm: Any, in_tmp: Path, paged_plugin: type) -> Path:
    path = toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "desk": {"connector": "dmtest-paged", "tickets": 80},
            "sheet": {"connector": "dmtest-paged", "tickets": 20, "agents": 2},
        },
    )
    assert dm("sync").exit_code == 0
    paged_plugin.reads.clear()
    return path


def states(dm: Any, *args: str) -> list[tuple[str, str, dict]]:
    result = dm("state", "show", "--json", *args)
    assert result.exit_code == 0
    return [(r["connection"], r["stream"], r["state"]) for r in json.loads(result.stdout)]


def test_show(dm: Any, synced: Path) -> None:
    assert states(dm) == [
        ("desk", "agents", {"offset": 5}),
        ("desk", "tickets", {"offset": 80}),
        ("sheet", "agents", {"offset": 2}),
        ("sheet", "tickets", {"offset": 20}),
    ]
    assert states(dm, "sheet") == [
        ("sheet", "agents", {"offset": 2}),
        ("sheet", "tickets", {"offset": 20}),
    ]
    rows = json.loads(dm("state", "show", "--json").stdout)
    assert all(row["updated_at"].endswith("Z") for row in rows)
    table = dm("state", "show").stdout
    line = next(line for line in table.splitlines() if "sheet" in line and "tickets" in line)
    assert '{"offset": 20}' in line


def test_show_without_state(dm: Any, synced: Path) -> None:
    result = dm("state", "show", "nobody")
    assert (result.exit_code, result.stdout) == (0, "No saved state for nobody.\n")
    assert states(dm, "nobody") == []


def test_reset_a_connection(dm: Any, synced: Path, paged_plugin: type) -> None:
    result = dm("state", "reset", "desk", "--yes")
    assert (result.exit_code, result.stdout) == (0, "Reset 2 stream cursors of desk.\n")
    assert [c for c, _, _ in states(dm)] == ["sheet", "sheet"]
    # The next sync reads desk from the start; the records were kept all along.
    summary = json.loads(dm("sync", "--json", "desk").stdout)
    assert [s["records"] for s in summary["connections"][0]["streams"]] == [6, 80]
    assert [state for _, _, state in paged_plugin.reads] == [None, None]


def test_reset_one_stream_after_confirmation(dm: Any, synced: Path) -> None:
    result = dm("state", "reset", "sheet", "--stream", "tickets", input="y\n")
    assert result.exit_code == 0
    assert result.stdout == (
        "Reset the saved state of sheet/tickets? [y/N]: y\n"
        "Reset 1 stream cursor of sheet/tickets.\n"
    )
    assert ("sheet", "tickets", {"offset": 20}) not in states(dm)
    assert ("sheet", "agents", {"offset": 2}) in states(dm)


def test_reset_declined_changes_nothing(dm: Any, synced: Path) -> None:
    before = states(dm)
    result = dm("state", "reset", "desk", input="n\n")
    assert result.exit_code == 1
    assert "Aborted!" in result.stderr
    assert states(dm) == before


def test_reset_of_unknown_connection_resets_nothing(dm: Any, synced: Path) -> None:
    result = dm("state", "reset", "nobody", "--yes")
    assert (result.exit_code, result.stdout) == (0, "Reset 0 stream cursors of nobody.\n")
    assert len(states(dm)) == 4
