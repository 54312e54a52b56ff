"""HttpClient's default transport (http.client underneath) behaves as httpx's own did."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from deskmetrics.connect.http_client import HttpClient
from deskmetrics.connect.plain_transport import PlainTransport, plain_transport
from deskmetrics.testing import FakeRequest, FakeResponse, FakeServer


def echo(request: FakeRequest) -> FakeResponse:
    if request.path == "/gzip":
        body = gzip.compress(b'{"packed": true}')
        return FakeResponse(200, body, headers={"Content-Encoding": "gzip"})
    if request.path == "/slow":
        return FakeResponse(200, {"late": True}, delay=1.0)
    return FakeResponse(
        201 if request.method == "POST" else 200,
        {"path": request.path, "query": request.query, "body": request.body.decode()},
        headers={"X-RateLimit-Remaining": "41"},
    )


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(echo) as running:
        yield running


def test_requests_and_answers_pass_through_whole(server: FakeServer) -> None:
    transport = PlainTransport()
    with httpx.Client(base_url=server.url, transport=transport, auth=("me", "pw")) as client:
        answer = client.get("/items", params={"page[size]": 100, "q": "a b"})
        posted = client.post("/token", json={"grant": "x"})
        packed = client.get("/gzip")
    assert answer.status_code == 200 and answer.reason_phrase == "OK"
    assert answer.json() == {"path": "/items", "query": {"page[size]": ["100"], "q": ["a b"]},
                             "body": ""}  # fmt: skip
    assert answer.headers["x-ratelimit-remaining"] == "41"
    assert posted.status_code == 201 and posted.json()["body"] == '{"grant":"x"}'
    assert packed.json() == {"packed": True}  # httpx still decodes the content encoding
    first = server.requests[0]
    assert first.headers["authorization"].startswith("Basic ")
    assert first.headers["host"] == server.url.removeprefix("http://")
    assert server.requests[1].headers["content-type"] == "application/json"


def test_one_connection_is_kept_alive_for_a_host(server: FakeServer) -> None:
    transport = PlainTransport()
    with httpx.Client(base_url=server.url, transport=transport) as client:
        for _ in range(5):
            client.get("/x")
        idle = [c for cs in transport._idle.values() for c in cs]
        assert len(idle) == 1
        port = idle[0].sock.getsockname()[1]
        client.get("/x")
        assert transport._idle[next(iter(transport._idle))][0].sock.getsockname()[1] == port
    assert not transport._idle  # closed with the client


def test_timeouts_and_refusals_raise_httpx_errors(server: FakeServer) -> None:
    with httpx.Client(base_url=server.url, transport=PlainTransport(), timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("/slow")
        assert client.get("/x").status_code == 200  # a new connection after the broken one
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with httpx.Client(transport=PlainTransport()) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{port}/")


def one_answer_then_close(replies: list[bytes]) -> tuple[str, threading.Thread]:
    """A server answering each connection's first request, then closing it without a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        with listener:
            for reply in replies:
                connection, _ = listener.accept()
                with connection:
                    connection.recv(65536)
                    connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}", thread


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"


def test_a_connection_the_server_closed_meanwhile_is_replaced_once() -> None:
    url, thread = one_answer_then_close([OK, OK])
    with httpx.Client(base_url=url, transport=PlainTransport()) as client:
        assert client.get("/a").json() == {}
        thread.join(0.5)  # the first connection is closed by now, silently
        assert client.get("/b").json() == {}  # sent again on a new connection


def test_a_new_connection_closed_without_an_answer_is_a_protocol_error() -> None:
    url, _ = one_answer_then_close([b""])
    client = httpx.Client(base_url=url, transport=PlainTransport())
    with client, pytest.raises(httpx.RemoteProtocolError, match="without answering"):
        client.get("/a")


def test_a_garbled_answer_is_a_protocol_error() -> None:
    url, _ = one_answer_then_close([b"NOT HTTP AT ALL\r\n\r\n"])
    client = httpx.Client(base_url=url, transport=PlainTransport())
    with client, pytest.raises(httpx.RemoteProtocolError):
        client.get("/a")


def test_a_proxy_in_the_environment_keeps_httpx_own_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(plain_transport(), PlainTransport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert plain_transport() is None
    client = HttpClient("https://acme.zendesk.com")
    assert not isinstance(client.client._transport, PlainTransport)
    client.close()


@respx.mock
def test_mocks_of_httpx_still_see_the_clients_requests() -> None:
    route = respx.get("https://acme.test/api/x").mock(return_value=httpx.Response(200, json=[1]))
    client = HttpClient("https://acme.test")
    assert isinstance(client.client._transport, PlainTransport)
    assert client.get_json("/api/x") == [1]
    assert route.call_count == 1
    client.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (its own authority), and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_verifies_the_certificate_against_the_trusted_authorities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://localhost:{server.server_address[1]}/hello"
    try:
        # Unknown authority (certifi's bundle): refused, as httpx's own transport refuses it.
        refusing = httpx.Client(transport=PlainTransport())
        with refusing, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            refusing.get(url)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx's way to trust another CA
        with httpx.Client(transport=PlainTransport()) as client:
            assert client.get(url).json() == {"hello": "tls"}
            assert client.get(url).json() == {"hello": "tls"}  # on the kept connection
    finally:
        server.shutdown()
        server.server_close()


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"hello": "tls"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass
