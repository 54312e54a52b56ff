"""One deskmetrics sync per orchestrator task: run it, read its JSON summary, fail on failure.

Standard library only, so it runs inside any orchestrator's worker (Airflow, Dagster, Prefect,
a plain cron wrapper). The orchestrator files beside it import it; it is also a command:

    python deskmetrics_tasks.py --config /srv/deskmetrics/deskmetrics.toml connections
    python deskmetrics_tasks.py --config /srv/deskmetrics/deskmetrics.toml sync support

`sync` exits 0 when every stream of the connection succeeded and 1 otherwise, after printing
one line per failed stream.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

DESKMETRICS = "deskmetrics"


class SyncFailed(RuntimeError):
    """A connection's sync did not succeed; the message names every failed stream."""


def connections(config: str, executable: str = DESKMETRICS) -> list[str]:
    """The configured connection names, from ``deskmetrics status --json``."""
    status = _run_json([executable, "--config", config, "status", "--json"])
    return [entry["connection"] for entry in status["connections"]]


def sync_connection(
    name: str, config: str, *, wait: float = 0, executable: str = DESKMETRICS
) -> dict[str, Any]:
    """Sync one connection; return its summary, or raise SyncFailed naming each failed stream.

    ``wait`` is how long to wait when another worker is syncing this connection (its lock); 0
    fails at once with status ``locked``, which an orchestrator then retries.
    """
    command = [executable, "--config", config, "sync", name, "--json", "--wait", str(wait)]
    summary = _run_json(command, allowed_exit_codes=(0, 1))
    failures = failed_streams(summary)
    if failures:
        raise SyncFailed(f"{name}: " + "; ".join(failures))
    return summary


def failed_streams(summary: dict[str, Any]) -> list[str]:
    """One line per stream (or whole connection) of a ``sync --json`` summary that failed."""
    found = []
    for connection in summary["connections"]:
        streams = connection["streams"]
        for stream in streams:
            if stream["status"] != "succeeded":
                found.append(f"{stream['stream']} {stream['status']}: {stream['error']}")
        if connection["status"] != "succeeded" and not found:
            # Locked, or refused before any stream ran (a wrong [connections.NAME] table).
            found.append(f"{connection['status']}: {connection.get('error')}")
    return found


def _run_json(command: Sequence[str], allowed_exit_codes: Sequence[int] = (0,)) -> Any:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in allowed_exit_codes or not done.stdout.strip():
        # Exit 2 is a wrong config file; stderr holds deskmetrics' one-line reason.
        raise SyncFailed(
            f"{' '.join(command[:4])}… exited {done.returncode}: {done.stderr.strip()}"
        )
    return json.loads(done.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="deskmetrics.toml")
    parser.add_argument("--wait", type=float, default=0)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("connections")
    commands.add_parser("sync").add_argument("name")
    args = parser.parse_args(argv)
    if args.command == "connections":
        print("\n".join(connections(args.config)))
        return 0
    try:
        summary = sync_connection(args.name, args.config, wait=args.wait)
    except SyncFailed as failure:
        print(failure, file=sys.stderr)
        return 1
    records = sum(c["records"] for c in summary["connections"])
    print(f"{args.name}: {records} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
