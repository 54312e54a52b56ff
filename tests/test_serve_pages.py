"""``deskmetrics serve`` pages without a browser: ticket lists match the KPI, the store stays
read-only, bad queries are one line, and beyond localhost nothing shows before signing in."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskmetrics import Store, list_members, load_config

pytest.importorskip("datasette")
from datasette.app import Datasette

from deskmetrics_web.site import Site, set_site
from serve_process import END, demo_project, serving

PERIOD = "from=2026-02-02&to=2026-03-02&as_of=2026-03-02T00:00:00%2B00:00"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory.mktemp("pages"), tickets=600)


def get(datasette: Any, path: str) -> Any:
    async def fetch() -> Any:
        await datasette.invoke_startup()
        return await datasette.client.get(path)

    return asyncio.run(fetch())


def make(config: Path, token: str | None = None) -> Any:
    loaded = load_config(config)
    datasette = Datasette([str(loaded.database)])
    set_site(datasette, Site("help", loaded.database, loaded.report_settings(), token=token))
    return datasette


def test_ticket_list_rows_are_the_kpis_n(config: Path) -> None:
    datasette = make(config)
    for kpi, key in (("csat", "&key=group%3Dg1"), ("backlog_overdue", ""), ("nps", "")):
        response = get(datasette, f"/-/deskmetrics/tickets?kpi={kpi}&{PERIOD}{key}")
        assert response.status_code == 302, response.text
        table = response.headers["location"].split("?")[0]
        listed = get(datasette, f"{table}.json?_size=max").json()
        with Store(load_config(config).database) as store:
            expected = list_members(
                store, kpi, start=END.date().replace(month=2), end=END.date(), as_of=END,
                key=[("group", "g1")] if key else [],
            )  # fmt: skip
        assert listed["filtered_table_rows_count"] == expected.n == expected.value.n > 0
        if expected.met is not None:
            met = sum(1 for row in listed["rows"] if row[3] == 1)  # the met column
            assert met == expected.met


def test_pages_leave_the_stored_data_untouched(tmp_path: Path) -> None:
    # A project of its own: the first report on a store is the one that keeps the feedback
    # plugin's derived tables in it (docs/feedback.md, "Kept results"), the only writes allowed.
    config = demo_project(tmp_path, tickets=600)
    database = load_config(config).database
    before = contents(database)
    datasette = make(config)
    for path in (f"/-/deskmetrics/?{PERIOD}&by=agent&by=channel", "/-/deskmetrics/about",
                 "/-/deskmetrics/ticket/demo/7", "/-/deskmetrics/agent/demo/a01",
                 f"/-/deskmetrics/tickets?kpi=first_response_time&{PERIOD}"):  # fmt: skip
        assert get(datasette, path).status_code in (200, 302), path
    after = contents(database)
    added = set(after) - set(before)
    assert added and all(name.startswith("feedback_") for name in added), added
    assert {name: after[name] for name in before} == before


def contents(path: Path) -> dict[str, str]:
    """Each table's schema and rows (a digest), and the schema version under ``""``."""
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        found = {"": str(conn.execute("PRAGMA user_version").fetchone()[0])}
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name"
        ).fetchall():
            rows = sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"')))
            found[name] = hashlib.sha256(repr((sql, rows)).encode()).hexdigest()
    return found


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/-/deskmetrics/?from=soon", "from &#39;soon&#39; is not a date"),
        ("/-/deskmetrics/?grain=year", "grain &#39;year&#39;: choose day, week or month"),
        ("/-/deskmetrics/tickets?kpi=frt", "unknown KPI &#39;frt&#39;"),
        ("/-/deskmetrics/tickets?kpi=csat&key=team%3Dx", "unknown dimension &#39;team&#39;"),
        ("/-/deskmetrics/ticket/demo/nosuch", "no ticket &#39;nosuch&#39;"),
    ],
)
def test_bad_queries_are_one_line(config: Path, path: str, message: str) -> None:
    response = get(make(config), path)
    assert response.status_code in (400, 404)
    assert message in response.text
    assert "Traceback" not in response.text


