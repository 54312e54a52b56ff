"""Growth from 1 M to 10 M tickets: CSV sync, database size, peak RSS and a fixed-window report.

    python benchmarks/bench_scale.py [--sizes 1000000,3000000,10000000] [--window-weeks 4]
                                     [--plugins csv,reporters] [--keep]

For each size the demo helpdesk is written as CSV into ``benchmarks/.cache/`` (12 weeks of
history per million tickets, so the tickets per week stay the same and a longer history is
what grows), then measured in fresh processes, each next to its floor:

  sync     ``deskmetrics sync`` of the folder into a new database, against the raw load of
           bench_csv_sync.py (``csv.reader`` + ``executemany`` + two indexes)
  report   ``report --format json`` over the last ``--window-weeks`` weeks of that database,
           against the hand-written pass of bench_report.py over the same window

The last table gives each figure per million tickets relative to the first size: linear
growth reads 1.00 for sync time and database size, and a fixed-window report should stay
near 1 / (size / first size), i.e. barely grow in absolute terms. Databases are deleted
after each size unless ``--keep`` (10 M tickets take about 10 GB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_csv_sync import FLOOR as LOAD_FLOOR
from bench_csv_sync import csv_folder, fresh, sync_case
from bench_report import CACHE, END, Case, report_case, run
from bench_report import FLOOR as REPORT_FLOOR


@dataclass
class Size:
    tickets: int
    weeks: int
    sync: Case
    load: Case
    report: Case
    pass_: Case
    db_mb: float = 0.0


def measure(tickets: int, window: int, plugins: str | None, keep: bool) -> Size:
    weeks = max(window, round(12 * tickets / 1_000_000))
    folder = csv_folder(tickets, weeks, 7)
    work = Path(tempfile.mkdtemp(prefix=f"scale-{tickets}-", dir=CACHE))
    load = Case("load", [sys.executable, "-c", LOAD_FLOOR, str(folder), str(work / "floor.db")])
    sync = sync_case("sync", folder, work)
    fresh(work, sync.name)
    load.runs.append(run(load.command))
    (work / "floor.db").unlink()
    sync.runs.append(run(sync.command))
    db = work / "sync.db"
    db_mb = sum(p.stat().st_size for p in work.glob("sync.db*") if p.is_file()) / 1e6
    start = END - timedelta(weeks=window)
    period = ["--from", start.date().isoformat(), "--to", END.date().isoformat()]
    env = {**os.environ, "DESKMETRICS_LOAD_PLUGINS": plugins} if plugins else None
    report = report_case("report", db, work, [*period, "--as-of", END.isoformat(),
                                              "--format", "json"], env)  # fmt: skip
    bounds = [
        start.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
        END.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
    ]
    pass_ = Case("pass", [sys.executable, "-c", REPORT_FLOOR, str(db), *bounds])
    for case in (pass_, report, pass_, report):
        case.runs.append(run(case.command, case.env))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{tickets:>11,} {weeks:>5}  sync {sync.wall:7.1f} s wall {sync.cpu:7.1f} s CPU "
        f"{sync.runs[0][2]:6.0f} MB | load floor {load.cpu:6.1f} s CPU "
        f"(sync {sync.cpu / load.cpu:4.2f}×) | DB {db_mb:7.0f} MB | report {report.cpu:5.2f} s CPU "
        f"{max(r[2] for r in report.runs):5.0f} MB, pass {pass_.cpu:5.2f} s "
        f"({report.cpu / pass_.cpu:4.2f}×)",
        flush=True,
    )
    return Size(tickets, weeks, sync, load, report, pass_, db_mb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000")
    parser.add_argument("--window-weeks", type=int, default=4)
    parser.add_argument("--plugins", help="DESKMETRICS_LOAD_PLUGINS for the reports")
    parser.add_argument("--keep", action="store_true", help="keep each size's databases")
    options = parser.parse_args()
    sizes = [int(text) for text in options.sizes.split(",")]
    print(f"{'tickets':>11} {'weeks':>5}  (fresh processes; report over the last "
          f"{options.window_weeks} weeks)")  # fmt: skip
    measured = [measure(n, options.window_weeks, options.plugins, options.keep) for n in sizes]
    first = measured[0]
    print("\nper million tickets, relative to the first size (1.00 = linear growth):")
    print(f"{'tickets':>11} {'sync CPU':>9} {'sync wall':>10} {'DB size':>8} "
          f"{'sync peak MB':>13} {'report CPU (absolute ×)':>24}")  # fmt: skip
    for size in measured:
        scale = first.tickets / size.tickets
        print(
            f"{size.tickets:>11,} {size.sync.cpu * scale / first.sync.cpu:>9.2f} "
            f"{size.sync.wall * scale / first.sync.wall:>10.2f} "
            f"{size.db_mb * scale / first.db_mb:>8.2f} {size.sync.runs[0][2]:>13.0f} "
            f"{size.report.cpu / first.report.cpu:>24.2f}"
        )


if __name__ == "__main__":
    main()
