"""Benchmark: the CLI's start-up, what every ``deskmetrics`` command pays before its work.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 15] [--baseline /work/main/src]

Fresh processes alternate: the floor (a bare interpreter, ``python -c pass``), then each
command: ``import deskmetrics`` (what loading any plugin starts with), ``deskmetrics --help``
(every command listed, every plugin loaded), ``deskmetrics report --help`` (one command's
module), then real work on a tiny CSV helpdesk (two tickets): ``deskmetrics sync`` and
``deskmetrics report --format json``, all through ``python -m deskmetrics`` as the console
script runs it. With ``--baseline``
(another checkout's src folder) the same commands run that checkout's code in the same
alternation. Bytecode is compiled once into a temporary folder first, as an installed package
has it (``--no-bytecode-cache``: every process compiles every module it imports).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_report import Case, alternate, baseline_env
from bench_zendesk_sync import process_env

COMMANDS: dict[str, list[str]] = {
    "import deskmetrics": ["-c", "import deskmetrics"],
    "deskmetrics --help": ["-m", "deskmetrics", "--help"],
    "deskmetrics report --help": ["-m", "deskmetrics", "report", "--help"],
    "deskmetrics sync (2 tickets)": ["-m", "deskmetrics", "--config", "{config}", "sync"],
    "deskmetrics report (2 tickets)": [
        "-m", "deskmetrics", "--config", "{config}", "report", "--format", "json",
        "--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z",
    ],
}  # fmt: skip
TICKETS = "id,created_at,status\n1,2026-01-05T09:00:00Z,open\n2,2026-01-05T10:00:00Z,solved\n"


def tiny_helpdesk(folder: Path) -> Path:
    """A CSV connection of two tickets and its store's config file, in ``folder``."""
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    config = folder / "deskmetrics.toml"
    config.write_text(
        f"database = {{ path = {str(folder / 'tiny.db')!r} }}\n"
        f'[connections.tiny]\nconnector = "csv"\npath = {str(folder / "data")!r}\n',
        encoding="utf-8",
    )
    return config


def command(args: list[str], config: Path) -> list[str]:
    return [sys.executable, *(arg.replace("{config}", str(config)) for arg in args)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per case (median judged)")
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder to compare")
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = process_env(None if args.no_bytecode_cache else Path(folder) / "bytecode")
        new, old = tiny_helpdesk(Path(folder) / "new"), tiny_helpdesk(Path(folder) / "old")
        cases = [Case("floor  python -c pass", [sys.executable, "-c", "pass"], env)]
        for name, line in COMMANDS.items():
            cases.append(Case(name, command(line, new), env))
            if args.baseline is not None:
                old_env = baseline_env(args.baseline, env)
                cases.append(Case(f"{name}  (baseline)", command(line, old), old_env))
        alternate(cases, args.repeat, warm_up=not args.no_bytecode_cache)
    floor = cases[0]
    print(f"fresh processes, median of {args.repeat}:")
    print(f"  {'case':<44} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'CPU × floor':>12}")
    for case in cases:
        peak = max(rss for _, _, rss in case.runs)
        print(
            f"  {case.name:<44} {case.wall:>7.3f} {case.cpu:>6.3f} {peak:>8.0f}"
            f" {case.cpu / floor.cpu:>12.1f}"
        )
    if args.baseline is not None:
        for after, before in zip(cases[1::2], cases[2::2], strict=True):
            ratio = before.cpu / after.cpu
            print(f"  {after.name}: CPU {before.cpu:.3f} -> {after.cpu:.3f} s ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
