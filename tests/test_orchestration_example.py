"""docs/examples/orchestration: the task code and command lines of the example, run for real.

Airflow and Dagster are not installed here; their files only call deskmetrics_tasks.py, which is
what these tests run: against a real config with a good and a broken CSV connection, through the
real ``deskmetrics`` console script (docs/operations.md, "An orchestrator").
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from subprocess_env import DESKMETRICS_BIN, clean_env

EXAMPLE = Path(__file__).parents[1] / "docs" / "examples" / "orchestration"
OPERATIONS = Path(__file__).parents[1] / "docs" / "operations.md"

GOOD = "id,created_at,status\n1,2026-11-02T09:00:00Z,open\n2,2026-11-02T10:00:00Z,solved\n"
# Row 3's created_at is not a time: with on_error = "reject" the tickets stream fails, storing none.
BROKEN = "id,created_at,status\n1,2026-11-02T09:00:00Z,open\n2,yesterday,open\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, tickets in (("support", GOOD), ("broken", BROKEN)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "tickets.csv").write_text(tickets)
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[database]\npath = "dm.db"\n\n'
        '[connections.support]\nconnector = "csv"\npath = "support"\n\n'
        '[connections.broken]\nconnector = "csv"\npath = "broken"\n'
    )
    return config


@pytest.fixture
def tasks(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "deskmetrics_tasks", EXAMPLE / "deskmetrics_tasks.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "DESKMETRICS", str(DESKMETRICS_BIN))
    for name, value in clean_env().items():
        monkeypatch.setenv(name, value)
    return module


def test_lists_the_configured_connections(tasks: ModuleType, project: Path) -> None:
    assert tasks.connections(str(project), str(DESKMETRICS_BIN)) == ["support", "broken"]


def test_a_good_connection_returns_its_summary(tasks: ModuleType, project: Path) -> None:
    summary = tasks.sync_connection("support", str(project), executable=str(DESKMETRICS_BIN))
    [connection] = summary["connections"]
    assert (connection["connection"], connection["status"], connection["records"]) == (
        "support",
        "succeeded",
        2,
    )


def test_a_failed_stream_fails_the_task_naming_stream_row_and_field(
    tasks: ModuleType, project: Path
) -> None:
    with pytest.raises(tasks.SyncFailed) as failure:
        tasks.sync_connection("broken", str(project), executable=str(DESKMETRICS_BIN))
    message = str(failure.value)
    assert message.startswith("broken: tickets failed: ")
    assert "tickets.csv" in message and "created_at" in message and "yesterday" in message


def test_a_wrong_config_fails_the_task_with_deskmetrics_reason(
    tasks: ModuleType, project: Path
) -> None:
    project.write_text(project.read_text() + "\n[report]\nbacklog_overdue_hours = -1\n")
    with pytest.raises(tasks.SyncFailed, match=r"exited 2: .*backlog_overdue_hours"):
        tasks.sync_connection("support", str(project), executable=str(DESKMETRICS_BIN))


def test_the_documented_command_lines_work_and_exit_as_documented(project: Path) -> None:
    """Every ``python deskmetrics_tasks.py …`` line of operations.md, run with the test config."""
    lines = re.findall(r"^\s*(python deskmetrics_tasks\.py .+)$", OPERATIONS.read_text(), re.M)
    assert len(lines) >= 2, "operations.md shows the task's command lines"
    results = {}
    for line in lines:
        argv = line.split()[2:]
        argv[argv.index("--config") + 1] = str(project)
        done = subprocess.run(
            [sys.executable, str(EXAMPLE / "deskmetrics_tasks.py"), *argv],
            capture_output=True,
            text=True,
            env=clean_env(PATH=f"{DESKMETRICS_BIN.parent}:/usr/bin:/bin"),
            cwd=project.parent,
        )
        results[" ".join(argv[2:])] = (done.returncode, done.stdout.strip(), done.stderr.strip())
    assert results["connections"] == (0, "support\nbroken", "")
    assert results["sync support"] == (0, "support: 2 records", "")
    code, out, err = results["sync broken"]
    assert (code, out) == (1, "")
    assert err.startswith("broken: tickets failed: ") and "yesterday" in err


@pytest.mark.parametrize("name", ["airflow_dag.py", "dagster_job.py"])
def test_orchestrator_files_run_one_task_per_connection_through_the_task_module(name: str) -> None:
    tree = ast.parse((EXAMPLE / name).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "deskmetrics_tasks"
        for alias in node.names
    }
    assert {"connections", "sync_connection"} <= imported
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert {"connections", "sync_connection"} <= called
