"""fetch_page against real local HTTP servers: every status, caps, retries, content handling."""

import gzip
import socket
import time

import pytest

from scraper import ScrapeSession, Status, fetch_page
from scraper.address import address_problem

from conftest import page_html, send

TEXT = "<p>" + " ".join(["Our counselors walk with every client through recovery."] * 3) + "</p>"


def test_ok_page_has_text_title_and_metadata(server, config):
    server.add("/", page_html(TEXT, title="Home"))
    page = fetch_page(server.url("/"), config=config)
    assert page.status is Status.OK and page.ok
    assert page.title == "Home" and "counselors walk" in page.text
    assert page.http_status == 200 and page.content_type.startswith("text/html")
    assert page.final_url == server.url("/") and page.error == ""
    assert page.fetched_at.tzinfo is not None


def test_user_agent_identifies_stepcheck(server, config):
    server.add("/", page_html(TEXT))
    fetch_page(server.url("/"), config=config)
    agents = {hit.headers.get("User-Agent", "") for hit in server.hits}
    assert agents and all(agent.startswith("stepcheck/") for agent in agents)


@pytest.mark.parametrize("url", ["", "example.org", "ftp://example.org/", "javascript:alert(1)", "http://", "::::"])
def test_bad_input_is_invalid_url_with_a_sentence(url, config):
    page = fetch_page(url, config=config)
    assert page.status is Status.INVALID_URL and len(page.error.split()) >= 3


def test_loopback_is_refused_by_default_without_any_request(server):
    server.add("/", page_html(TEXT))
    page = fetch_page(server.url("/"))
    assert page.status is Status.BLOCKED_ADDRESS and "loopback" in page.error
    assert server.hits == []


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("172.31.255.1", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"),
        ("127.0.0.5", "loopback"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("::ffff:192.168.1.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("100.64.1.1", "non-public"),
    ],
)
def test_address_check_refuses_non_public_ranges(address, reason):
    assert address_problem(address) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "172.32.0.1", "2606:4700:4700::1111"])
def test_address_check_allows_public_addresses(address):
    assert address_problem(address) is None


def test_name_resolving_to_private_address_is_refused_before_connecting(monkeypatch, config):
    """The DNS answer is faked; the refusal happens before any socket is opened."""
    opened = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))],
    )
    monkeypatch.setattr(socket.socket, "connect", lambda *a: opened.append(a))
    page = fetch_page("http://intranet.example/", config=config.replace(allow_private=False))
    assert page.status is Status.BLOCKED_ADDRESS and "10.0.0.7" in page.error
    assert opened == []


def test_redirect_to_a_refused_address_is_checked_on_the_hop(make_server, config, monkeypatch):
    """127.0.0.1 plays a public host and 127.0.0.2 a private one (both loopback)."""
    public, private = make_server("127.0.0.1"), make_server("127.0.0.2")
    private.add("/", page_html(TEXT))
    public.add("/", "", status=302, headers={"Location": private.url("/")})
    monkeypatch.setattr(
        "scraper.address.address_problem", lambda address: None if address == "127.0.0.1" else "private"
    )
    page = fetch_page(public.url("/"), config=config.replace(allow_private=False))
    assert page.status is Status.BLOCKED_ADDRESS and "127.0.0.2" in page.error
    assert private.hits == [] and public.paths() == ["/robots.txt", "/"]


def test_unresolvable_host_is_dns_error(config):
    page = fetch_page("http://no-such-host.invalid/", config=config)
    assert page.status is Status.DNS_ERROR and "does not resolve" in page.error


def test_closed_port_is_connection_error(config):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = fetch_page(f"http://127.0.0.1:{port}/", config=config)
    assert page.status is Status.CONNECTION_ERROR and "could not connect" in page.error


def test_silent_server_is_timeout(server, config):
    server.routes["/"] = lambda h: time.sleep(2)
    started = time.monotonic()
    page = fetch_page(server.url("/"), config=config.replace(timeout=0.4, respect_robots=False))
    assert page.status is Status.TIMEOUT
    assert time.monotonic() - started < 1.9


