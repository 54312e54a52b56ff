"""Benchmark the PostgreSQL store against SQLite (issue #16), in one run on this machine.

    python benchmarks/bench_store_pg.py [--tickets 1000000] [--weeks 12] [--parallel 4]

Starts a throw-away PostgreSQL cluster (the tests' helper, tests/pg_cluster.py: Debian's
binaries, run as the ``postgres`` user; ``synchronous_commit = off``, which like SQLite's
WAL + ``synchronous = NORMAL`` survives a killed process but may lose the last commits to an OS
crash). Writes the demo helpdesk as CSV (no interactions, like the other benchmarks; surveys and
customers included) into ``benchmarks/.cache/`` and reuses it. Each measurement is a fresh
``deskmetrics`` process, so times include start-up:

  sync     ``deskmetrics sync`` of the folder through the CSV connector into a new store
  report   ``deskmetrics report --format json`` of the last four full weeks (the two JSON
           outputs must be equal byte for byte: checked)
  parallel the same tickets split into ``--parallel`` connections (folders), synced by that
           many processes at once into one PostgreSQL database, against one sync of them all
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from pg_cluster import Cluster, find_bin_dir, running_cluster  # noqa: E402

CACHE = HERE / ".cache"
END = datetime(2026, 11, 23, tzinfo=UTC)
AS_OF = "2026-11-23T00:00:00Z"


def demo_folder(tickets: int, weeks: int, seed: int, name: str) -> Path:
    from deskmetrics.demo.data import DemoSpec, write_demo_csv

    folder = CACHE / f"pg-csv-{name}-{tickets}-{weeks}-{seed}"
    if not (folder / "tickets.csv").exists():
        spec = DemoSpec(tickets=tickets, weeks=weeks, end=END, seed=seed, interactions=False)
        write_demo_csv(folder, spec)
    return folder


def write_config(path: Path, database: str, folders: dict[str, Path]) -> Path:
    lines = ["[database]", database, ""]
    for name, folder in folders.items():
        lines += [f"[connections.{name}]", 'connector = "csv"', f'path = "{folder}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def deskmetrics(config: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "deskmetrics", "--config", str(config), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"deskmetrics {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout


def parallel_sync(config: Path, names: list[str]) -> float:
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "deskmetrics", "--config", str(config), "sync", name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for worker in workers:
        _out, err = worker.communicate()
        if worker.returncode != 0:
            raise SystemExit(f"a parallel sync failed:\n{err[-2000:]}")
    return time.perf_counter() - started


def line(label: str, sqlite: float, postgres: float) -> str:
    return (
        f"{label:<8} sqlite {sqlite:8.1f} s   postgresql {postgres:8.1f} s   "
        f"ratio {postgres / sqlite:5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL binaries: apt-get install postgresql")
    whole = demo_folder(args.tickets, args.weeks, 42, "whole")
    share = args.tickets // args.parallel
    parts = {
        f"part{i}": demo_folder(share, args.weeks, 100 + i, "part") for i in range(args.parallel)
    }
    settings = "-c synchronous_commit=off -c shared_buffers=256MB -c max_wal_size=4GB"
    with tempfile.TemporaryDirectory() as tmp, running_cluster(bin_dir, settings) as cluster:
        work = Path(tmp)
        print(f"{args.tickets:,} demo tickets over {args.weeks} weeks (no interactions)")
        sq = write_config(work / "sqlite.toml", f'path = "{work / "dm.db"}"', {"demo": whole})
        pg = write_config(work / "pg.toml", f'url = "{_url(cluster)}"', {"demo": whole})
        sync_sq, _ = deskmetrics(sq, "sync")
        sync_pg, _ = deskmetrics(pg, "sync")
        print(line("sync", sync_sq, sync_pg))
        report_sq, json_sq = deskmetrics(sq, "report", "--format", "json", "--as-of", AS_OF)
        report_pg, json_pg = deskmetrics(pg, "report", "--format", "json", "--as-of", AS_OF)
        print(line("report", report_sq, report_pg))
        print(f"report JSON identical on both stores: {json_sq == json_pg}")

        together = write_config(work / "together.toml", f'url = "{_url(cluster)}"', parts)
        one_process, _ = deskmetrics(together, "sync")
        apart = write_config(work / "apart.toml", f'url = "{_url(cluster)}"', parts)
        at_once = parallel_sync(apart, list(parts))
        total = share * args.parallel
        print(
            f"parallel {args.parallel} connections × {share:,} tickets into PostgreSQL: one "
            f"process {one_process:.1f} s, {args.parallel} processes at once {at_once:.1f} s "
            f"({one_process / at_once:.2f}× faster, {total / at_once:,.0f} tickets/s)"
        )


def _url(cluster: Cluster) -> str:
    # A new database per store; the password is the test helper's environment reference.
    return cluster.url(cluster.new_database())


if __name__ == "__main__":
    main()
