"""Local HTTP servers for the tests: real sockets on 127.0.0.1, one port per "host".

Nothing here talks to the internet. A safety net refuses DNS for any name but loopback ones,
so a test that would leak a lookup fails instead.
"""

from __future__ import annotations

import mimetypes
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scraper import ScrapeConfig

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    """One request the server received."""

    path: str
    start: float
    end: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (caps, timeouts) are the point of several tests


class Server:
    """A real HTTP server on 127.0.0.1 serving routes from a table (and 404 for the rest)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hit = Hit(self.path, time.monotonic(), headers=dict(self.headers))
                with server._lock:
                    server.hits.append(hit)
                try:
                    handler = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                    if handler is None:
                        send(self, 404, b"<html><body>not found</body></html>")
                    else:
                        handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    hit.end = time.monotonic()

        self.httpd = _QuietServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = lambda h: send(h, status, data, content_type, headers)

    def serve_dir(self, folder: Path, *, prefix: str = "/") -> None:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                rel = file.relative_to(folder).as_posix()
                ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                if ctype == "text/html":
                    ctype = "text/html"  # real servers often omit the charset: decode must cope
                self.add(prefix + rel, file.read_bytes(), content_type=ctype)
                if rel == "index.html":
                    self.add(prefix, file.read_bytes(), content_type=ctype)

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    """Start as many local servers (hosts) as a test needs; all are stopped afterwards."""
    servers: list[Server] = []

    def make(host: str = "127.0.0.1") -> Server:
        server = Server(host)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def server(make_server: Callable[..., Server]) -> Server:
    return make_server()


@pytest.fixture
def config() -> ScrapeConfig:
    """A fast configuration for loopback servers."""
    return ScrapeConfig(delay=0.0, timeout=3.0, deadline=5.0, retries=0, backoff=0.01, allow_private=True, min_words=5)


@pytest.fixture(autouse=True)
def _loopback_dns_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse DNS for anything but loopback names, so no test can reach out by accident."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in _LOOPBACK_NAMES or name.startswith("127."):
            return real(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"tests resolve loopback names only, not {name!r}")

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


def page_html(body: str, *, title: str = "Test page", extra_head: str = "") -> str:
    """A small HTML document with enough words to count as text."""
    return (
        f"<!doctype html><html><head><title>{title}</title>{extra_head}</head><body><main>{body}</main></body></html>"
    )


@pytest.fixture(scope="session", autouse=True)
def _model_cache(request: pytest.FixtureRequest) -> Iterator[Path]:
    """Point the default model's cache at pytest's cache folder (kept between runs, never ~/.cache)."""
    base = Path(request.config.cache.mkdir("stepcheck-xdg-cache"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(base))
        yield base


@pytest.fixture(scope="session")
def default_model(_model_cache: Path):  # type: ignore[no-untyped-def]
    """The bundled default model (built from the bundled corpus once, then cached)."""
    from classifier import load_model

    return load_model()


@dataclass
class Sent:
    """One request as the client made it: the URL and when it held the host's request slot."""

    url: str
    start: float
    end: float


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Sent]:
    """Record every request the scraper sends, timed on the client side.

    Politeness is a promise about when stepcheck sends; timing it at the server would add the
    loopback's own delays (a slow first connection on a busy machine) to the measurement.
    """
    from scraper.fetch import ScrapeSession

    records: list[Sent] = []
    original = ScrapeSession._request

    def timed(self, url, **kwargs):  # type: ignore[no-untyped-def]
        record = Sent(url, time.monotonic(), 0.0)
        try:
            return original(self, url, **kwargs)
        finally:
            record.end = time.monotonic()
            records.append(record)

    monkeypatch.setattr(ScrapeSession, "_request", timed)
    return records
