"""Start ``deskmetrics serve`` on a demo store in a subprocess, for the web tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from deskmetrics import Store
from deskmetrics.testing import DemoSpec, demo_records

END = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday: eight full weeks of demo data before it


def demo_project(folder: Path, tickets: int = 1500, extra: str = "") -> Path:
    """A project with a demo store; returns its config file."""
    config = folder / "deskmetrics.toml"
    config.write_text(
        'database = { path = "help.db" }\n[connections.demo]\nconnector = "csv"\npath = "data"\n'
        '[targets]\nfirst_response_time = { p90 = "8h" }\ncsat = { min = 85 }\n' + extra,
        encoding="utf-8",
    )
    with Store(folder / "help.db") as store:
        store.write(demo_records(DemoSpec(tickets=tickets, weeks=8, end=END)), source="demo")
    return config


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(
    config: Path, *args: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The base URL of a running ``deskmetrics serve``; stopped afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "deskmetrics", "--config", str(config), "serve",
               "--port", str(port), *args]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"{base}/-/versions.json", timeout=5):
                    break
            except HTTPError:
                break  # up, and answering (403 before signing in)
            except URLError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise RuntimeError(f"serve did not start: {output}") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=20)
