"""robots.txt (RFC 9309) and per-host pacing, against real local servers."""

import itertools
import threading
import time

import pytest

from scraper import ScrapeSession, Status, crawl_sites, fetch_page

from conftest import page_html, send

TEXT = "<p>" + "Clients meet their counselor every weekday morning for group work. " * 3 + "</p>"


def robots(server, body, status=200):
    server.add("/robots.txt", body, status=status, content_type="text/plain")


@pytest.mark.parametrize(
    ("rules", "path", "allowed"),
    [
        ("User-agent: *\nDisallow: /private/", "/private/page", False),
        ("User-agent: *\nDisallow: /private/", "/public", True),
        ("User-agent: *\nDisallow: /*.php$", "/intake.php", False),
        ("User-agent: *\nDisallow: /*.php$", "/intake.php?step=2", True),
        ("User-agent: *\nDisallow: /*/drafts/", "/blog/drafts/x", False),
        ("User-agent: stepcheck\nDisallow: /\n\nUser-agent: *\nAllow: /", "/", False),
        ("User-agent: otherbot\nDisallow: /", "/", True),
        ("User-agent: *\nDisallow: /\nAllow: /approach$", "/approach", True),
    ],
)
def test_robots_rules_with_wildcards(server, config, rules, path, allowed):
    robots(server, rules)
    server.add(path.split("?")[0], page_html(TEXT))
    page = fetch_page(server.url(path), config=config)
    assert (page.status is Status.OK) is allowed
    if not allowed:
        assert page.status is Status.BLOCKED_BY_ROBOTS and "robots.txt" in page.error
        assert server.paths() == ["/robots.txt"]


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (410, True), (403, True), (500, False), (503, False)])
def test_robots_4xx_allows_and_5xx_disallows(server, config, status, allowed):
    robots(server, "User-agent: *\nDisallow: /", status=status)
    server.add("/", page_html(TEXT))
    page = fetch_page(server.url("/"), config=config)
    assert (page.status is Status.OK) is allowed


def test_robots_is_fetched_once_per_host(server, config):
    robots(server, "User-agent: *\nDisallow: /nope")
    for name in "abcd":
        server.add(f"/{name}", page_html(TEXT))
    with ScrapeSession(config) as session:
        for name in "abcd":
            session.fetch(server.url(f"/{name}"))
    assert server.paths().count("/robots.txt") == 1


def test_robots_can_be_switched_off(server, config):
    robots(server, "User-agent: *\nDisallow: /")
    server.add("/", page_html(TEXT))
    assert fetch_page(server.url("/"), config=config.replace(respect_robots=False)).ok
    assert "/robots.txt" not in server.paths()


def test_never_two_requests_in_flight_and_delay_between_starts(server, config, sent):
    def slow(h):
        time.sleep(0.15)
        send(h, 200, page_html(TEXT).encode())

    for index in range(5):
        server.routes[f"/p{index}"] = slow
    urls = [server.url(f"/p{index}") for index in range(5)]
    results = list(crawl_sites(urls, config=config.replace(delay=0.3, concurrency=5, max_pages=1)))
    assert len(results) == 5 and len(sent) == 6  # robots.txt and five pages
    requests = sorted(sent, key=lambda request: request.start)
    for before, after in itertools.pairwise(requests):
        assert after.start >= before.end, "two requests to one host overlapped"
        assert after.start - before.start >= 0.3
    # and the server saw them one at a time too (each takes 0.15 s, so an overlap would be large)
    hits = sorted(server.hits, key=lambda hit: hit.start)
    assert all(after.start >= before.end - 0.01 for before, after in itertools.pairwise(hits))


def test_crawl_delay_is_honoured_and_capped(make_server, config, sent):
    polite, greedy = make_server(), make_server()
    robots(polite, "User-agent: *\nCrawl-delay: 0.5")
    robots(greedy, "User-agent: *\nCrawl-delay: 100")
    for server in (polite, greedy):
        for index in range(3):
            server.add(f"/p{index}", page_html(TEXT))
    with ScrapeSession(config.replace(delay=0.0, max_crawl_delay=0.3)) as session:
        started = time.monotonic()
        for index in range(3):
            session.fetch(greedy.url(f"/p{index}"))
        assert time.monotonic() - started < 5
    with ScrapeSession(config.replace(delay=0.0, max_crawl_delay=10)) as session:
        for index in range(3):
            session.fetch(polite.url(f"/p{index}"))
    for server, gap in ((polite, 0.5), (greedy, 0.3)):
        starts = [request.start for request in sent if request.url.startswith(server.url(""))]
        assert len(starts) == 4  # robots.txt and three pages
        assert all(b - a >= gap for a, b in itertools.pairwise(starts))


def test_many_hosts_progress_in_parallel(make_server, config):
    servers = [make_server() for _ in range(4)]
    in_flight, peak = 0, 0
    lock = threading.Lock()

    def slow(h):
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        send(h, 200, page_html(TEXT).encode())

    for server in servers:
        server.routes["/"] = slow
    results = list(
        crawl_sites(
            [s.url("/") for s in servers],
            config=config.replace(concurrency=4, max_pages=1, respect_robots=False),
        )
    )
    assert sorted(r.index for r in results) == [0, 1, 2, 3]
    assert all(r.pages[0].ok for r in results)
    assert peak >= 2, "hosts were fetched one after another"


def test_unreachable_robots_means_the_site_is_not_read(server, config):
    """robots.txt that cannot be fetched (the connection drops every time) disallows the site."""

    def drop(h):
        h.close_connection = True
        h.connection.shutdown(2)

    server.routes["/robots.txt"] = drop
    server.add("/", page_html(TEXT))
    page = fetch_page(server.url("/"), config=config.replace(retries=1))
    assert page.status is Status.CONNECTION_ERROR and not page.ok
    assert "/" not in server.paths()
