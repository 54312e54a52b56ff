"""A foreign SQLite file is left alone, and read commands never create a database."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from deskmetrics import Store, StoreError
from deskmetrics.cli import cli


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.execute("PRAGMA user_version = 1")  # an app numbering its own schema, like ours
    conn.commit()
    conn.close()
    return path


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)


def test_foreign_sqlite_file_is_refused_byte_identical(tmp_path: Path) -> None:
    path = foreign_db(tmp_path / "notes.db")
    before = sha(path)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (
        f"{path}: not a deskmetrics database (it holds other tables: notes; user_version 1); "
        "point [database] path at a new file"
    )
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]  # no -wal, no -shm


def test_sync_status_and_report_refuse_a_foreign_database(tmp_path: Path) -> None:
    path = foreign_db(tmp_path / "notes.db")
    before = sha(path)
    config = tmp_path / "deskmetrics.toml"
    config.write_text('[database]\npath = "notes.db"\n', encoding="utf-8")
    for command in (["sync"], ["status"], ["state", "show"], ["report"]):
        result = CliRunner().invoke(cli, ["--config", str(config), *command])
        assert result.exit_code == 1, (command, result.output)
        assert result.output.strip().splitlines() == [
            f"Error: {path}: not a deskmetrics database (it holds other tables: notes; "
            "user_version 1); point [database] path at a new file"
        ]
    assert sha(path) == before


def test_empty_file_and_own_store_still_open(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with Store(empty) as store:
        assert store.schema_version >= 1
    with Store(empty) as store:  # our own store opens again
        assert store.conn.execute("SELECT count(*) FROM tickets").fetchone() == (0,)


def test_read_commands_without_config_create_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status = CliRunner().invoke(cli, ["status", "--json"])
    assert status.exit_code == 0, status.output
    assert status.output.strip().startswith('{\n  "connections": []')
    shown = CliRunner().invoke(cli, ["state", "show"])
    assert shown.exit_code == 0, shown.output
    assert shown.output == "No saved state.\n"
    assert list(tmp_path.iterdir()) == []


def test_state_reset_without_a_database_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["state", "reset", "files", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output == "Reset 0 stream cursors of files.\n"
    assert list(tmp_path.iterdir()) == []


def test_status_and_state_show_print_stored_text_literally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deskmetrics.toml").write_text(
        '[connections."x[/]y"]\nconnector = "csv"\npath = "."\n', encoding="utf-8"
    )
    with Store(tmp_path / "deskmetrics.db") as store:
        store.set_state("x[/]y", "tickets", {"file": "[red]t.csv"})
        run = store.start_run("x[/]y", "tickets")
        store.finish_run(run, "failed", "HTTP 500: \x1b[2J\x1b[31mboom")
    shown = CliRunner().invoke(cli, ["state", "show"])
    assert shown.exit_code == 0, shown.output
    assert "x[/]y" in shown.output and "[red]t.csv" in shown.output
    status = CliRunner().invoke(cli, ["status"])
    assert status.exit_code == 0, status.output
    assert "x[/]y (csv)" in status.stdout
    assert status.stderr == "x[/]y: HTTP 500: \\x1b[2J\\x1b[31mboom\n"
