"""Customer retention and churn (spec §6) over the week 2026-01-05 … 2026-01-12."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deskmetrics import Customer, Store, build_report
from deskmetrics.config.loading import parse_config


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def customer(id: str, created: str, churned: str | None = None) -> Customer:
    return Customer(id=id, created_at=at(created), churned_at=at(churned) if churned else None)


def test_retention_and_churn(tmp_path: Path) -> None:
    customers = [
        customer("k1", "2025-01-01 00:00"),  # active throughout: retained
        customer("k2", "2025-06-01 00:00", "2026-01-08 00:00"),  # lost
        customer("k3", "2026-01-05 00:00", "2026-01-12 00:00"),  # active at start; churn at end
        customer("k4", "2026-01-06 00:00", "2026-01-09 00:00"),  # new and lost: neither
        customer("k5", "2025-01-01 00:00", "2026-01-05 00:00"),  # churned at the start instant
        customer("k6", "2025-01-01 00:00", "2026-01-04 00:00"),
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(customers, source="s")
        config = parse_config({}, None)
        report = build_report(
            store, config.report_settings(), start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=at("2026-01-12 00:00"),
        ).to_dict()  # fmt: skip
    retention = report["metrics"]["customer_retention_rate"]
    churn = report["metrics"]["customer_churn_rate"]
    assert (retention["n"], churn["n"]) == (3, 3)
    assert retention["value"] == pytest.approx(200 / 3)
    assert churn["value"] == pytest.approx(100 / 3)
    assert retention["value"] + churn["value"] == pytest.approx(100)
    assert retention["low_sample"] is True  # default minimum sample 30
    # The two intervals mirror each other.
    assert retention["ci_low"] == pytest.approx(100 - churn["ci_high"])
