"""Benchmark ``deskmetrics sync`` of a CSV folder against a raw load of the same files.

    python benchmarks/bench_csv_sync.py [--tickets 1000000] [--weeks 12] [--repeat 1]
                                        [--baseline /work/main/src]

The first run writes the demo helpdesk as CSV (no interactions; surveys and customers
included) into ``benchmarks/.cache/`` and reuses it. Each measurement runs in a fresh process
into a new database, so wall time includes start-up; CPU time and peak RSS are that process's:

  floor  ``csv.reader`` + ``executemany`` of every file into plain tables (one text column per
         CSV column), plus the two timestamp indexes of tickets (created_at, resolved_at)
  sync   ``deskmetrics sync`` of the folder through the CSV connector (whole-file validation,
         mapping, upserts), as a user runs it

Runs alternate (floor, sync, [baseline sync], floor, …); ratios are of medians in one run.
With ``--baseline``, the last line says whether both syncs stored the same rows (every table
compared row by row, ``synced_at`` and run history left out).
Goals (issue #14): sync ≤ 3× the floor at 1,000,000 tickets, peak RSS ≤ 250 MB and flat from
100,000 to 10,000,000 tickets.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import CACHE, Case, baseline_env, run

END = datetime(2026, 11, 23, tzinfo=UTC)

FLOOR = """
import csv, sqlite3, sys
from pathlib import Path
folder, db = Path(sys.argv[1]), sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = NORMAL")
for path in sorted(folder.glob("*.csv")):
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = next(rows)
        table = path.stem
        conn.execute(f'CREATE TABLE "{table}" ({", ".join(f"{c!r} TEXT" for c in header)})')
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(header))})'
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
conn.execute("CREATE INDEX tickets_created_at ON tickets(created_at)")
conn.execute("CREATE INDEX tickets_resolved_at ON tickets(resolved_at)")
conn.close()
"""


def csv_folder(tickets: int, weeks: int, seed: int) -> Path:
    folder = CACHE / f"csv-{tickets}-{weeks}w-{seed}"
    if (folder / "done").exists():
        return folder
    from deskmetrics.demo.data import DemoSpec, write_demo_csv

    started = time.perf_counter()
    spec = DemoSpec(
        tickets=tickets, weeks=weeks, end=END, seed=seed, interactions=False, history=False
    )
    counts = write_demo_csv(folder, spec)
    (folder / "done").write_text("", encoding="utf-8")
    print(f"  wrote {counts} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def sync_case(name: str, folder: Path, work: Path, env: dict[str, str] | None = None) -> Case:
    config = work / f"{name.split()[0]}.toml"
    config.write_text(
        f"[database]\npath = {str(work / (name.split()[0] + '.db'))!r}\n\n"
        f'[connections.files]\nconnector = "csv"\npath = {str(folder)!r}\n',
        encoding="utf-8",
    )
    code = "import sys\nfrom deskmetrics.cli import get_cli\nget_cli()(sys.argv[1:])\n"
    return Case(name, [sys.executable, "-c", code, "--config", str(config), "sync"], env)


def fresh(work: Path, name: str) -> None:
    """Each run starts from an empty database (the other cases' are kept for comparing)."""
    for leftover in work.glob(f"{name.split()[0]}.db*"):
        if leftover.is_dir():  # the sync's lock folder
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (median shown)")
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder to compare")
    options = parser.parse_args()
    folder = csv_folder(options.tickets, options.weeks, options.seed)
    size = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
    print(f"Data: {options.tickets:,} tickets as {size:.0f} MB of CSV in {folder}")
    with tempfile.TemporaryDirectory(dir=CACHE) as name:
        work = Path(name)
        cases = [
            Case("floor  csv.reader+executemany",
                 [sys.executable, "-c", FLOOR, str(folder), str(work / "floor.db")]),
            sync_case("sync   deskmetrics sync", folder, work),
        ]  # fmt: skip
        if options.baseline:
            env = baseline_env(options.baseline)
            cases.append(sync_case("sync'  baseline sync", folder, work, env))
        sizes: dict[str, float] = {}
        for _ in range(options.repeat):
            for case in cases:
                fresh(work, case.name)
                case.runs.append(run(case.command, case.env))
                files = [p for p in work.glob(f"{case.name.split()[0]}.db*") if p.is_file()]
                sizes[case.name] = sum(p.stat().st_size for p in files) / 1e6
        floor = cases[0]
        header = f"{'case':<32} {'median s':>9} {'CPU s':>6} {'peak MB':>8} {'DB MB':>6}"
        print(f"{header} {'× floor':>8}")
        for case in cases:
            peak = max(rss for _, _, rss in case.runs)
            print(
                f"{case.name:<32} {case.wall:>9.2f} {case.cpu:>6.2f} {peak:>8.0f}"
                f" {sizes[case.name]:>6.0f} {case.wall / floor.wall:>8.2f}"
                f"  (CPU {case.cpu / floor.cpu:.2f}×)"
            )
        if options.baseline:
            print(compare_stores(work / "sync.db", work / "sync'.db"))


_NOT_COMPARED = {"synced_at", "started_at", "ended_at", "updated_at", "rejected_at", "sync_id"}
"""Columns that differ between any two syncs: when they ran."""


def compare_stores(ours: Path, theirs: Path) -> str:
    """Whether two stores hold the same rows in every table, times of the sync left out.

    Only the columns both stores have are compared (a newer schema's added columns are named
    instead): SQLite reads a quoted name it does not know as a text literal, not an error."""
    differ, added = [], []
    with sqlite3.connect(ours) as a, sqlite3.connect(theirs) as b:
        tables = [
            row[0]
            for row in a.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY 1")
        ]
        for table in tables:
            columns = [row[1] for row in a.execute(f'PRAGMA table_info("{table}")')]
            theirs_have = {row[1] for row in b.execute(f'PRAGMA table_info("{table}")')}
            if not theirs_have:
                added.append(table)
                continue
            added += [f"{table}.{c}" for c in columns if c not in theirs_have]
            shared = [c for c in columns if c in theirs_have and c not in _NOT_COMPARED]
            kept = ", ".join(f'"{c}"' for c in shared)
            sql = f'SELECT {kept} FROM "{table}" ORDER BY {kept}'
            if a.execute(sql).fetchall() != b.execute(sql).fetchall():
                differ.append(table)
    new = f"; only in ours: {', '.join(added)}" if added else ""
    if differ:
        return f"stored rows DIFFER from the baseline's in: {', '.join(differ)}{new}"
    return (
        f"stored rows identical to the baseline's ({len(tables)} tables, synced_at left out){new}"
    )


if __name__ == "__main__":
    main()
