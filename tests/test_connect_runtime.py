"""A Runtime gives a connector its clock, sleeps, transport and budgets; secrets come from types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import httpx

import deskmetrics
from deskmetrics.testing import FakeClock


class ApiOptions(deskmetrics.ConnectorOptions):
    base_url: str
    token: deskmetrics.Secret
    refresh: deskmetrics.Secret | None = None
    per_page: int = 100


class Api(deskmetrics.Connector):
    name: ClassVar[str] = "api"
    Options: ClassVar[type[ApiOptions]] = ApiOptions
    options: ApiOptions

    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        yield deskmetrics.Batch([])


def test_secret_fields_are_the_fields_typed_secret() -> None:
    assert deskmetrics.secret_fields(ApiOptions) == ("token", "refresh")
    assert deskmetrics.secret_fields(deskmetrics.ConnectorOptions) == ()


def test_http_client_uses_the_runtime_transport_clock_and_scrubs_secrets() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if len(seen) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(403, text="token t0ps3cret is not allowed")

    clock = FakeClock()
    options = ApiOptions(base_url="https://api.example.com", token="t0ps3cret")
    api = Api(options, connection="c", runtime=clock.runtime(httpx.MockTransport(answer)))
    client = api.http_client(options.base_url, account="api:example")
    try:
        client.get("/tickets")
    except deskmetrics.HttpError as exc:
        assert exc.status == 403
        assert "t0ps3cret" not in str(exc)
    else:
        raise AssertionError("a 403 must raise")
    finally:
        client.close()
    assert seen == ["https://api.example.com/tickets"] * 2
    assert clock.sleeps == [7.0]  # waited on the fake clock, not for real
    assert clock.now == FakeClock.START + 7.0


def test_connectors_of_one_runtime_share_an_account_budget() -> None:
    runtime = FakeClock().runtime()
    assert runtime.budget("api:a") is runtime.budget("api:a")
    assert runtime.budget("api:a") is not runtime.budget("api:b")
    # The default runtime uses the process-wide budgets.
    assert deskmetrics.Runtime().budget("api:a") is deskmetrics.budget_for("api:a")


def test_secret_values_include_their_url_encoded_forms() -> None:
    from deskmetrics.connect.secrets import secret_values

    options = ApiOptions(base_url="https://x", token="a+b/c=")
    assert secret_values(options) == ["a+b/c=", "a%2Bb%2Fc%3D"]
