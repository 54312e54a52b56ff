"""Hostile helpdesks (issue #17 items 5, 6): secrets never leak, dead hosts fail fast."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner

import deskmetrics
from deskmetrics.cli import cli
from deskmetrics.connect.http_client import HttpClient, HttpError
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics_freshdesk.connector import FreshdeskConnector
from deskmetrics_freshdesk.options import FreshdeskOptions
from deskmetrics_zendesk.connector import ZendeskConnector
from deskmetrics_zendesk.options import ZendeskOptions
from subprocess_env import DESKMETRICS_BIN, clean_env

EMAIL = "ann@example.com"
TOKEN = "zdTOKEN+with/odd=chars9"  # pragma: allowlist secret
KEY = "fdKEY/7+q=Zr4"  # pragma: allowlist secret


def forbidden() -> dict[str, str]:
    """Each form a credential could leak in, by what it is."""
    forms: dict[str, str] = {}
    for name, secret, credential in (
        ("zendesk", TOKEN, f"{EMAIL}/token:{TOKEN}"),
        ("freshdesk", KEY, f"{KEY}:X"),
    ):
        b64 = base64.b64encode(credential.encode()).decode()
        forms |= {
            f"{name} raw": secret,
            f"{name} url-encoded": quote(secret, safe=""),
            f"{name} base64": b64.rstrip("="),
            f"{name} base64 url-encoded": quote(b64, safe=""),
        }
    return forms


class Echo(BaseHTTPRequestHandler):
    """Answers every request 400 with the request's headers in the body, in several encodings:
    what a misconfigured proxy or a chatty API error page does."""

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        scheme, _, credential = auth.partition(" ")
        decoded = base64.b64decode(credential).decode() if scheme == "Basic" else ""
        body = (
            f"bad request; you sent Authorization: {auth} | decoded: {decoded} | "
            f"url-encoded: {quote(auth, safe='')} | "
            + json.dumps({"headers": dict(self.headers.items())})
        ).encode()
        self.send_response(400)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_config(root: Path, zendesk_url: str, freshdesk_url: str) -> Path:
    config = root / "deskmetrics.toml"
    config.write_text(
        f"""\
[database]
path = "d.db"

[connections.zd]
connector = "zendesk"
base_url = "{zendesk_url}"
email = "{EMAIL}"
api_token = "${{ZD_TOKEN}}"
timeout = 3

