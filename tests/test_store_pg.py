"""The PostgreSQL store (issue #16): the demo's whole report, and its ticket lists, are the same
JSON on SQLite and on PostgreSQL; a copied store reports what its original does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from deskmetrics.cli import cli
from deskmetrics.config.loading import load_config
from deskmetrics.demo.data import DemoSpec, write_demo_config, write_demo_csv
from deskmetrics.store import Store
from deskmetrics.store.opening import open_store
from deskmetrics.store.schema import SCHEMA_VERSION
from deskmetrics.sync.engine import sync
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)

END = datetime(2026, 11, 30, tzinfo=UTC)
AS_OF = ["--as-of", "2026-11-30T00:00:00Z"]


@dataclass
class Demo:
    sqlite: Path
    """The SQLite project's config file."""
    postgres: Path
    """The same connection, its store on PostgreSQL."""
    cluster: Cluster
    database: str


def _pg_config(sqlite_config: Path, url: str, name: str) -> Path:
    text = sqlite_config.read_text(encoding="utf-8")
    path = sqlite_config.with_name(name)
    path.write_text(text.replace('path = "deskmetrics.db"', f'url = "{url}"', 1), "utf-8")
    return path


@pytest.fixture(scope="module")
def demo(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("pg-demo")
    write_demo_csv(folder / "data", DemoSpec(end=END))
    sqlite_config = write_demo_config(
        folder, data_dir=folder / "data", database=folder / "deskmetrics.db"
    )
    database = pg_cluster.new_database()
    pg_config = _pg_config(sqlite_config, pg_cluster.url(database), "pg.toml")
    for path in (sqlite_config, pg_config):
        config = load_config(path)
        with open_store(config) as store:
            assert sync(config, store).ok
    yield Demo(sqlite_config, pg_config, pg_cluster, database)


def _run(config: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


REPORTS = [
    [],
    ["--by", "agent,group,channel,priority", "--grain", "week"],
    ["--grain", "day", "--timezone", "Europe/Berlin", "--by", "organization"],
    ["--where", "channel=email", "--tag", "vip", "--grain", "month"],
]


@pytest.mark.slow
@pytest.mark.parametrize("options", REPORTS, ids=["default", "by-4", "days-berlin", "filtered"])
def test_the_whole_report_is_the_same_json_on_both_stores(demo: Demo, options: list[str]) -> None:
    on_sqlite = _run(demo.sqlite, "report", "--format", "json", *AS_OF, *options)
    on_postgres = _run(demo.postgres, "report", "--format", "json", *AS_OF, *options)
    report = json.loads(on_sqlite)
    # A real report: every built-in KPI has data, with its medians, p90s and intervals.
    metrics = report["metrics"]
    assert metrics["ticket_volume"]["n"] > 200
    assert metrics["first_response_time"]["p90"] > metrics["first_response_time"]["median"] > 0
    assert 0 < metrics["csat"]["ci_low"] < metrics["csat"]["value"] < metrics["csat"]["ci_high"]
    assert metrics["ces"]["normalized"] > 0
    assert [s["id"] for s in report["sections"]] == ["explore", "history_check", "feedback"]
    assert on_postgres == on_sqlite


TICKET_LISTS = [
    ["first_response_time"],
    ["resolution_time", "--by-key", "channel=email"],
    ["backlog_overdue"],
    ["sla_first_response"],
    ["first_contact_resolution"],
    ["csat"],
    ["csat_response_rate", "--by-key", "channel=email"],
    ["ces"],
    ["customer_churn_rate"],
]


@pytest.mark.slow
@pytest.mark.parametrize("kpi", TICKET_LISTS, ids=[k[0] for k in TICKET_LISTS])
def test_ticket_lists_are_the_same_on_both_stores(demo: Demo, kpi: list[str]) -> None:
    on_sqlite = _run(demo.sqlite, "tickets", *kpi, *AS_OF, "--format", "json")
    on_postgres = _run(demo.postgres, "tickets", *kpi, *AS_OF, "--format", "json")
    listed = json.loads(on_sqlite)
    assert listed["n"] == len(listed["members"]) > 0
    assert on_postgres == on_sqlite


def test_state_status_and_verify_read_the_postgres_store(demo: Demo) -> None:
    states = json.loads(_run(demo.postgres, "state", "show", "--json"))
    expected = json.loads(_run(demo.sqlite, "state", "show", "--json"))
    assert [(s["stream"], s["state"]) for s in states] == [
        (s["stream"], s["state"]) for s in expected
    ]
    assert len(states) == 8  # the demo's eight CSV streams, ticket_events included
    status = _run(demo.postgres, "status")
    [pg_status] = json.loads(_run(demo.postgres, "status", "--json"))["connections"]
    [sqlite_status] = json.loads(_run(demo.sqlite, "status", "--json"))["connections"]
    # 6,000 tickets, 20,735 messages, 44,716 history rows, 3,150 surveys, 1,200 customers,
    # 12 agents, 4 groups, 8 organizations.
    assert (pg_status["last_outcome"], pg_status["last_records"]) == ("succeeded", 75_825)
    assert sqlite_status["last_records"] == 75_825
    assert "succeeded" in status and "75,825" in status
    assert "all checks passed" in _run(demo.postgres, "verify")


def test_a_second_sync_reads_nothing_on_postgres(demo: Demo) -> None:
    config = load_config(demo.postgres)
    with open_store(config) as store:
        summary = sync(config, store)
        assert summary.ok
        assert sum(c.records for c in summary.connections) == 0
        assert store.count("tickets") == 6000


@pytest.mark.slow
def test_a_copied_store_reports_what_its_original_does(demo: Demo, tmp_path: Path) -> None:
    target = demo.cluster.new_database()
    url = demo.cluster.url(target)
    result = CliRunner().invoke(cli, ["--config", str(demo.sqlite), "store", "copy", "--to", url])
    assert result.exit_code == 0, result.output
    # The URL is shown as written: the password stays an environment reference.
    assert f"to {url}." in result.stdout
    assert demo.cluster.password not in result.output
    copied = _pg_config(demo.sqlite, url, "copied.toml")
    options = ["report", "--format", "json", *AS_OF, "--by", "agent", "--grain", "week"]
    assert _run(copied, *options) == _run(demo.sqlite, *options)
    with Store(demo.sqlite.with_name("deskmetrics.db")) as original:
        runs = [(r.connection, r.stream, r.status, r.records) for r in original.runs()]
        rows = {t: original.count(t) for t in ("tickets", "interactions", "ticket_tags")}
    with open_store(load_config(copied)) as store:
        assert [(r.connection, r.stream, r.status, r.records) for r in store.runs()] == runs
        assert {t: store.count(t) for t in rows} == rows
        # Cursors came along: the next sync reads nothing; new runs continue the ids.
        summary = sync(load_config(copied), store)
        assert summary.ok and sum(c.records for c in summary.connections) == 0
        assert store.runs()[0].id == len(runs) + 8  # one run per stream

    again = CliRunner().invoke(cli, ["--config", str(demo.sqlite), "store", "copy", "--to", url])
    assert again.exit_code == 1
    assert "not empty (" in again.output and "pass --replace" in again.output
    assert "Traceback" not in again.output
    replaced = CliRunner().invoke(
        cli, ["--config", str(demo.sqlite), "store", "copy", "--to", url, "--replace"]
    )
    assert replaced.exit_code == 0, replaced.output
    with open_store(load_config(copied)) as store:
        assert store.count("tickets") == 6000
        assert len(store.runs()) == len(runs)


def test_check_connects_to_the_postgres_store(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    good = CliRunner().invoke(cli, ["--config", str(demo.postgres), "check"])
    assert good.exit_code == 0, good.output
    assert good.output.splitlines()[:2] == [
        f"{demo.postgres}: all good",
        f"ok   database: connected, schema version {SCHEMA_VERSION}",
    ]
    monkeypatch.setenv("DM_WRONG_PASSWORD", "not-the-password-4711")
    wrong = _pg_config(
        demo.sqlite,
        demo.cluster.url(demo.database).replace("${PGPASSWORD_TEST}", "${DM_WRONG_PASSWORD}"),
        "wrong.toml",
    )
    refused = CliRunner().invoke(cli, ["--config", str(wrong), "check", "--json"])
    assert refused.exit_code == 1, refused.output
    database = json.loads(refused.stdout)["database"]
    assert database["ok"] is False
    assert database["message"].startswith(
        f"postgresql://deskmetrics:${{DM_WRONG_PASSWORD}}@127.0.0.1:{demo.cluster.port}/"
    )
    assert "password authentication failed" in database["message"]
    assert "not-the-password-4711" not in refused.output
    # The connections are still tested: the CSV one is fine.
    assert [c["ok"] for c in json.loads(refused.stdout)["connections"]] == [True]
