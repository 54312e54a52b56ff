"""CSAT and NPS count answers by their answer time, the response rate offers by their offer time
(#13.4), each falling back to ``created_at``; through a CSV folder and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from deskmetrics.cli import cli

# Week of 5-12 January 2026. Zendesk-like rows are created when offered, CSV/Freshdesk-like
# rows when answered; rows without offered_at/answered_at fall back to created_at.
SURVEYS = """id,kind,score,created_at,offered_at,answered_at
s1,csat,5,2026-01-03T09:00:00Z,2026-01-03T09:00:00Z,2026-01-06T10:00:00Z
s2,csat,1,2026-01-06T09:00:00Z,2026-01-06T09:00:00Z,2026-01-14T10:00:00Z
s3,csat,,2026-01-07T09:00:00Z,2026-01-07T09:00:00Z,
s4,csat,2,2026-01-08T09:00:00Z,,
s5,csat,5,2026-01-06T12:00:00Z,2026-01-02T12:00:00Z,2026-01-06T12:00:00Z
n1,nps,10,2026-01-01T09:00:00Z,2026-01-01T09:00:00Z,2026-01-09T10:00:00Z
n2,nps,0,2026-01-09T09:00:00Z,2026-01-09T09:00:00Z,2026-01-20T10:00:00Z
"""


def report(tmp_path: Path, surveys: str = SURVEYS) -> dict[str, object]:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "surveys.csv").write_text(surveys, encoding="utf-8")
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[database]\npath = "dm.db"\n\n[report]\nmin_sample = 1\n\n'
        '[connections.desk]\nconnector = "csv"\npath = "data"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    synced = runner.invoke(cli, ["--config", str(config), "sync"])
    assert synced.exit_code == 0, synced.output
    result = runner.invoke(cli, ["--config", str(config), "report", "--from", "2026-01-05",
                                 "--to", "2026-01-12", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    metrics: dict[str, object] = json.loads(result.stdout)["metrics"]
    return metrics


def value(metrics: dict[str, object], metric: str) -> object:
    found = metrics[metric]
    assert isinstance(found, dict)
    return found["value"]


def count(metrics: dict[str, object], metric: str) -> object:
    found = metrics[metric]
    assert isinstance(found, dict)
    return found["n"]


def test_answers_count_in_the_week_they_were_answered(tmp_path: Path) -> None:
    metrics = report(tmp_path)
    # Answered in the week: s1 (5, offered before it), s4 (2, by created_at), s5 (5); not s2
    # (answered on the 14th). By created_at it would have been s2, s4, s5: 1 of 3.
    assert value(metrics, "csat") == pytest.approx(200 / 3)
    # n1 answered on the 9th counts, n2 answered on the 20th does not: one promoter of one.
    assert value(metrics, "nps") == 100.0
    assert (count(metrics, "csat"), count(metrics, "nps")) == (3, 1)


def test_offers_count_in_the_week_they_were_offered(tmp_path: Path) -> None:
    metrics = report(tmp_path)
    # Offered in the week: s2 (answered later, still an answer), s3 (not answered), s4 (by
    # created_at); not s1 nor s5 (offered on the 3rd and 2nd). By created_at: 3 of 4.
    assert value(metrics, "csat_response_rate") == pytest.approx(200 / 3)
    assert count(metrics, "csat_response_rate") == 3


def test_without_offer_and_answer_times_created_at_decides(tmp_path: Path) -> None:
    plain = (
        "id,kind,score,created_at\na,csat,5,2026-01-06T00:00:00Z\nb,csat,,2026-01-07T00:00:00Z\n"
    )
    plain += "c,csat,1,2026-01-04T00:00:00Z\n"
    metrics = report(tmp_path, plain)
    assert value(metrics, "csat") == 100.0
    assert value(metrics, "csat_response_rate") == 50.0
