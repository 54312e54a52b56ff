"""Retention and churn say "no churn source configured" instead of a silent 100 % (#13.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from deskmetrics import Customer, Filter, Organization, Record, Store, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.report.churn_source import NO_CHURN_SOURCE

START, END = date(2026, 1, 5), date(2026, 1, 12)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def report(tmp_path: Path, by_source: dict[str, list[Record]], **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        for source, records in by_source.items():
            store.write(records, source=source)
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        options = {"start": START, "end": END, "as_of": at("2026-01-12 00:00"), **options}
        return build_report(store, settings, **options).to_dict()


NEVER_CHURN = [Customer(id=f"k{n}", created_at=at("2025-01-01 00:00")) for n in range(3)]
ONE_CHURNS = [
    Customer(id="k1", created_at=at("2025-01-01 00:00")),
    Customer(id="k2", created_at=at("2025-01-01 00:00"), churned_at=at("2026-01-07 00:00")),
]


def test_customers_without_any_churn_time_get_the_note(tmp_path: Path) -> None:
    result = report(tmp_path, {"zd": NEVER_CHURN})
    assert result["metrics"]["customer_retention_rate"]["value"] == 100.0
    assert result["notes"] == [NO_CHURN_SOURCE]
    assert NO_CHURN_SOURCE.startswith("customer retention and churn: no churn source configured")


def test_a_churn_time_anywhere_means_a_source_exists(tmp_path: Path) -> None:
    result = report(tmp_path, {"billing": ONE_CHURNS})
    assert result["metrics"]["customer_churn_rate"]["value"] == 50.0
    assert "notes" not in result


def test_the_note_follows_the_report_sources(tmp_path: Path) -> None:
    stores = {"zd": NEVER_CHURN, "billing": ONE_CHURNS}
    assert "notes" not in report(tmp_path, stores)
    only_zendesk = report(tmp_path / "b", stores, filters=[Filter("source", "zd")])
    assert only_zendesk["notes"] == [NO_CHURN_SOURCE]


def test_no_customers_at_all_stays_a_null_value_without_a_note(tmp_path: Path) -> None:
    result = report(tmp_path, {"zd": []})
    assert result["metrics"]["customer_retention_rate"]["value"] is None
    assert "notes" not in result


def test_an_organization_churn_time_is_a_source_too(tmp_path: Path) -> None:
    acme = Organization(id="acme", churned_at=at("2026-01-07 00:00"))
    people = [c.model_copy(update={"organization_id": "acme"}) for c in NEVER_CHURN]
    result = report(tmp_path, {"zd": [acme, *people]})
    assert "notes" not in result
    assert result["metrics"]["customer_churn_rate"]["value"] == 100.0
