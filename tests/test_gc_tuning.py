"""Bulk phases collect garbage less often, and leave the collector as they found it."""

from __future__ import annotations

import gc
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deskmetrics import Metric, MetricValue, Scope, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.gc_tuning import YOUNG_THRESHOLD, bulk_allocations


def test_bulk_allocations_restore_the_settings_even_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_allocations():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
        raise RuntimeError("stop")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_report_is_computed_with_fewer_collections(tmp_path: Path) -> None:
    seen: list[tuple[int, ...]] = []

    def probe(scope: Scope) -> dict[tuple[str | None, ...], MetricValue]:
        seen.append(gc.get_threshold())
        return {}

    before = gc.get_threshold()
    with Store(tmp_path / "x.db") as store:
        store.write([Ticket(id="1", created_at=datetime(2026, 1, 6, tzinfo=UTC))], source="s")
        build_report(
            store,
            parse_config({}, None).report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 12),
            metrics={"probe": Metric(id="probe", label="Probe", unit="count", compute=probe)},
        )
    assert seen == [(YOUNG_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before
