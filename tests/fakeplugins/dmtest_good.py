"""A well-behaved plugin providing two connectors and a command."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import click

import deskmetrics


class AlphaConnector(deskmetrics.Connector):
    name = "dmtest-alpha"
    streams = ("tickets",)

    def read(self, stream: str, state: dict | None) -> Iterator[deskmetrics.Batch]:
        yield deskmetrics.Batch([], state={"done": True})


class BetaConnector(AlphaConnector):
    name = "dmtest-beta"


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(AlphaConnector)
    register(BetaConnector)


@deskmetrics.hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command("dmtest-hello")
    @click.argument("who", default="world")
    def hello(who: str) -> None:
        """Say hello (a command added by a plugin)."""
        click.echo(f"hello {who} from dmtest-good")


@deskmetrics.hookimpl(optionalhook=True)
def other_host_hook() -> None:
    """A hook of some other host, marked optional: deskmetrics accepts the plugin all the same."""
