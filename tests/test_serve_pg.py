"""``deskmetrics serve`` on a PostgreSQL store (issue #16): the dashboard and the ticket lists
compute through the store interface, the lists hold the tickets ``deskmetrics tickets`` lists,
and Datasette serves only the ticket lists (no raw-table browsing of the PostgreSQL store)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from deskmetrics.cli import cli
from deskmetrics.config.loading import load_config
from deskmetrics.store.opening import open_store
from deskmetrics.testing import DemoSpec, demo_records
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)
from serve_process import END, serving

pytest.importorskip("datasette")

PERIOD = "from=2026-02-02&to=2026-03-02&as_of=2026-03-02T00:00:00%2B00:00"
TICKETS = ["--from", "2026-02-02", "--to", "2026-03-02", "--as-of", "2026-03-02T00:00:00Z"]


@pytest.fixture(scope="module")
def config(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve-pg")
    path = folder / "deskmetrics.toml"
    path.write_text(
        f'[database]\nurl = "{pg_cluster.url(pg_cluster.new_database())}"\n'
        '[connections.demo]\nconnector = "csv"\npath = "data"\n',
        encoding="utf-8",
    )
    with open_store(load_config(path)) as store:
        store.write(demo_records(DemoSpec(tickets=400, weeks=8, end=END)), source="demo")
    return path


def _listed_by_cli(config: Path, kpi: str, *options: str) -> list[str]:
    result = CliRunner().invoke(
        cli, ["--config", str(config), "tickets", kpi, *TICKETS, *options, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return sorted(m["ticket_id"] for m in json.loads(result.stdout)["members"])


def _listed_by_serve(client: httpx.Client, href: str) -> list[str]:
    response = client.get(href)
    assert response.status_code == 302, response.text
    table = response.headers["location"].split("?")[0]
    rows = client.get(f"{table}.json?_size=max&_shape=array").json()
    return sorted(row["ticket_id"] for row in rows)


@pytest.mark.slow
def test_serve_computes_the_dashboard_and_ticket_lists_on_postgres(config: Path) -> None:
    with (
        serving(config) as (base, process),
        httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client,
    ):
        assert process.stdout is not None
        assert "Serving postgresql://deskmetrics:${PGPASSWORD_TEST}@" in process.stdout.readline()
        dashboard = client.get(f"/-/deskmetrics/?{PERIOD}&by=channel")
        assert dashboard.status_code == 200, dashboard.text
        links = [
            html.unescape(h) for h in re.findall(r'href="([^"]*/tickets\?[^"]*)"', dashboard.text)
        ]
        csat = next(h for h in links if "kpi=csat" in h and "key=" not in h)
        by_cli = _listed_by_cli(config, "csat")
        assert len(by_cli) > 20
        assert _listed_by_serve(client, csat) == by_cli
        email = next(h for h in links if "kpi=first_response_time" in h and "channel%3Demail" in h)
        assert _listed_by_serve(client, email) == _listed_by_cli(
            config, "first_response_time", "--by-key", "channel=email"
        )
        ticket = client.get(f"/-/deskmetrics/ticket/demo/{by_cli[0]}")
        assert ticket.status_code == 200 and "Timeline" in ticket.text
        about = client.get("/-/deskmetrics/about")
        assert about.status_code == 200
        assert "is on PostgreSQL: its tables are not browsable here" in about.text
        served = {db["name"] for db in client.get("/-/databases.json").json()}
        assert "ticket_lists" in served and served <= {"ticket_lists", "_memory"}


def test_serve_stops_at_start_when_the_server_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD_DOWN", "never-shown-secret")
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[database]\nurl = "postgresql://dm:${PGPASSWORD_DOWN}@127.0.0.1:1/support"\ntimeout = 2\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--port", "0"])
    assert result.exit_code == 1
    assert "postgresql://dm:${PGPASSWORD_DOWN}@127.0.0.1:1/support: cannot connect" in result.output
    assert "never-shown-secret" not in result.output and "Traceback" not in result.output
