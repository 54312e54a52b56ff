"""The jsonl connector passes deskmetrics' connector conformance suite, in both cursor modes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from deskmetrics.testing import ConnectorConformance

EXPORT = Path(__file__).with_name("export")


class TestOffsetCursor(ConnectorConformance):
    connector = "jsonl"
    incremental = "offset"
    invalid_options = [
        ({"incremental": "sometimes"}, "incremental"),
        ({"on_error": "maybe"}, "on_error"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"batch_size": 0}, "batch_size"),
    ]

    @pytest.fixture
    def connection_options(self, tmp_path: Path) -> dict[str, Any]:
        shutil.copytree(EXPORT, tmp_path / "export")
        # Small batches give the interrupted-sync check many boundaries to cut at.
        return {"path": "export", "incremental": self.incremental, "batch_size": 4}


class TestUpdatedAtCursor(TestOffsetCursor):
    incremental = "updated_at"
