"""``fetch_page`` and ``ScrapeSession``: polite, capped, guarded HTTP for one page at a time.

The session holds what must be shared across pages and threads: one lock and one clock per
host (never two requests in flight to a host, at least ``delay`` seconds between request
starts), and the robots.txt cache. HTTP connections are per thread (``requests.Session`` is
not thread-safe).
"""

from __future__ import annotations

import dataclasses
import email.utils
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Self
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from .address import GUARDED_POOLS, resolve_allowed
from .config import ROBOTS_TOKEN, ScrapeConfig
from .decode import is_html_type, sniff_binary
from .errors import BlockedAddressError
from .extract import extract_text
from .page import Page, Status
from .urls import normalize_url, url_problem

__all__ = ["ScrapeSession", "fetch_page", "page_from_html"]

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024
_CHUNK = 64 * 1024


class _Failure(Exception):
    """Internal: a fetch ended with a non-ok status and a sentence."""

    def __init__(self, status: Status, error: str, http_status: int | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.http_status = http_status


@dataclass
class _Host:
    """Politeness state of one origin (scheme, host, port)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    last_start: float = 0.0
    delay: float = 0.0
    # None: not fetched yet; True/False: allow/deny all; _Failure: the host could not be reached
    robots: Protego | bool | _Failure | None = None


@dataclass
class _Reply:
    status_code: int
    headers: requests.structures.CaseInsensitiveDict
    body: bytes


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _reason(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _retry_after(value: str | None, cap: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), cap)


class ScrapeSession:
    """Shared politeness, robots cache and connections for many fetches (thread-safe).

    Use one session for a whole run so that the per-host rules hold across sites; close it
    (or use it as a context manager) when done.

    Parameters
    ----------
    config : ScrapeConfig, optional
        Defaults to ``ScrapeConfig()``.

    Examples
    --------
    >>> with ScrapeSession(ScrapeConfig(delay=0.5)) as session:   # doctest: +SKIP
    ...     page = session.fetch("https://example.org/")
    """

    def __init__(self, config: ScrapeConfig | None = None) -> None:
        self.config = config or ScrapeConfig()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._local = threading.local()
        self._http_sessions: list[requests.Session] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every HTTP connection the session opened."""
        with self._hosts_lock:
            sessions, self._http_sessions = self._http_sessions, []
        for http in sessions:
            http.close()

    # -- plumbing ---------------------------------------------------------------------------
    def _http(self) -> requests.Session:
        http = getattr(self._local, "http", None)
        if http is None:
            http = requests.Session()
            http.trust_env = False  # proxies would bypass the address guard
            http.headers.update(
                {
                    "User-Agent": self.config.user_agent,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                    "Accept-Language": "en;q=1.0, *;q=0.5",
                }
            )
            for scheme in ("http://", "https://"):
                adapter = requests.adapters.HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=1)
                adapter.poolmanager.pool_classes_by_scheme = GUARDED_POOLS[self.config.allow_private]
                http.mount(scheme, adapter)
            self._local.http = http
            with self._hosts_lock:
                self._http_sessions.append(http)
        return http

    def _host(self, origin: str) -> _Host:
        with self._hosts_lock:
            host = self._hosts.get(origin)
            if host is None:
                host = self._hosts[origin] = _Host(delay=self.config.delay)
            return host

    @contextmanager
    def _turn(self, host: _Host) -> Iterator[None]:
        """Hold the host's only request slot, starting no sooner than ``delay`` after the last."""
        with host.lock:
            wait = host.next_start - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            host.last_start = time.monotonic()
            host.next_start = host.last_start + host.delay
            yield

    def _precheck(self, url: str) -> None:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            resolve_allowed(parts.hostname or "", port, allow_private=self.config.allow_private)
        except BlockedAddressError as error:
            raise _Failure(Status.BLOCKED_ADDRESS, str(error)) from None
        except (socket.gaierror, UnicodeError) as error:
            raise _Failure(Status.DNS_ERROR, f"the host name {parts.hostname!r} does not resolve ({error})") from None

    def _exchange(self, url: str, *, max_bytes: int, sniff: bool) -> _Reply:
        """One GET with retries, caps and politeness; redirects are returned, not followed."""
        config = self.config
        host = self._host(_origin(url))
        attempt = 0
        while True:
            retry_wait: float | None = None
            with self._turn(host):
                try:
                    reply = self._request(url, max_bytes=max_bytes, sniff=sniff)
                except _Failure as failure:
                    if failure.status is not Status.CONNECTION_ERROR or attempt >= config.retries:
                        raise
                    logger.debug("retrying %s after: %s", url, failure.error)
                    retry_wait = config.backoff * 2**attempt
                else:
                    if reply.status_code not in RETRY_STATUSES or attempt >= config.retries:
                        return reply
                    retry_wait = _retry_after(reply.headers.get("Retry-After"), config.max_retry_after)
                    if retry_wait is None:
                        retry_wait = config.backoff * 2**attempt
                    logger.debug("retrying %s in %.2fs after HTTP %s", url, retry_wait, reply.status_code)
                # Push the whole host back, not just this request.
                host.next_start = max(host.next_start, time.monotonic() + retry_wait)
            attempt += 1

    def _request(self, url: str, *, max_bytes: int, sniff: bool) -> _Reply:
        config = self.config
        started = time.monotonic()
        deadline = started + config.deadline
        timeout = min(config.timeout, config.deadline)
        try:
            response = self._http().get(url, stream=True, allow_redirects=False, timeout=(timeout, timeout))
        except BlockedAddressError as error:
            raise _Failure(Status.BLOCKED_ADDRESS, str(error)) from None
        except requests.exceptions.Timeout:
            raise _Failure(Status.TIMEOUT, f"no answer within {timeout:g} s") from None
        except requests.exceptions.InvalidURL as error:
            raise _Failure(Status.INVALID_URL, f"{url!r} is not a valid URL ({error})") from None
        except requests.exceptions.RequestException as error:
            raise _Failure(Status.CONNECTION_ERROR, f"could not connect: {_short(error)}") from None
        with response:
            code = response.status_code
            if code in REDIRECT_STATUSES or code in RETRY_STATUSES or code >= 400:
                return _Reply(code, response.headers, b"")
            content_type = response.headers.get("Content-Type", "")
            if sniff and not is_html_type(content_type):
                raise _Failure(Status.NOT_HTML, f"the server sent {content_type.split(';')[0]}, not a web page", code)
            body = bytearray()
            sniffed = not sniff
            try:
                while chunk := response.raw.read1(_CHUNK, decode_content=True):
                    body += chunk
                    if not sniffed and len(body) >= 512:
                        sniffed = True
                        _refuse_binary(body, content_type, code)
                    if len(body) > max_bytes:
                        raise _Failure(
                            Status.TOO_LARGE,
                            f"the page is larger than the {max_bytes:,}-byte cap (decoded)",
                            code,
                        )
                    if time.monotonic() > deadline:
                        raise _Failure(
                            Status.TIMEOUT,
                            f"the page did not finish within the {config.deadline:g} s deadline",
                            code,
                        )
                if not sniffed:
                    _refuse_binary(body, content_type, code)
            except (ReadTimeoutError, TimeoutError):
                raise _Failure(Status.TIMEOUT, f"the server stopped sending for {timeout:g} s", code) from None
            except (ProtocolError, DecodeError, OSError) as error:
                raise _Failure(Status.CONNECTION_ERROR, f"the body could not be read: {_short(error)}", code) from None
            return _Reply(code, response.headers, bytes(body))

    def _robots(self, url: str) -> Protego | bool | _Failure:
        """Return the parsed robots.txt of ``url``'s origin (fetched once per origin)."""
        origin = _origin(url)
        host = self._host(origin)
        with host.robots_lock:
            if host.robots is None:
                host.robots = self._load_robots(origin)
                if isinstance(host.robots, Protego):
                    crawl_delay = host.robots.crawl_delay(ROBOTS_TOKEN)
                    if crawl_delay:
                        host.delay = max(self.config.delay, min(float(crawl_delay), self.config.max_crawl_delay))
                        host.next_start = max(host.next_start, host.last_start + host.delay)
            return host.robots

    def _load_robots(self, origin: str) -> Protego | bool | _Failure:
        """Fetch and parse robots.txt per RFC 9309.

        2xx: parse it; 4xx: no rules (allow all); 5xx or 429: disallow all. When the host cannot
        be reached at all, the failure itself is cached, so every page of the host reports it.
        """
        url = f"{origin}/robots.txt"
        try:
            for _ in range(6):  # RFC 9309: follow at least five redirect hops
                self._precheck(url)
                reply = self._exchange(url, max_bytes=_ROBOTS_MAX_BYTES, sniff=False)
                location = reply.headers.get("Location")
                if reply.status_code in REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    continue
                break
        except _Failure as failure:
            if failure.status is Status.TOO_LARGE:
                return True
            return failure
        code = reply.status_code
        if 200 <= code < 300:
            return Protego.parse(reply.body.decode("utf-8", errors="replace"))
        if 400 <= code < 500 and code != 429:
            return True
        logger.info("robots.txt of %s answered %s: treating the site as disallowed", origin, code)
        return False

    # -- public -------------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Return True when robots.txt allows stepcheck to fetch ``url`` (always when robots are off).

        A host whose robots.txt could not be reached at all counts as disallowed.
        """
        try:
            return self._allowed(url)
        except _Failure:
            return False

    def _allowed(self, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        robots = self._robots(url)
        if isinstance(robots, _Failure):
            raise robots
        if isinstance(robots, bool):
            return robots
        return robots.can_fetch(url, ROBOTS_TOKEN)

    def fetch(self, url: str) -> Page:
        """Fetch one page and extract its text; never raises for what a server or network does.

        See Also
        --------
        fetch_page : the same for a one-off fetch.
        """
        problem = url_problem(url)
        if problem:
            return Page(url=str(url), status=Status.INVALID_URL, error=problem)
        current = url.strip()
        visited = {normalize_url(current)}
        reply: _Reply | None = None
        try:
            for _ in range(self.config.max_redirects + 1):
                self._precheck(current)
                if not self._allowed(current):
                    raise _Failure(
                        Status.BLOCKED_BY_ROBOTS,
                        f"robots.txt of {_origin(current)} does not "
                        f"allow {ROBOTS_TOKEN} to read {urlsplit(current).path or '/'}",
                    )
                reply = self._exchange(current, max_bytes=self.config.max_bytes, sniff=True)
                location = reply.headers.get("Location")
                if reply.status_code not in REDIRECT_STATUSES or not location:
                    break
                target = urljoin(current, location.strip())
                problem = url_problem(target)
                if problem:
                    raise _Failure(
                        Status.INVALID_URL, f"redirected to an unusable address: {problem}", reply.status_code
                    )
                key = normalize_url(target)
                if key in visited:
                    raise _Failure(
                        Status.TOO_MANY_REDIRECTS,
                        f"redirect loop: {target} was already visited",
                        reply.status_code,
                    )
                visited.add(key)
                current = target
            else:
                raise _Failure(
                    Status.TOO_MANY_REDIRECTS,
                    f"more than {self.config.max_redirects} redirects",
                    reply and reply.status_code,
                )
            return self._page(url, current, reply)
        except _Failure as failure:
            return Page(
                url=url,
                final_url=current,
                status=failure.status,
                error=failure.error,
                http_status=failure.http_status,
            )

    def _page(self, url: str, final_url: str, reply: _Reply) -> Page:
        code = reply.status_code
        content_type = reply.headers.get("Content-Type", "")
        if code >= 300:
            raise _Failure(Status.HTTP_ERROR, f"the server answered {_reason(code)}", code)
        return page_from_html(url, reply.body, final_url=final_url, http_status=code,
                              content_type=content_type, min_words=self.config.min_words)  # fmt: skip


def page_from_html(
    url: str,
    html: bytes | str,
    *,
    final_url: str | None = None,
    http_status: int | None = None,
    content_type: str = "",
    min_words: int = 20,
) -> Page:
    """Return the ``Page`` for an HTML document already in hand (fetched, or saved to a file).

    The page is ``ok`` with its extracted text, or ``no_text`` (text fields empty, ``error``
    saying why) when it has fewer than ``min_words`` visible words.
    """
    final_url = final_url or url
    extracted = extract_text(html, url=final_url, content_type=content_type)
    page = Page(url=url, final_url=final_url, status=Status.OK, http_status=http_status,
                content_type=content_type, encoding=extracted.encoding, title=extracted.title,
                description=extracted.description, headings=extracted.headings, text=extracted.text,
                links=extracted.links)  # fmt: skip
    shown = extracted.word_count
    if shown >= min_words:
        return page
    return dataclasses.replace(
        page, status=Status.NO_TEXT, description="", headings=(), text="",
        error=f"the page has {shown} visible word{'s' * (shown != 1)} (fewer than "
        f"{min_words}); it may need JavaScript to show its content",
    )  # fmt: skip


def _refuse_binary(body: bytearray, content_type: str, code: int) -> None:
    what = sniff_binary(bytes(body[:2048]))
    if what:
        raise _Failure(
            Status.NOT_HTML,
            f"the body is {what}, not a web page (served as {content_type or 'no type'})",
            code,
        )


def _short(error: BaseException) -> str:
    text = str(error)
    root = error
    while root.__context__ is not None and root.__context__ is not root:
        root = root.__context__
    if root is not error and str(root):
        text = str(root)
    return text if len(text) <= 200 else text[:197] + "..."


def fetch_page(url: str, *, config: ScrapeConfig | None = None, session: ScrapeSession | None = None) -> Page:
    """Return the page at ``url`` with its text, or with a status saying why there is none.

    Never raises for anything a web server or the network does: robots.txt refusal, private
    addresses, DNS and connection failures, timeouts, HTTP errors, redirect loops, oversized or
    binary bodies and pages without text all end in ``Page.status`` with a sentence in
    ``Page.error``.

    Parameters
    ----------
    url : str
        An http or https URL.
    config : ScrapeConfig, optional
        Used when no ``session`` is given; defaults to ``ScrapeConfig()``.
    session : ScrapeSession, optional
        Reuse its connections, robots cache and per-host politeness (its config wins).

    Returns
    -------
    Page

    Examples
    --------
    >>> fetch_page("notaurl").status
    <Status.INVALID_URL: 'invalid_url'>
    """
    if session is not None:
        return session.fetch(url)
    with ScrapeSession(config) as own:
        return own.fetch(url)
