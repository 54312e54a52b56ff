"""Many writers on one PostgreSQL store: connections sync in parallel from several processes,
one connection never twice at once (advisory locks, the same message as SQLite's file locks)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from deskmetrics.config.loading import load_config
from deskmetrics.demo.data import DemoSpec, write_demo_csv
from deskmetrics.store.opening import open_store, sync_lock
from deskmetrics.store.postgres.locks import lock_key
from deskmetrics.sync.locks import LockedError
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)

CONNECTIONS = ["north", "south", "east", "west"]


def _project(tmp_path: Path, database: str) -> Path:
    tmp_path.mkdir(exist_ok=True)
    lines = ["[database]", f"{database}\n"]
    for i, name in enumerate(CONNECTIONS):
        write_demo_csv(tmp_path / name, DemoSpec(tickets=300 + 50 * i, weeks=4, seed=i))
        lines += [f"[connections.{name}]", 'connector = "csv"', f'path = "{name}"\n']
    config = tmp_path / "deskmetrics.toml"
    config.write_text("\n".join(lines), encoding="utf-8")
    return config


def _sync(config: Path, *names: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deskmetrics", "--config", str(config), "sync", *names, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_processes_sync_different_connections_into_one_database_at_once(
    pg_cluster: Cluster,
    tmp_path: Path,
) -> None:
    config = _project(tmp_path, f'url = "{pg_cluster.url(pg_cluster.new_database())}"')
    workers = [_sync(config, name) for name in CONNECTIONS]
    outputs = [worker.communicate(timeout=180) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert json.loads(out)["ok"] is True
    with open_store(load_config(config)) as store:
        assert [store.count("tickets", name) for name in CONNECTIONS] == [300, 350, 400, 450]
        runs = store.runs()
        assert {r.connection for r in runs} == set(CONNECTIONS)
        assert {r.status for r in runs} == {"succeeded"}


def _locked_message(config: Path, held_by: str) -> str:
    worker = _sync(config, "north")
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 1, err
    summary = json.loads(out)
    [result] = summary["connections"]
    assert result["status"] == "locked"
    message: str = result["error"]
    assert message.startswith(f"connection 'north' is being synced by pid {held_by} on ")
    return message


@pytest.mark.slow
def test_a_second_sync_of_one_connection_is_refused_like_on_sqlite(
    pg_cluster: Cluster,
    tmp_path: Path,
) -> None:
    me = str(os.getpid())
    pg_config = _project(tmp_path, f'url = "{pg_cluster.url(pg_cluster.new_database())}"')
    sqlite_config = _project(tmp_path / "sqlite", 'path = "dm.db"')
    messages = []
    for config in (pg_config, sqlite_config):
        with open_store(load_config(config)) as store, store.connection_lock("north"):
            assert store.lock_held("north") and not store.lock_held("south")
            messages.append(_locked_message(config, me))
        with open_store(load_config(config)) as store:
            assert not store.lock_held("north")
            assert store.count("tickets", "north") == 0
    since = re.compile(r"since \S+;")
    host = socket.gethostname()
    assert (
        since.sub("since T;", messages[0])
        == since.sub("since T;", messages[1])
        == (
            f"connection 'north' is being synced by pid {me} on {host} since T; "
            "try again when it has finished"
        )
    )
    # Once the holder is gone, the connection syncs.
    worker = _sync(pg_config, "north")
    assert worker.communicate(timeout=120)[0] and worker.returncode == 0


def test_lock_keys_are_stable_and_distinct() -> None:
    # The key is part of the protocol between machines and versions: never change it.
    assert lock_key("north") == lock_key("north")
    assert len({lock_key(name) for name in [*CONNECTIONS, "job-north", "#schema"]}) == 6
    assert -(2**63) <= lock_key("north") < 2**63


def test_scheduler_job_locks_are_advisory_locks_on_postgres(
    pg_cluster: Cluster,
    tmp_path: Path,
) -> None:
    config = tmp_path / "deskmetrics.toml"
    config.write_text(f'[database]\nurl = "{pg_cluster.url("postgres")}"\n', encoding="utf-8")
    loaded = load_config(config)
    assert not (tmp_path / "deskmetrics.db.locks").exists()
    with sync_lock(loaded, "job-nightly"):
        held = "connection 'job-nightly' is being synced by pid"
        with pytest.raises(LockedError, match=held), sync_lock(loaded, "job-nightly"):
            pass  # pragma: no cover
        with sync_lock(loaded, "job-hourly"):
            pass
    with sync_lock(loaded, "job-nightly"):
        pass
    assert not (tmp_path / "deskmetrics.db.locks").exists()
