"""Writes docs/cli.md from the commands' own ``--help``; a test keeps the file in sync.

python -m deskmetrics.cli.reference > docs/cli.md
"""

from __future__ import annotations

import click

INTRO = """\
# Command-line reference

Generated from `deskmetrics --help`; `tests/test_cli_reference.py` fails when it is out of
date and says how to regenerate it. Commands added by installed plugins
are listed by `deskmetrics --help` but not here.
"""


def _sections(command: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    ctx = click.Context(
        command, info_name=path[-1], parent=parent, terminal_width=100, max_content_width=100
    )
    title = " ".join(path)
    sections = [f"## `{title}`\n\n```\n{command.get_help(ctx)}\n```\n"]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                sections += _sections(sub, [*path, name], ctx)
    return sections


def cli_reference(cli: click.Group) -> str:
    return "\n".join([INTRO, *_sections(cli, ["deskmetrics"], None)])


if __name__ == "__main__":
    from deskmetrics.cli import cli

    click.echo(cli_reference(cli), nl=False)
