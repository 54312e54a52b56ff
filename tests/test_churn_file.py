"""Churn from a billing/CRM customers file (``[churn]``, #13.1), through the real CLI."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from deskmetrics.cli import cli

CUSTOMERS_A = """id,name,created_at,email,external_id
a1,Ann,2025-01-01T00:00:00Z,Ann@Example.com,X-1
a2,Bob,2025-01-01T00:00:00Z,bob@example.com,X-2
a3,Cy,2025-01-01T00:00:00Z,,X-3
"""
CUSTOMERS_B = """id,name,created_at,email,external_id
b1,Ann too,2025-02-01T00:00:00Z,ann@example.COM,Y-1
b2,Dee,2025-02-01T00:00:00Z,dee@example.com,Y-2
"""
SUBSCRIPTIONS = """customer_email,plan,ended_on
ann@example.com,pro,2026-01-07
bob@example.com,pro,
bob@example.com,basic,2025-12-01
ghost@example.com,pro,2026-01-02
"""


def project(tmp_path: Path, churn: str, subscriptions: str = SUBSCRIPTIONS) -> Path:
    for name, customers in (("a", CUSTOMERS_A), ("b", CUSTOMERS_B)):
        folder = tmp_path / name
        folder.mkdir(parents=True)
        (folder / "customers.csv").write_text(customers, encoding="utf-8")
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "subscriptions.csv").write_text(subscriptions, encoding="utf-8")
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[database]\npath = "dm.db"\n\n[report]\ntimezone = "Europe/Paris"\n\n'
        f"[churn]\n{churn}\n\n"
        '[connections.desk_a]\nconnector = "csv"\npath = "a"\n\n'
        '[connections.desk_b]\nconnector = "csv"\npath = "b"\n',
        encoding="utf-8",
    )
    return config


BY_EMAIL = (
    'file = "billing/subscriptions.csv"\nkey_column = "customer_email"\ndate_column = "ended_on"'
)


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def churned(tmp_path: Path) -> dict[tuple[str, str], str | None]:
    with sqlite3.connect(tmp_path / "dm.db") as conn:
        rows = conn.execute("SELECT source, id, churned_at FROM customers").fetchall()
    return {(source, id): when for source, id, when in rows}


def test_sync_joins_the_file_to_every_connection_by_email(tmp_path: Path) -> None:
    config = project(tmp_path, BY_EMAIL)
    result = run(config, "sync", "--json")
    assert result.exit_code == 0, result.output
    # Midnight in the report's zone (Paris, UTC+1 in January), stored UTC.
    assert churned(tmp_path) == {
        ("desk_a", "a1"): "2026-01-06T23:00:00.000000Z",
        ("desk_a", "a2"): None,  # one subscription still running: not churned
        ("desk_a", "a3"): None,
        ("desk_b", "b1"): "2026-01-06T23:00:00.000000Z",  # same person, other helpdesk
        ("desk_b", "b2"): None,
    }
    summary = json.loads(result.stdout)["churn"]
    assert summary["matched_customers"] == 3
    assert summary["churned_customers"] == 2
    assert summary["unmatched_customers"] == 2  # a3 (no e-mail) and b2
    assert summary["unmatched_rows"] == 1
    assert summary["unmatched_keys"] == ["ghost@example.com"]


def test_the_sync_summary_and_verify_say_what_matched_nobody(tmp_path: Path) -> None:
    config = project(tmp_path, BY_EMAIL)
    synced = run(config, "sync")
    assert "2 customers had no match, 1 file rows matched nobody" in synced.stderr
    verified = run(config, "verify", "--offline", "--json")
    finding = {f["check"]: f for f in json.loads(verified.output)["findings"]}["churn_file"]
    assert finding["status"] == "info"
    assert finding["count"] == 3
    assert finding["ids"] == ["ghost@example.com"]
    assert "2 customers had no match" in finding["detail"]


def test_a_resync_keeps_the_file_churn(tmp_path: Path) -> None:
    config = project(tmp_path, BY_EMAIL)
    assert run(config, "sync").exit_code == 0
    assert run(config, "sync", "--full-refresh").exit_code == 0
    assert churned(tmp_path)[("desk_a", "a1")] == "2026-01-06T23:00:00.000000Z"


def test_match_by_external_id_with_a_date_format(tmp_path: Path) -> None:
    subscriptions = "external_id,churn date\nX-2,31/12/2025 18:30\nY-2,\nZ-9,01/01/2026 00:00\n"
    churn = (
        'file = "billing/subscriptions.csv"\nmatch = "external_id"\n'
        'date_column = "churn date"\ndate_format = "%d/%m/%Y %H:%M"'
    )
    config = project(tmp_path, churn, subscriptions)
    result = run(config, "sync", "--json")
    assert result.exit_code == 0, result.output
    stored = churned(tmp_path)
    assert stored[("desk_a", "a2")] == "2025-12-31T17:30:00.000000Z"
    assert stored[("desk_b", "b2")] is None
    assert json.loads(result.stdout)["churn"]["unmatched_keys"] == ["Z-9"]


def test_the_report_counts_churn_from_the_file(tmp_path: Path) -> None:
    config = project(tmp_path, BY_EMAIL)
    assert run(config, "sync").exit_code == 0
    result = run(config, "report", "--from", "2026-01-05", "--to", "2026-01-12", "--format", "json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)["metrics"]
    # 5 customers active at the start; a1 and b1 churned on 7 January.
    assert metrics["customer_churn_rate"]["value"] == 40.0


def test_a_bad_row_names_file_line_and_column(tmp_path: Path) -> None:
    bad = "customer_email,ended_on\nann@example.com,2026-01-07\nbob@example.com,next week\n"
    config = project(tmp_path, BY_EMAIL, bad)
    where = tmp_path / "billing" / "subscriptions.csv"
    checked = run(config, "check")
    assert checked.exit_code == 2
    assert (
        f"churn.file: {where}: line 3: column 'ended_on': 'next week' is not an ISO date such as "
        "2026-01-31 (or set date_format)"
    ) in checked.stderr
    synced = run(config, "sync")
    assert synced.exit_code == 1
    assert "churn file: failed" in synced.stderr and "line 3" in synced.stderr
    assert "Traceback" not in synced.output
    # The connections' data is still stored, untouched by the bad file.
    assert churned(tmp_path)[("desk_a", "a1")] is None


def test_other_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    cases = {
        "customer_email,ended_on\nnot-an-address,2026-01-01\n": (
            "line 2: column 'customer_email': 'not-an-address' is not an e-mail"
        ),
        "customer_email,when\na@b.c,2026-01-01\n": (
            "line 1: no column 'ended_on' (found: customer_email, when)"
        ),
        "customer_email,ended_on\n,2026-01-01\n": "line 2: column 'customer_email': empty",
        "customer_email,ended_on\na@b.c,2026-01-01,extra\n": "line 2: more cells than the header",
    }
    for number, (text, expected) in enumerate(cases.items()):
        config = project(tmp_path / str(number), BY_EMAIL, text)
        result = run(config, "check")
        assert result.exit_code == 2, text
        assert expected in result.stderr, result.stderr


def test_a_missing_file_and_bad_keys_are_config_errors(tmp_path: Path) -> None:
    config = project(tmp_path, 'file = "billing/none.csv"')
    assert "cannot read the churn file" in run(config, "check").stderr
    wrong = project(tmp_path / "w", 'file = "x.csv"\nmatch = "phone"\ndat_format = "%d"')
    result = run(wrong, "check")
    assert result.exit_code == 2
    assert 'churn.match: must be "email" or "external_id"' in result.stderr
    assert "churn.dat_format" in result.stderr


def test_the_report_notes_what_matched_nobody(tmp_path: Path) -> None:
    config = project(tmp_path, BY_EMAIL)
    assert run(config, "sync").exit_code == 0
    result = run(config, "report", "--from", "2026-01-05", "--to", "2026-01-12", "--format", "json")
    notes = json.loads(result.stdout)["notes"]
    assert notes == [
        f"customer retention and churn: churn file {tmp_path / 'billing' / 'subscriptions.csv'}: "
        "3 customers matched (2 churned), 2 customers had no match, 1 file rows matched nobody"
    ]
