"""A throw-away PostgreSQL 15 cluster for the tests: one per test session, on a free port.

initdb refuses to run as root, so as root the cluster runs as the ``postgres`` user, its data
and unix socket in a temporary folder that user owns. Tests skip (with the reason) only when
no PostgreSQL binaries exist on this machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]


def find_bin_dir() -> Path | None:
    for folder in _BIN_DIRS:
        if (folder / "pg_ctl").exists() and (folder / "initdb").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    port: int
    user: str = "deskmetrics"
    password: str = "s3cret-pg"

    def url(self, database: str) -> str:
        """A URL with the password as a ``${PGPASSWORD_TEST}`` reference, like a config has."""
        return f"postgresql://{self.user}:${{PGPASSWORD_TEST}}@127.0.0.1:{self.port}/{database}"

    def plain_url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh empty database; returns its name."""
        import psycopg

        name = "dm_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.plain_url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    subprocess.run(_as_postgres(args), check=True, capture_output=True, timeout=120)


@contextmanager
def running_cluster(bin_dir: Path, settings: str = "-c fsync=off") -> Iterator[Cluster]:
    """A new cluster from ``bin_dir``'s binaries, stopped and deleted on exit (``settings``:
    more server options; tests need no durability)."""
    root = Path(tempfile.mkdtemp(prefix="deskmetrics-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()
    cluster = Cluster(port)
    pwfile = root / "pw"
    pwfile.write_text(cluster.password)
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    locale = "--locale=en_US.UTF-8" if _has_locale() else "--no-locale"
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", cluster.user, "-A", "scram-sha-256",
          f"--pwfile={pwfile}", "-E", "UTF8", locale])  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=60 {settings}"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
          "-w", "start"])  # fmt: skip
    os.environ["PGPASSWORD_TEST"] = cluster.password
    try:
        yield cluster
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", name="pg_cluster")
def pg_cluster_fixture() -> Iterator[Cluster]:
    """The session's cluster (import this name; tests ask for ``pg_cluster``)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL binaries (pg_ctl, initdb) on this machine")
    with running_cluster(bin_dir) as cluster:
        yield cluster


def _has_locale() -> bool:
    # A real-world collation (not C) so the store's own "C" column collation is what is tested.
    found = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    return "en_us.utf8" in found
