"""Start-up cost: ``deskmetrics report`` never imports what only syncing needs.

Every command loads every installed plugin, so a connector plugin that imports its HTTP stack
when loaded, or a registry calling ``register_connectors`` for a report, slows every report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from deskmetrics import Store, Ticket
from subprocess_env import clean_env

# Runs the real CLI in a fresh interpreter, then writes the names of the modules it imported.
PROBE = """\
import json, sys
from pathlib import Path
from deskmetrics.cli import get_cli
get_cli().main(sys.argv[2:], prog_name="deskmetrics", standalone_mode=False)
Path(sys.argv[1]).write_text(json.dumps(sorted(sys.modules)), encoding="utf-8")
"""

BUILT_IN_PLUGINS = ("deskmetrics_csv", "deskmetrics_freshdesk", "deskmetrics_zendesk")
SYNC_ONLY = (
    "httpx",
    "tenacity",
    "deskmetrics.connect.http_client",
    *(f"{plugin}.connector" for plugin in BUILT_IN_PLUGINS),
)


def test_report_imports_no_connector_nor_http_stack(tmp_path: Path) -> None:
    config = tmp_path / "deskmetrics.toml"
    config.write_text('database = { path = "help.db" }\n', encoding="utf-8")
    with Store(tmp_path / "help.db") as store:
        store.write([Ticket(id="1", created_at=datetime(2026, 1, 5, 9, tzinfo=UTC))], source="s")
    modules, output = tmp_path / "modules.json", tmp_path / "report.json"
    args = ["--config", str(config), "report", "--format", "json", "--output", str(output)]
    period = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]

    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), *args, *period],
        cwd=tmp_path,
        env=clean_env(),  # every installed plugin loaded, as for a user
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(output.read_text(encoding="utf-8"))["metrics"]["ticket_volume"]["value"] == 1
    loaded = set(json.loads(modules.read_text(encoding="utf-8")))
    assert set(BUILT_IN_PLUGINS) <= loaded  # the plugins were loaded: only their connectors not
    assert sorted(loaded.intersection(SYNC_ONLY)) == []
