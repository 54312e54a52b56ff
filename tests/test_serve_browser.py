"""``deskmetrics serve`` in a real browser: Playwright driving Debian's Chromium.

On the demo store: change the period and a filter with the form, click a KPI value and a
breakdown cell, and check each ticket list has exactly the KPI's n rows; no console errors, and
every request goes to the local server. Keeps a screenshot of the dashboard (docs/serve.png
when DESKMETRICS_SCREENSHOT=docs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Filter, Store, build_report, list_members, load_config
from serve_process import END, demo_project, serving

CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("datasette")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get chromium)"),
]
ROOT = Path(__file__).parent.parent
START = "?from=2026-02-02&to=2026-03-02&as_of=2026-03-02T00:00:00%2B00:00&by=group&grain=week"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    config = demo_project(tmp_path_factory.mktemp("serve"))
    with serving(config) as (base, _process):
        yield base, config


@pytest.fixture
def page(server: tuple[str, Path]) -> Iterator[Any]:
    base, _config = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.problems = []  # console errors, page errors, requests off the local server
        tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
        tab.on("pageerror", lambda e: tab.problems.append(str(e)))
        tab.on("request", lambda r: r.url.startswith(base) or tab.problems.append(r.url))
        yield tab
        browser.close()


def rows_listed(page: Any) -> int:
    page.wait_for_url(re.compile(r"/ticket_lists/"))
    heading = page.locator("h3", has_text=re.compile(r"^[\d,]+ rows?")).first.inner_text()
    return int(heading.split()[0].replace(",", ""))


def card_n(page: Any, metric_id: str) -> int:
    meta = page.locator(f"#kpi-{metric_id} .meta").inner_text()
    found = re.match(r"n ([\d,]+)", meta)
    assert found, meta
    return int(found.group(1).replace(",", ""))


def expected(config: Path, metric_id: str, **options: Any) -> int:
    """The KPI's n computed by the library, independent of the web app."""
    loaded = load_config(config)
    with Store(loaded.database) as store:
        report = build_report(store, loaded.report_settings(), as_of=END, **options)
        return report.metrics[metric_id].n


def test_dashboard_to_ticket_lists(page: Any, server: tuple[str, Path], tmp_path: Path) -> None:
    base, config = server
    page.goto(f"{base}/-/deskmetrics/{START}")
    assert page.locator("body").get_attribute("data-selfcheck") == "ok"

    # Change the period and a filter with the form controls.
    page.fill("input[name=from]", "2026-02-09")
    page.select_option("select[name=channel]", "email")
    page.click("#dm-show")
    page.wait_for_url(re.compile(r"channel=email"))
    assert page.locator("body").get_attribute("data-selfcheck") == "ok"
    options = {"start": date(2026, 2, 9), "end": date(2026, 3, 2),
               "filters": [Filter("channel", "email")]}  # fmt: skip
    n = card_n(page, "first_response_time")
    assert n == expected(config, "first_response_time", **options) > 0
    shot = tmp_path / "serve.png"
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("DESKMETRICS_SCREENSHOT") == "docs":
        page.screenshot(path=str(ROOT / "docs" / "serve.png"), full_page=False)
    dashboard = page.url

    # A KPI value opens its ticket list: as many rows as the KPI's n.
    page.click("#kpi-first_response_time a.kpi-link")
    assert rows_listed(page) == n
    assert page.locator("a[href*='/-/deskmetrics/ticket/demo/']").count() > 0

    # A breakdown cell: the Billing group's created tickets.
    page.goto(dashboard)
    row = page.locator("#by-group tbody tr", has_text="Billing").first
    cell = row.locator("a.cell-link").first  # the first column: ticket volume
    shown = int(cell.inner_text().replace(",", ""))
    cell.click()
    assert rows_listed(page) == shown
    with Store(load_config(config).database) as store:
        listed = list_members(store, "ticket_volume", key=[("group", "Billing")],
                              as_of=END, **options)  # type: ignore[arg-type]  # fmt: skip
    assert shown == listed.n == listed.value.n > 0

    # A chart point: the last week's first response times.
    page.goto(dashboard)
    page.locator("#chart-first_response_time a.pt-link").last.click()
    week = expected(config, "first_response_time", start=date(2026, 2, 23),
                    end=date(2026, 3, 2), filters=[Filter("channel", "email")])  # fmt: skip
    assert rows_listed(page) == week

    assert page.problems == []


def test_ticket_agent_and_about_pages(page: Any, server: tuple[str, Path]) -> None:
    base, _config = server
    page.goto(f"{base}/-/deskmetrics/ticket/demo/10")
    assert page.locator("#facts").count() == 1
    assert page.locator("#timeline tbody tr").count() >= 1
    page.click("text=/^agent /")
    page.wait_for_url(re.compile(r"/-/deskmetrics/agent/demo/"))
    assert page.locator("article.card").count() > 5
    page.click("#agent-tickets")
    page.wait_for_url(re.compile(r"/ticket_facts"))
    page.goto(f"{base}/-/deskmetrics/about")
    assert page.locator("#counts").count() == 1
    assert "ticket_facts" in page.locator("body").inner_text()
    assert page.problems == []