[connections.fd]
connector = "freshdesk"
base_url = "{freshdesk_url}"
api_key = "${{FD_KEY}}"
timeout = 3
""",
        encoding="utf-8",
    )
    return config


def test_no_form_of_a_credential_leaks_from_an_echoing_server(
    tmp_path: Path, echo_url: str
) -> None:
    config = write_config(tmp_path, echo_url, echo_url)
    runner = CliRunner()
    env = {"ZD_TOKEN": TOKEN, "FD_KEY": KEY, "NO_COLOR": "1", "COLUMNS": "200"}
    outputs: dict[str, str] = {}
    for args in (["check"], ["check", "--json"], ["sync"], ["sync", "--json"], ["status"],
                 ["status", "--json"]):  # fmt: skip
        result = runner.invoke(cli, ["--config", str(config), *args], env=env)
        outputs[" ".join(args)] = result.output
        assert "Traceback" not in result.output
    # The server's echo did reach every message, with the credentials masked.
    for command in ("check", "check --json", "sync", "sync --json", "status --json"):
        assert "you sent Authorization: ***" in outputs[command], command
    assert "decoded: ***" in outputs["sync"]
    stored = (tmp_path / "d.db").read_bytes()
    for extra in (tmp_path / "d.db-wal",):
        stored += extra.read_bytes() if extra.exists() else b""
    assert b"you sent Authorization: ***" in stored
    leaks = [
        (what, where)
        for what, form in forbidden().items()
        for where, text in [*outputs.items(), ("d.db", stored.decode("utf-8", "replace"))]
        if form in text
    ]
    assert leaks == []


def test_credentials_the_client_sends_are_scrubbed_before_the_body_is_cut() -> None:
    """A long body cut at 200 characters through the header must not leave its start."""
    credential = base64.b64encode(f"{KEY}:X".encode()).decode()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text="x" * 180 + request.headers["authorization"])

    client = HttpClient("https://h.example", auth=(KEY, "X"), transport=httpx.MockTransport(answer))
    with pytest.raises(HttpError) as caught:
        client.get("/x")
    assert str(caught.value) == "GET /x: 400 Bad Request: " + "x" * 180 + "***"
    assert credential[:10] not in str(caught.value)


def test_a_bearer_token_the_client_sent_is_scrubbed_in_every_form() -> None:
    """A token the auth adds itself (an OAuth refresh) is known only from the request sent."""
    token = "oauth/REFRESHED+token=="  # pragma: allowlist secret

    class Bearer(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def answer(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"]
        return httpx.Response(400, text=f"{sent} | {quote(token, safe='')} | {json.dumps(token)}")

    client = HttpClient("https://h.example", auth=Bearer(), transport=httpx.MockTransport(answer))
    with pytest.raises(HttpError) as caught:
        client.get("/x")
    # The first error is scrubbed with what that very request sent.
    assert str(caught.value) == 'GET /x: 400 Bad Request: *** | *** | "***"'


# -- item 6: a dead or failing helpdesk fails fast --------------------------------------------


def failing(clock: FakeClock, *, status: int | None, timeout: float = 3) -> httpx.MockTransport:
    """A transport answering ``status``, or (None) refusing the connection after ``timeout``."""
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if status is None:
            clock.now += timeout  # the connect timeout passing
            raise httpx.ConnectTimeout("no answer", request=request)
        return httpx.Response(status)

    transport = httpx.MockTransport(handle)
    transport.calls = calls  # type: ignore[attr-defined]
    return transport


@pytest.mark.parametrize(
    ("status", "attempts", "seconds", "reason"),
    [
        (
            500,
            4,
            7.0,
            "500 Internal Server Error",
        ),  # waits 1 + 2 + 4; the next, 8, would end past 10 s
        (None, 3, 12.0, "timed out"),  # 3 s timeouts and waits 1 + 2; a fourth would start at 12 s
    ],
)
def test_retries_of_one_request_stop_at_its_deadline(
    status: int | None, attempts: int, seconds: float, reason: str
) -> None:
    clock = FakeClock()
    transport = failing(clock, status=status)
    client = HttpClient(
        "https://h.example", timeout=3, transport=transport, clock=clock.clock, sleep=clock.sleep
    )
    assert client.deadline == 10.0  # max(3 × timeout, 10 s)
    start = clock.now
    with pytest.raises(HttpError) as caught:
        client.get("/x")
    assert str(caught.value) == (
        f"GET /x: gave up after {attempts} attempts ({reason}) over {seconds:.1f} s"
    )
    assert (caught.value.attempts, clock.now - start) == (attempts, seconds)
    # The host never answered well: nothing more is sent.
    assert (
        client.down
        == f"h.example {'answered only errors' if status else 'did not answer'} ("
        + (f"{reason}; {attempts} attempts over {seconds:.1f} s)")
    )
    with pytest.raises(HttpError, match=r"^GET /y: not sent: h\.example "):
        client.get("/y")
    assert len(transport.calls) == attempts  # type: ignore[attr-defined]


def test_a_failing_streak_stops_a_stream_that_catches_and_retries() -> None:
    """Requests failing one after another (a connector halving its page on each timeout) stop
    once the failures have lasted twice the deadline, even though each request is new."""
    clock = FakeClock()
    ok = [True]

    def handle(request: httpx.Request) -> httpx.Response:
        if ok[0]:
            ok[0] = False
            return httpx.Response(200, json={})
        clock.now += 3
        raise httpx.ReadTimeout("slow", request=request)

    client = HttpClient(
        "https://h.example", timeout=3, transport=httpx.MockTransport(handle),
        clock=clock.clock, sleep=clock.sleep,
    )  # fmt: skip
    client.get_json("/ok")
    errors = []
    for _ in range(10):
        try:
            client.get("/slow")
        except HttpError as exc:
            errors.append(exc.attempts)
    # The first request stops at 12 s (see above); the second after its attempt at 16-19 s,
    # since a retry at 21 s is past 20 s of failing; every later one gets its one attempt only.
    assert errors == [3, 2, 1, 1, 1, 1, 1, 1, 1, 1]
    assert client.down is None  # the host did answer once: not "down"


def zendesk(clock: FakeClock, transport: httpx.MockTransport) -> ZendeskConnector:
    options = ZendeskOptions.model_validate(
        {"base_url": "https://z.example", "email": EMAIL, "api_token": TOKEN, "timeout": 3}
    )
    return ZendeskConnector(options, connection="zd", runtime=clock.runtime(transport))


def freshdesk(clock: FakeClock, transport: httpx.MockTransport) -> FreshdeskConnector:
    options = FreshdeskOptions.model_validate(
        {"base_url": "https://f.example", "api_key": KEY, "timeout": 3}
    )
    return FreshdeskConnector(options, connection="fd", runtime=clock.runtime(transport))


@pytest.mark.parametrize("make", [zendesk, freshdesk])
@pytest.mark.parametrize("status", [500, None, 401])
def test_a_dead_host_or_refused_credentials_stop_the_other_streams(
    tmp_path: Path, make: object, status: int | None
) -> None:
    clock = FakeClock()
    transport = failing(clock, status=status)
    connector = make(clock, transport)  # type: ignore[operator]
    with deskmetrics.Store(tmp_path / "d.db") as store:
        result = sync_connector(store, connector)
        runs = {run.stream: run for run in store.runs(connector.connection)}
    first, *others = result.streams
    assert first.status == "failed" and others
    assert all(s.status == "failed" for s in others)
    host = "z.example" if make is zendesk else "f.example"
    why = {
        500: f"{host} answered only errors (500 Internal Server Error; 4 attempts over 7.0 s)",
        None: f"{host} did not answer (timed out; 3 attempts over 12.0 s)",
        401: f"{host} refused the credentials (401 Unauthorized)",
    }[status]
    assert {s.error for s in others} == {f"not tried: {first.stream} found that {why}"}
    assert runs[others[-1].stream].error == f"not tried: {first.stream} found that {why}"
    # Only the first stream's request was sent (the 401 is not retried).
    assert len(transport.calls) == {500: 4, None: 3, 401: 1}[status]  # type: ignore[attr-defined]
    assert clock.now - FakeClock.START <= 12.0


@pytest.mark.parametrize("make", [zendesk, freshdesk])
def test_check_makes_one_attempt(make: object) -> None:
    clock = FakeClock()
    transport = failing(clock, status=503)
    connector = make(clock, transport)  # type: ignore[operator]
    with pytest.raises(
        HttpError, match=r"gave up after 1 attempt \(503 Service Unavailable\) over 0\.0 s"
    ):
        connector.check()
    assert len(transport.calls) == 1  # type: ignore[attr-defined]
    assert clock.sleeps == []
    # Syncing after the check retries again as usual.
    assert all(not client.one_attempt for client in connector._clients)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_host_fails_the_whole_connection_in_seconds(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    config = write_config(tmp_path, url, url)
    env = clean_env(ZD_TOKEN=TOKEN, FD_KEY=KEY)
    # The bound: without deadlines this took about 31 s per stream (186 s for Zendesk alone).
    result = subprocess.run(
        [str(DESKMETRICS_BIN), "--config", str(config), "sync", "zd", "--json"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    streams = summary["connections"][0]["streams"]
    first, *others = streams
    assert "gave up after 4 attempts (network error: ConnectError) over 7." in first["error"]
    assert {s["error"].split(" found that ")[0] for s in others} == {
        f"not tried: {first['stream']}"
    }
    check = subprocess.run(
        [str(DESKMETRICS_BIN), "--config", str(config), "check", "zd"],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip
    assert check.returncode == 1
    assert "gave up after 1 attempt (network error: ConnectError)" in check.stdout + check.stderr
