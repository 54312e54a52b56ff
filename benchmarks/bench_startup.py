"""Benchmark: the CLI's start-up, what every ``deskmetrics`` command pays before its work.

    .venv/bin/python benchmarks/bench_startup.py [--repeat 15] [--baseline /work/main/src]

Fresh processes alternate: the floor (a bare interpreter, ``python -c pass``), then each
command: ``import deskmetrics`` (what loading any plugin starts with), ``deskmetrics --help``
(every command listed, every plugin loaded) and ``deskmetrics report --help`` (one command's
module), through ``python -m deskmetrics`` as the console script runs it. With ``--baseline``
(another checkout's src folder) the same commands run that checkout's code in the same
alternation. Bytecode is compiled once into a temporary folder first, as an installed package
has it (``--no-bytecode-cache``: every process compiles every module it imports).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_report import Case, baseline_env, run
from bench_zendesk_sync import process_env

COMMANDS: dict[str, list[str]] = {
    "import deskmetrics": ["-c", "import deskmetrics"],
    "deskmetrics --help": ["-m", "deskmetrics", "--help"],
    "deskmetrics report --help": ["-m", "deskmetrics", "report", "--help"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per case (median judged)")
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder to compare")
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = process_env(None if args.no_bytecode_cache else Path(folder))
        cases = [Case("floor  python -c pass", [sys.executable, "-c", "pass"], env)]
        for name, command in COMMANDS.items():
            cases.append(Case(name, [sys.executable, *command], env))
            if args.baseline is not None:
                old = baseline_env(args.baseline, env)
                cases.append(Case(f"{name}  (baseline)", [sys.executable, *command], old))
        if not args.no_bytecode_cache:
            for case in cases:
                run(case.command, case.env)  # untimed: compiles each checkout's modules once
        for _ in range(args.repeat):
            for case in cases:
                case.runs.append(run(case.command, case.env))
    floor = cases[0]
    print(f"fresh processes, median of {args.repeat}:")
    print(f"  {'case':<40} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'CPU × floor':>12}")
    for case in cases:
        peak = max(rss for _, _, rss in case.runs)
        print(
            f"  {case.name:<40} {case.wall:>7.3f} {case.cpu:>6.3f} {peak:>8.0f}"
            f" {case.cpu / floor.cpu:>12.1f}"
        )
    if args.baseline is not None:
        for new, old in zip(cases[1::2], cases[2::2], strict=True):
            print(f"  {new.name}: CPU {old.cpu:.3f} -> {new.cpu:.3f} s ({old.cpu / new.cpu:.2f}x)")


if __name__ == "__main__":
    main()
