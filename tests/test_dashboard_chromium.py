"""The html dashboard in a real browser: headless Chromium (Debian's ``chromium`` package).

The page checks itself (every chart has its line and points, every table sorts both ways) and
reports a failure with ``console.error``; Chromium's ``--enable-logging=stderr`` prints console
messages as ``CONSOLE`` lines, so a clean stderr means the page ran without errors.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deskmetrics import Report, Store, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.testing import DemoSpec, demo_records

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)"
)
END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: eight full ISO weeks of demo data before it
TARGETS = {
    "first_response_time": {"p90": "4h"},
    "csat": {"min": 85},
    "first_contact_resolution": {"min": 70},
    "backlog": {"max": 120},
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as store:
        store.write(demo_records(DemoSpec(tickets=2000, weeks=8, end=END)), source="demo")
        return build_report(
            store, parse_config({"targets": TARGETS}, None).report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 3, 2), as_of=END, by=["agent", "group", "channel"], separate=True,
            grain="week",
        )  # fmt: skip


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=2000", "--hide-scrollbars", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_dashboard_renders_in_chromium(report: Report, tmp_path: Path) -> None:
    page = tmp_path / "dashboard.html"
    page.write_text(get_registry().reporters["html"]().render(report), encoding="utf-8")

    loaded = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert console_lines(loaded.stderr) == []
    dom = loaded.stdout
    assert 'data-selfcheck="ok"' in dom  # the page's own checks ran to the end and passed
    with_series = [
        mid
        for mid in report.metrics
        if any(b.metrics[mid].value is not None for b in report.series.buckets)  # type: ignore[union-attr]
    ]
    drawn = re.findall(r'<svg class="chart" id="chart-([a-z_]+)"[^>]*>.*?<path class="line" '
                       r'd="M[\d.]+,[\d.]+ L', dom)  # fmt: skip
    assert sorted(drawn) == sorted(with_series)
    assert len(drawn) >= 20  # every built-in KPI of the demo, customers included
    assert dom.count('class="target"') == len(TARGETS)
    for table in ("by-agent", "by-group", "by-channel"):
        assert f'<table class="sortable" id="{table}"' in dom

    shot = tmp_path / "dashboard.png"
    taken = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,1600",
                     page.as_uri())  # fmt: skip
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


def test_a_broken_chart_is_a_console_error(report: Report, tmp_path: Path) -> None:
    """The control: the self-check does fail, and its console.error reaches stderr."""
    html = get_registry().reporters["html"]().render(report)
    broken = html.replace('<path class="line"', '<path class="gone"', 1)
    page = tmp_path / "broken.html"
    page.write_text(broken, encoding="utf-8")
    loaded = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    errors = console_lines(loaded.stderr)
    assert len(errors) == 1
    assert "dashboard self-check failed: chart-first_response_time: no line" in errors[0]
    assert 'data-selfcheck="ok"' not in loaded.stdout
