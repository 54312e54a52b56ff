"""What a first-time user hit (issue #17 item 10): the demo's next steps, a killed sync's status."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from subprocess_env import DESKMETRICS_BIN, clean_env


def deskmetrics(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKMETRICS_BIN), *args], capture_output=True, text=True, cwd=cwd,
        env=clean_env(COLUMNS="40"), timeout=120,
    )  # fmt: skip


def test_demo_hints_survive_a_pipe_and_report_points_at_the_demo(tmp_path: Path) -> None:
    demo = deskmetrics("demo", "--tickets", "150", "--weeks", "2", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    lines = demo.stderr.splitlines()
    # Piped (and at 40 columns), each hint is one whole line a user can copy.
    assert (
        "Next: deskmetrics --config deskmetrics-demo/deskmetrics.toml report --by agent "
        "--grain week"
    ) in lines
    assert "  (or: cd deskmetrics-demo && deskmetrics report)" in lines
    assert any(line.startswith("Wrote ") and line.endswith("deskmetrics.toml") for line in lines)
    # README step 4 in the same folder: the error names the exact command.
    report = deskmetrics("report", cwd=tmp_path)
    assert report.returncode == 1
    assert report.stderr == (
        f"Error: {tmp_path / 'deskmetrics.db'}: no database yet; run `deskmetrics sync`, "
        "or for the demo: deskmetrics --config deskmetrics-demo/deskmetrics.toml report\n"
    )
    assert not (tmp_path / "deskmetrics.db").exists()
    # ... and both suggested commands work.
    named = deskmetrics("--config", "deskmetrics-demo/deskmetrics.toml", "report", cwd=tmp_path)
    assert named.returncode == 0, named.stderr
    inside = deskmetrics("report", "--format", "json", cwd=tmp_path / "deskmetrics-demo")
    assert json.loads(inside.stdout)["metrics"]["ticket_volume"]["value"] > 0


def test_demo_never_overwrites_a_real_project(tmp_path: Path) -> None:
    config = tmp_path / "deskmetrics.toml"
    config.write_text('[database]\npath = "mine.db"\n', encoding="utf-8")
    refused = deskmetrics("demo", "--dir", ".", "--tickets", "150", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr == (
        "Error: deskmetrics.toml: exists and is not a demo config; choose another --dir\n"
    )
    assert config.read_text(encoding="utf-8") == '[database]\npath = "mine.db"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deskmetrics.toml"]


HOLDER = """
import sys, time
from pathlib import Path
from deskmetrics import Store
from deskmetrics.sync.locks import connection_lock

db = Path(sys.argv[1])
with connection_lock(db, "files"):
    with Store(db) as store:
        store.start_run("files", "tickets")
    print("holding", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "exports").mkdir()
    (tmp_path / "deskmetrics.toml").write_text(
        textwrap.dedent("""\
            [database]
            path = "help.db"
            [connections.files]
            connector = "csv"
            path = "exports"
        """),
        encoding="utf-8",
    )
    return tmp_path


def outcome(project: Path) -> tuple[str | None, str | None]:
    result = deskmetrics("status", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["connections"]
    return row["last_outcome"], row["last_error"]


def test_a_killed_sync_shows_as_interrupted_not_running(project: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(project / "help.db")],
        stdout=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "holding\n"
        assert outcome(project) == ("running", None)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert outcome(project) == (
        "interrupted",
        "the sync process ended without finishing (killed?); the next sync resumes it",
    )
    table = deskmetrics("status", cwd=project)
    assert "interrupted" in table.stdout
    assert "files: the sync process ended without finishing" in table.stderr
