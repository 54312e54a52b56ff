"""httpx's transport on the standard library's ``http.client``: a quarter of the CPU per response.

httpx's default transport (httpcore + h11) reads a response in 64 KiB pieces, each parsed and
copied through h11's buffer: a 2.3 MB Zendesk export page of 1,000 tickets costs ~3.5 ms of CPU
to receive, where ``http.client`` reads the same body in one ``read`` for ~0.9 ms. HTTP
connectors receive little else, so :class:`HttpClient` sends through this transport; httpx
still does everything above the transport (auth, redirects, params, decoding gzip).

What the default transport did and this one keeps:

- keep-alive: one idle connection per host is reused (one per thread when threads overlap);
  a request on a connection the server closed meanwhile is sent once more on a new one,
  before anything of the answer was read;
- errors: timeouts, refused connections and broken answers raise httpx's exceptions
  (``ConnectTimeout``, ``ReadTimeout``, ``ConnectError``, ``RemoteProtocolError``...);
- TLS: httpx's default context (certifi, ``SSL_CERT_FILE``), created on the first https request.

Proxies come from the environment in httpx's default transport only: :func:`plain_transport`
returns None when one is configured, and the client keeps httpx's own. And tests mock HTTP by
patching httpx's transport or httpcore's pool (respx, pytest-httpx): while either is patched,
requests go through httpx's own transport, so those mocks see them as before.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import urllib.request
from typing import Any

import httpcore
import httpx

_Key = tuple[str, str, int]


class PlainTransport(httpx.BaseTransport):
    """HTTP/1.1 over ``http.client`` connections kept per (scheme, host, port)."""

    def __init__(self) -> None:
        self._idle: dict[_Key, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._httpx: httpx.HTTPTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if _mocked():
            if self._httpx is None:
                self._httpx = httpx.HTTPTransport()
            return self._httpx.handle_request(request)
        url = request.url
        if url.scheme not in ("http", "https") or "transfer-encoding" in request.headers:
            raise httpx.UnsupportedProtocol(
                f"the plain transport sends http(s) with a known length, not {url}",
                request=request,
            )
        port = url.port or (443 if url.scheme == "https" else 80)
        key = (url.scheme, url.host, port)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        body = request.read()
        connection, reused = self._connection(key, timeouts.get("connect"))
        try:
            answer = self._exchange(connection, request, body, timeouts)
        except _Stale:
            connection.close()
            if not reused:
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without answering", request=request
                ) from None
            connection, _ = self._new(key, timeouts.get("connect")), False
            try:
                answer = self._exchange(connection, request, body, timeouts)
            except _Stale:
                connection.close()
                raise httpx.RemoteProtocolError(
                    "the server closed the connection without answering", request=request
                ) from None
            except BaseException:
                connection.close()
                raise
        except BaseException:
            connection.close()
            raise
        status, reason, headers, content, keep = answer
        if keep:
            with self._lock:
                self._idle.setdefault(key, []).append(connection)
        else:
            connection.close()
        return httpx.Response(
            status,
            headers=headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": reason.encode("latin-1")},
        )

    def _connection(
        self, key: _Key, connect_timeout: float | None
    ) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop(), True
        return self._new(key, connect_timeout), False

    def _new(self, key: _Key, connect_timeout: float | None) -> http.client.HTTPConnection:
        scheme, host, port = key
        if scheme == "https":
            if self._tls is None:
                self._tls = httpx.create_ssl_context()
            return http.client.HTTPSConnection(
                host, port, timeout=connect_timeout, context=self._tls
            )
        return http.client.HTTPConnection(host, port, timeout=connect_timeout)

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        request: httpx.Request,
        body: bytes,
        timeouts: dict[str, float | None],
    ) -> tuple[int, str, list[tuple[str, str]], bytes, bool]:
        """(status, reason, headers, body, whether the connection stays open)."""
        if connection.sock is None:
            _connect(connection, request)
        sock: socket.socket = connection.sock  # type: ignore[assignment]
        sock.settimeout(timeouts.get("write"))
        try:
            connection.putrequest(
                request.method,
                request.url.raw_path.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers.raw:
                connection.putheader(name, value)
            connection.endheaders(body or None)
        except TimeoutError:
            raise httpx.WriteTimeout("timed out sending the request", request=request) from None
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            raise _Stale() from None
        except OSError as exc:
            raise httpx.WriteError(str(exc), request=request) from None
        sock.settimeout(timeouts.get("read"))
        try:
            response = connection.getresponse()
        except TimeoutError:
            raise httpx.ReadTimeout("timed out waiting for the answer", request=request) from None
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            raise _Stale() from None  # nothing of an answer came: the connection was stale
        except http.client.HTTPException as exc:
            raise httpx.RemoteProtocolError(_describe(exc), request=request) from None
        except OSError as exc:
            raise httpx.ReadError(str(exc), request=request) from None
        try:
            content = response.read()
        except TimeoutError:
            raise httpx.ReadTimeout("timed out reading the answer", request=request) from None
        except http.client.HTTPException as exc:
            raise httpx.RemoteProtocolError(_describe(exc), request=request) from None
        except OSError as exc:
            raise httpx.ReadError(str(exc), request=request) from None
        keep = not response.will_close and connection.sock is not None
        return response.status, response.reason, response.getheaders(), content, keep

    def close(self) -> None:
        if self._httpx is not None:
            self._httpx.close()
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()


def _mocked() -> bool:
    """Whether a test library patched httpx's transport or httpcore's pool."""
    return (
        httpx.HTTPTransport.handle_request.__module__ != "httpx._transports.default"
        or httpcore.ConnectionPool.handle_request.__module__ != "httpcore._sync.connection_pool"
    )


class _Stale(Exception):
    """The connection broke before any of the answer was read."""


def _connect(connection: http.client.HTTPConnection, request: httpx.Request) -> None:
    try:
        connection.connect()
    except TimeoutError:
        raise httpx.ConnectTimeout("timed out connecting", request=request) from None
    except ssl.SSLError as exc:
        raise httpx.ConnectError(f"TLS: {exc}", request=request) from None
    except OSError as exc:
        raise httpx.ConnectError(str(exc), request=request) from None


def _describe(exc: http.client.HTTPException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def plain_transport() -> PlainTransport | None:
    """The transport for a new client; None when the environment names a proxy (httpx's own
    transport honours it)."""
    proxies: dict[str, Any] = urllib.request.getproxies()
    if any(name in proxies for name in ("http", "https", "all")):
        return None
    return PlainTransport()