def test_with_a_token_nothing_shows_before_signing_in(config: Path) -> None:
    datasette = make(config, token="a-long-serve-token-0123")
    assert get(datasette, "/-/deskmetrics/").headers["location"] == "/-/deskmetrics/sign-in"
    for path in ("/help/tickets.json", "/help", "/-/metadata.json", "/"):
        assert get(datasette, path).status_code == 403, path
    assert get(datasette, "/-/deskmetrics/sign-in").status_code == 200


def test_a_plain_datasette_run_finds_the_store(config: Path) -> None:
    datasette = Datasette([str(load_config(config).database)])
    response = get(datasette, f"/-/deskmetrics/?{PERIOD}")
    assert response.status_code == 200
    assert 'class="kpi-link"' in response.text


@pytest.mark.slow
def test_serve_beyond_localhost_signs_in_with_the_token(tmp_path: Path) -> None:
    config = demo_project(tmp_path, tickets=200, extra="")
    (tmp_path / "deskmetrics.toml").write_text(
        (tmp_path / "deskmetrics.toml").read_text(encoding="utf-8")
        + '[connections.support]\nconnector = "zendesk"\nsubdomain = "acme"\n'
        'access_token = "${ZENDESK_TOKEN}"\n',
        encoding="utf-8",
    )
    secret, token = "zendesk-secret-value-42", "serve-token-abcdef-0123456789"
    env = {**os.environ, "ZENDESK_TOKEN": secret, "DESKMETRICS_SERVE_TOKEN": token}
    with (
        serving(config, "--host", "0.0.0.0", env=env) as (base, process),
        httpx.Client(base_url=base, follow_redirects=False) as client,
    ):
        assert process.stdout is not None
        printed = process.stdout.readline() + process.stdout.readline()
        port = base.rsplit(":", 1)[1]
        assert f"read-only at http://0.0.0.0:{port}/-/deskmetrics/" in printed
        assert "sign in with the token in $DESKMETRICS_SERVE_TOKEN" in printed
        assert token not in printed
        assert client.get("/help/tickets").status_code == 403
        page = client.get("/-/deskmetrics/sign-in")
        csrf = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
        assert csrf is not None
        wrong = client.post("/-/deskmetrics/sign-in",
                            data={"csrftoken": csrf.group(1), "token": "guess"})  # fmt: skip
        assert wrong.status_code == 403
        right = client.post("/-/deskmetrics/sign-in",
                            data={"csrftoken": csrf.group(1), "token": token})  # fmt: skip
        assert right.status_code == 302
        seen = ""
        pages = ("/-/deskmetrics/", "/-/deskmetrics/about", "/help", "/-/metadata.json",
                 "/-/settings.json", "/-/plugins.json", "/help/sync_state.json")  # fmt: skip
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            seen += response.text
        assert secret not in seen and token not in seen
        assert "deskmetrics.toml" not in seen and "ZENDESK_TOKEN" not in seen


def test_serve_refuses_an_open_host_without_a_token(tmp_path: Path) -> None:
    config = demo_project(tmp_path, tickets=50)
    env = {k: v for k, v in os.environ.items() if k != "DESKMETRICS_SERVE_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "deskmetrics", "--config", str(config), "serve", "--host",
         "0.0.0.0"], capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "set DESKMETRICS_SERVE_TOKEN to a token of at least 16 characters" in result.stderr
    assert "Traceback" not in result.stderr


def test_dashboard_example_comments_open_their_ticket_page(config: Path) -> None:
    datasette = make(config)
    page = get(datasette, f"/-/deskmetrics/?{PERIOD}")
    assert page.status_code == 200
    hrefs = re.findall(r'<a class="ticket-ref" href="([^"]+)"', page.text)
    assert hrefs, "the feedback section's example comments are not linked"
    assert all(href.startswith("/-/deskmetrics/ticket/") for href in hrefs)
    ticket = get(datasette, hrefs[0].replace("&amp;", "&"))
    assert ticket.status_code == 200
    assert "Ticket " in ticket.text