def test_deadline_bounds_a_trickling_server(server, config):
    def trickle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b"<p>word</p> ")
            h.wfile.flush()
            time.sleep(0.05)

    server.routes["/"] = trickle
    started = time.monotonic()
    page = fetch_page(server.url("/"), config=config.replace(timeout=2.0, deadline=0.6, respect_robots=False))
    assert page.status is Status.TIMEOUT and "deadline" in page.error
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("code", [403, 404, 410, 451])
def test_client_errors_are_http_error(server, config, code):
    server.add("/", "<p>nope</p>", status=code)
    page = fetch_page(server.url("/"), config=config)
    assert page.status is Status.HTTP_ERROR and page.http_status == code and str(code) in page.error


def flaky(responses):
    """A handler answering each request with the next (status, headers) pair, then 200 with text."""
    answers = iter(responses)

    def handle(h):
        status, headers = next(answers, (200, {}))
        if status == "drop":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        send(h, status, page_html(TEXT).encode() if status == 200 else b"busy", headers=headers)

    return handle


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(server, config, code):
    server.routes["/"] = flaky([(code, {}), (code, {})])
    page = fetch_page(server.url("/"), config=config.replace(retries=2, respect_robots=False))
    assert page.status is Status.OK and server.paths() == ["/"] * 3


def test_retries_run_out_into_http_error(server, config):
    server.routes["/"] = flaky([(503, {})] * 10)
    page = fetch_page(server.url("/"), config=config.replace(retries=2, respect_robots=False))
    assert page.status is Status.HTTP_ERROR and page.http_status == 503 and len(server.hits) == 3


def test_dropped_connections_are_retried(server, config):
    server.routes["/"] = flaky([("drop", {})])
    page = fetch_page(server.url("/"), config=config.replace(retries=1, respect_robots=False))
    assert page.status is Status.OK and len(server.hits) == 2


def test_backoff_grows_exponentially(server, config, sent):
    server.routes["/"] = flaky([(500, {}), (500, {})])
    fetch_page(server.url("/"), config=config.replace(retries=2, backoff=0.2, respect_robots=False))
    starts = [request.start for request in sent]
    assert len(starts) == 3 == len(server.hits)
    assert starts[1] - starts[0] >= 0.2 and starts[2] - starts[1] >= 0.4


def test_retry_after_is_honoured(server, config, sent):
    server.routes["/"] = flaky([(429, {"Retry-After": "1"})])
    fetch_page(server.url("/"), config=config.replace(retries=1, respect_robots=False))
    starts = [request.start for request in sent]
    assert starts[1] - starts[0] >= 1.0


def test_retry_after_is_capped(server, config):
    server.routes["/"] = flaky([(503, {"Retry-After": "3600"})])
    started = time.monotonic()
    page = fetch_page(server.url("/"), config=config.replace(retries=1, max_retry_after=0.2, respect_robots=False))
    assert page.ok and time.monotonic() - started < 2.0


def test_redirects_are_followed_and_recorded(server, config):
    server.add("/old", "", status=301, headers={"Location": "/new"})
    server.add("/new", page_html(TEXT))
    page = fetch_page(server.url("/old"), config=config)
    assert page.ok and page.url == server.url("/old") and page.final_url == server.url("/new")


def test_redirect_loop_is_too_many_redirects(server, config):
    server.add("/a", "", status=302, headers={"Location": "/b"})
    server.add("/b", "", status=302, headers={"Location": "/a"})
    page = fetch_page(server.url("/a"), config=config)
    assert page.status is Status.TOO_MANY_REDIRECTS and "loop" in page.error


