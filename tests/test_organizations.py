"""Organizations are stored like agents and groups, and breakdowns show their names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import deskmetrics
from deskmetrics.config.loading import parse_config
from deskmetrics.report import build_report


def test_breakdown_by_organization_uses_stored_names(tmp_path: Path) -> None:
    created = datetime(2026, 1, 6, 10, tzinfo=UTC)
    with deskmetrics.Store(tmp_path / "d.db") as store:
        store.write(
            [
                deskmetrics.Organization(id="o1", name="Acme Corp", domain="acme.example"),
                *(
                    deskmetrics.Ticket(id=f"a{i}", created_at=created, organization_id="o1")
                    for i in range(3)
                ),
                deskmetrics.Ticket(id="b1", created_at=created, organization_id="o2"),
                deskmetrics.Ticket(id="c1", created_at=created),
            ],
            source="desk",
        )
        assert store.count("organizations") == 1
        report = build_report(
            store,
            parse_config({}, None).report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 12),
            as_of=datetime(2026, 2, 1, tzinfo=UTC),
            by=["organization"],
        )
    volume = {
        entry.label: entry.metrics["ticket_volume"].value
        for entry in report.breakdowns["organization"]
    }
    # A known organization by name, an unknown id as itself, no organization as "(none)".
    assert volume == {"Acme Corp": 3, "o2": 1, "(none)": 1}
