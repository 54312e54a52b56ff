"""Benchmark ``deskmetrics report`` on a large demo helpdesk (one command).

    python benchmarks/bench_report.py [--tickets 1000000] [--weeks 52] [--repeat 3]

The first run generates the demo data (no interactions; surveys and customers included) into
``benchmarks/.cache/`` and reuses it afterwards. Each measurement runs the real command line in a
fresh process, so wall time includes start-up, and reports that process's peak RSS:

  (a) the full report:             report --format json
  (b) a breakdown and a series:    report --format json --by agent --grain week

Goals on a 2-core machine with 1,000,000 tickets: (a) ≤ 2 s, (b) ≤ 5 s, peak memory ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from deskmetrics import Store
from deskmetrics.demo.data import DemoSpec, demo_records

CACHE = Path(__file__).resolve().parent / ".cache"
END = datetime(2026, 11, 23, tzinfo=UTC)
"""A Monday: the default report is then the four full weeks before it."""
BATCH = 10_000

# The real CLI; the report command is added if the CLI package does not register it yet.
RUN_CLI = (
    "import sys\n"
    "from deskmetrics.cli import get_cli, report_commands\n"
    "cli = get_cli()\n"
    "if 'report' not in cli.commands:\n"
    "    report_commands.register(cli)\n"
    "cli(sys.argv[1:], prog_name='deskmetrics')\n"
)


def database(tickets: int, weeks: int, seed: int) -> Path:
    path = CACHE / f"report-{tickets}-{weeks}w-{seed}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    spec = DemoSpec(tickets=tickets, weeks=weeks, end=END, seed=seed, interactions=False)
    started = time.perf_counter()
    records = demo_records(spec)
    written = 0
    with Store(partial) as store:
        while batch := list(itertools.islice(records, BATCH)):
            store.write(batch, source="demo")
            written += len(batch)
            if written % 200_000 < BATCH:
                print(f"  generated {written:,} records", file=sys.stderr)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(path)
    print(
        f"  {written:,} records in {time.perf_counter() - started:.0f} s → {path}", file=sys.stderr
    )
    return path


def measure(config: Path, args: list[str], output: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one report run in a fresh process."""
    command = [sys.executable, "-c", RUN_CLI, "--config", str(config), "report", *args]
    started = time.perf_counter()
    process = subprocess.Popen([*command, "--output", str(output)], stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"report failed: {' '.join(args)}\n{errors}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52, help="history the tickets span")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median shown)")
    options = parser.parse_args()

    print(f"Data: {options.tickets:,} demo tickets over {options.weeks} weeks", file=sys.stderr)
    db = database(options.tickets, options.weeks, options.seed)
    cases = {
        "a  full report": ["--format", "json"],
        "b  --by agent --grain week": ["--format", "json", "--by", "agent", "--grain", "week"],
    }
    common = ["--as-of", END.isoformat()]
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "deskmetrics.toml"
        config.write_text(f"[database]\npath = {str(db)!r}\n", encoding="utf-8")
        output = Path(folder) / "report.json"
        # CPU time is shown too: on a shared machine wall time also measures the neighbours.
        print(f"{'case':<30} {'median s':>9} {'best s':>7} {'CPU s':>6} {'peak MB':>8}  runs s")
        for name, args in cases.items():
            runs = [measure(config, [*args, *common], output) for _ in range(options.repeat)]
            walls = [wall for wall, _, _ in runs]
            cpu = min(cpu for _, cpu, _ in runs)
            peak = max(rss for _, _, rss in runs)
            shown = " ".join(f"{w:.2f}" for w in walls)
            print(
                f"{name:<30} {statistics.median(walls):>9.2f} {min(walls):>7.2f} {cpu:>6.2f}"
                f" {peak:>8.0f}  {shown}"
            )


if __name__ == "__main__":
    main()