def test_long_redirect_chain_is_too_many_redirects(server, config):
    for hop in range(10):
        server.add(f"/r{hop}", "", status=302, headers={"Location": f"/r{hop + 1}"})
    page = fetch_page(server.url("/r0"), config=config.replace(max_redirects=3))
    assert page.status is Status.TOO_MANY_REDIRECTS and "3 redirects" in page.error
    assert server.paths().count("/r4") == 0


def test_huge_body_is_too_large_without_reading_it_all(server, config):
    total = 50 * 1024 * 1024

    def endless(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        chunk = b"<p>" + b"word " * 2000 + b"</p>"
        sent = 0
        while sent < total:
            h.wfile.write(chunk)
            sent += len(chunk)

    server.routes["/"] = endless
    page = fetch_page(server.url("/"), config=config.replace(max_bytes=1_000_000, respect_robots=False))
    assert page.status is Status.TOO_LARGE and "1,000,000" in page.error


def test_gzip_bomb_is_too_large_on_the_decoded_size(server, config):
    bomb = gzip.compress(b"<p>" + b"recovery " * (6 * 1024 * 1024) + b"</p>", compresslevel=9)
    assert len(bomb) < 200_000
    server.add("/", bomb, headers={"Content-Encoding": "gzip"})
    page = fetch_page(server.url("/"), config=config.replace(max_bytes=2_000_000, respect_robots=False))
    assert page.status is Status.TOO_LARGE


def test_gzip_page_within_the_cap_is_decoded(server, config):
    server.add("/", gzip.compress(page_html(TEXT).encode()), headers={"Content-Encoding": "gzip"})
    assert fetch_page(server.url("/"), config=config).ok


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" * 40, "text/html"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "text/html; charset=utf-8"),
        (bytes(range(256)) * 8, "text/html"),
        (b"%PDF-1.7 ...", "application/pdf"),
        (page_html(TEXT).encode(), "image/png"),
    ],
)
def test_non_html_content_is_not_html(server, config, body, content_type):
    server.add("/", body, content_type=content_type)
    page = fetch_page(server.url("/"), config=config)
    assert page.status is Status.NOT_HTML and page.text == ""


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<!doctype html><html><head><title>App</title><script src='/app.js'></script></head>"
        "<body><div id='root'></div><noscript>You need to enable JavaScript to run this app.</noscript>"
        "<script>window.__DATA__={}</script></body></html>",
        "<html><body><div class='slider'></div><a href='/x'>Menu</a></body></html>",
    ],
)
def test_javascript_shells_and_empty_pages_are_no_text(server, config, body):
    server.add("/", body)
    page = fetch_page(server.url("/"), config=config.replace(min_words=20))
    assert page.status is Status.NO_TEXT and page.text == "" and "JavaScript" in page.error


def test_windows_1252_page_with_meta_decodes_right(server, config):
    html = (
        "<html><head><meta charset='windows-1252'><title>Caf\u00e9</title></head><body><p>"
        "\u201cWe meet you where you are\u201d \u2013 our caf\u00e9 is open to every client "
        "and family member.</p></body></html>"
    )
    server.add("/", html.encode("cp1252"), content_type="text/html")
    page = fetch_page(server.url("/"), config=config)
    assert page.ok and "\u201cWe meet you where you are\u201d \u2013 our caf\u00e9" in page.text
    assert page.encoding == "cp1252"


def test_utf8_page_without_charset_is_not_mis_decoded(server, config):
    html = "<p>Recovery \u2014 na\u00efve caf\u00e9 \u201cclients\u201d get well together here.</p>"
    server.add("/", html.encode(), content_type="text/html")
    page = fetch_page(server.url("/"), config=config)
    assert page.ok and "\u2014 na\u00efve caf\u00e9" in page.text


def test_session_reuses_connections_and_robots(server, config):
    server.add("/a", page_html(TEXT))
    server.add("/b", page_html(TEXT))
    with ScrapeSession(config) as session:
        assert session.fetch(server.url("/a")).ok and session.fetch(server.url("/b")).ok
    assert server.paths() == ["/robots.txt", "/a", "/b"]
