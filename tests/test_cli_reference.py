"""docs/cli.md is generated from the commands' --help and must not drift from it."""

from __future__ import annotations

from pathlib import Path

import click

from deskmetrics.cli import cli
from deskmetrics.cli.reference import cli_reference

DOC = Path(__file__).parent.parent / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    expected = cli_reference(cli)
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: python -m deskmetrics.cli.reference > docs/cli.md"
    )


def test_every_command_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in cli.list_commands(click.Context(cli)):  # every built-in, imported or not
        assert f"## `deskmetrics {name}`" in text
    assert "## `deskmetrics state reset`" in text
