"""The built-in CSV connector passes the connector conformance suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from deskmetrics.demo.data import DemoSpec, write_demo_csv
from deskmetrics.testing import ConnectorConformance


class TestCsvConformance(ConnectorConformance):
    connector = "csv"
    invalid_options = [
        ({"on_error": "maybe"}, "on_error"),
        ({"batch_size": 0}, "batch_size"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ]

    @pytest.fixture
    def connection_options(self, tmp_path: Path) -> dict[str, Any]:
        write_demo_csv(tmp_path / "data", DemoSpec(tickets=300, weeks=4, seed=7))
        return {"path": "data", "batch_size": 97}
