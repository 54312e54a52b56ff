"""Data is text, never markup or code: hostile names through every reporter (issue #17 item 7)."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import deskmetrics
from deskmetrics import Agent, Status, Store, Ticket
from deskmetrics.cli import cli
from subprocess_env import DESKMETRICS_BIN, clean_env

PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
NAMES = {
    "a1": "Cid [red]",
    "a2": "x[/]y [bold]",
    "a3": "\x1b[31mEvil\x1b[0m\x07",
    "a4": '=HYPERLINK("http://evil.example","click")',
    "a5": "a|b *c* _d_ [e](f) <g> `h` \\ i\nj",
    "a6": "@SUM(1+1)",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "deskmetrics.toml"
    config.write_text('database = { path = "help.db" }\n', encoding="utf-8")
    records: list[deskmetrics.Record] = []
    for n, (agent, name) in enumerate(NAMES.items()):
        records.append(Agent(id=agent, name=name))
        records.append(
            Ticket(id=str(n), created_at=AT, assignee_id=agent, status=Status.SOLVED,
                   resolved_at=AT.replace(hour=12), tags=["[/]", "-1+2", "[blink]"])
        )  # fmt: skip
    with Store(tmp_path / "help.db") as store:
        store.write(records, source="s")
    return config


def report(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project), "report", *PERIOD, *args])


def test_table_shows_markup_and_escapes_literally(project: Path) -> None:
    result = report(project, "--by", "agent,tag", "--tag", "[blink]")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Cid [red]" in out
    assert "x[/]y [bold]" in out
    assert "[/]" in out.split("By tag", 1)[1]
    assert "filters: tag=[blink]" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[31mEvil\\x1b[0m\\x07" in out


def test_csv_prefixes_formula_cells_and_keeps_numbers(project: Path) -> None:
    result = report(project, "--format", "csv", "--by", "agent,tag")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    labels = {r["label"] for r in rows if r["scope"] == "breakdown"}
    assert '\'=HYPERLINK("http://evil.example","click")' in labels
    assert "'@SUM(1+1)" in labels
    assert "'-1+2" in labels  # a formula, not a number
    assert "Cid [red]" in labels
    assert not any(label.startswith(("=", "+", "@")) for label in labels)
    for row in rows:
        for column in ("value", "median", "change"):
            # KPI rows' numeric columns are never prefixed; report-section cells are any text
            if row[column] and row["scope"] != "section":
                float(row[column])
    # Section cells (the explore plugin's agent workload table) are escaped like labels.
    cells = {r["value"] for r in rows if r["scope"] == "section"}
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_markdown_escapes_table_metacharacters(project: Path) -> None:
    result = report(project, "--format", "markdown", "--by", "agent")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "i j" in line)
    assert row.startswith("| a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\<g\\> \\`h\\` \\\\ i j | ")
    assert row.count(" | ") == row.count("|") - row.count("\\|") - 2  # cells intact
    assert "\x1b" not in result.stdout


def test_html_escapes_names(project: Path) -> None:
    result = report(project, "--format", "html", "--by", "agent")
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert "&lt;g&gt;" in html and "<g>" not in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html


def test_escaping_functions() -> None:
    assert deskmetrics.escape_terminal("a\x1b[2Jb\tc\nd\u202e") == "a\\x1b[2Jb\tc\nd\\u202e"
    assert deskmetrics.escape_rich("[red]x[/]") == "\\[red]x\\[/]"
    assert deskmetrics.escape_markdown("a|b\nc") == "a\\|b c"
    assert deskmetrics.escape_spreadsheet("=1+1") == "'=1+1"
    assert deskmetrics.escape_spreadsheet("\tcmd") == "'\tcmd"
    assert deskmetrics.escape_spreadsheet("-4.5") == "-4.5"
    assert deskmetrics.escape_spreadsheet("+49 30 1234") == "'+49 30 1234"
    assert deskmetrics.escape_spreadsheet("Ann") == "Ann"


def test_csv_on_a_terminal_gets_no_raw_escape_sequences(project: Path) -> None:
    leader, follower = pty.openpty()
    args = [str(DESKMETRICS_BIN), "--config", str(project), "report", *PERIOD, "--format", "csv",
            "--by", "agent"]  # fmt: skip
    with subprocess.Popen(args, stdout=follower, stderr=follower, env=clean_env()) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed its side
                break
            if not chunk:
                break
            chunks.append(chunk)
    os.close(leader)
    assert proc.returncode == 0
    out = b"".join(chunks).decode()
    assert "ticket_volume" in out
    assert "\x1b" not in out
    assert "\\x1b[31mEvil" in out
