"""`deskmetrics demo`: generates a helpdesk, syncs it through the CSV connector, reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from deskmetrics.store import Store

DESKMETRICS = [sys.executable, "-m", "deskmetrics"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DESKMETRICS, *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.slow
def test_demo_syncs_through_the_real_engine_and_ends_with_the_report(tmp_path: Path) -> None:
    first = run("demo", "--dir", "demo", "--tickets", "800", "--weeks", "6", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "demo/tickets: succeeded, 800 records" in first.stderr
    # The report is the demo's output: every KPI section, real numbers.
    for heading in ("Speed", "Quality", "Satisfaction", "Volume", "Customers"):
        assert heading in first.stdout
    assert "First response time" in first.stdout
    assert "deskmetrics --config demo/deskmetrics.toml report" in first.stderr

    database = tmp_path / "demo" / "deskmetrics.db"
    with Store(database) as store:
        assert store.count("tickets") == 800
        assert store.count("interactions") > 800
        runs = {r.stream: r for r in store.runs("demo")}
        assert runs["tickets"].status == "succeeded"
        assert runs["tickets"].records == 800

    # Same seed, same files: the second sync reads nothing new.
    again = run("demo", "--dir", "demo", "--tickets", "800", "--weeks", "6", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "demo/tickets: succeeded, 0 records" in again.stderr
    with Store(database) as store:
        assert store.count("tickets") == 800

    # The written config works with the other commands too.
    report = run("--config", "demo/deskmetrics.toml", "report", "--format", "json", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["metrics"]["ticket_volume"]["value"] > 0
