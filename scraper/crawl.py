"""Which pages of a site to read, in what order: ``crawl_site`` and ``crawl_sites``."""

from __future__ import annotations

import hashlib
import heapq
import logging
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .config import ScrapeConfig
from .fetch import ScrapeSession
from .page import Link, Page, Status
from .urls import is_asset, normalize_url, same_site, url_problem

__all__ = ["SiteCrawl", "crawl_site", "crawl_sites", "link_score"]

logger = logging.getLogger(__name__)

# (pattern, weight): where providers state their approach, and where they argue about it.
_LINK_HINTS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), weight)
    for pattern, weight in (
        (r"non.?12|non.?twelve|12.?step|twelve.?step|smart.?recovery|\bsteps?\b", 10),
        (r"approach|philosoph|method|model|modalit|our.?program|curriculum|what.?makes|different", 8),
        (r"program|treatment|therap|recovery|how.?we|what.?we|holistic|evidence", 5),
        (r"about|who.?we|mission|\bwhy\b|values", 4),
        (r"level|residential|outpatient|\biop\b|\bphp\b|services|rehab|sober.?living|house.?rules", 3),
        (r"\bfaq|admission|what.?to.?expect", 1),
        (r"blog|news|post|article|\btags?\b|categor|author|press|event|\d{4}/\d{2}|page/\d", -14),
        (r"career|jobs?\b|login|sign.?in|cart|shop|donat|privacy|terms|policy|legal|cookie", -10),
        (r"sitemap|feed|wp-|calendar|gallery|video|podcast|search|\?|contact|directions", -6),
    )
)


@dataclass(frozen=True)
class SiteCrawl:
    """The pages read from one site: ``pages[0]`` is the requested start page."""

    index: int
    url: str
    pages: tuple[Page, ...]

    @property
    def ok_pages(self) -> tuple[Page, ...]:
        """The pages that have text."""
        return tuple(page for page in self.pages if page.ok)


def link_score(link: Link) -> int:
    """Return how likely a link leads to the provider's statement of its approach (higher is likelier).

    Examples
    --------
    >>> link_score(Link("https://x.org/our-approach", "Our Philosophy")) > link_score(
    ...     Link("https://x.org/blog/2021/05/aa-history", "Read more"))
    True
    """
    parts = urlsplit(link.url)
    haystack = f"{unquote(parts.path)} {parts.query} {link.text}".lower().replace("_", "-")
    return sum(weight for pattern, weight in _LINK_HINTS if pattern.search(haystack))


def crawl_site(url: str, *, config: ScrapeConfig | None = None, session: ScrapeSession | None = None) -> list[Page]:
    """Return the start page of a site and the same-site pages most likely to state its approach.

    Reads ``url``, then repeatedly the best-ranked link not read yet (by URL and anchor text:
    approach, philosophy, program, therapy, 12-step, about, ...; blog posts, news, legal and
    contact pages rank last and are not read), from every page read so far, until
    ``config.max_pages`` pages are read. Links to other sites, assets (images, CSS, PDFs),
    links robots.txt forbids and duplicates after URL normalisation are skipped; a page whose
    text repeats an earlier page's is dropped.

    Parameters
    ----------
    url : str
        The site's start page (usually its homepage).
    config : ScrapeConfig, optional
        Used when no ``session`` is given.
    session : ScrapeSession, optional
        Share politeness state and connections with other crawls.

    Returns
    -------
    list of Page
        The start page first (whatever its status), then the pages read, in reading order.
    """
    if session is None:
        with ScrapeSession(config) as own:
            return crawl_site(url, session=own)
    max_pages = session.config.max_pages
    start = session.fetch(url)
    pages = [start]
    if not start.ok:
        return pages
    seen = {normalize_url(url), normalize_url(start.final_url)}
    texts = {hashlib.sha1(start.text.encode()).digest()}
    queue: list[tuple[int, int, str, int]] = []
    order = 0

    def offer(page: Page, depth: int) -> None:
        nonlocal order
        for link in page.links:
            if url_problem(link.url) or is_asset(link.url) or not same_site(link.url, start.final_url):
                continue
            key = normalize_url(link.url)
            if key in seen:
                continue
            score = link_score(link) - depth
            if score < 0:
                continue
            seen.add(key)
            order += 1
            heapq.heappush(queue, (-score, order, link.url, depth))

    offer(start, 0)
    while queue and len(pages) < max_pages:
        _, _, link_url, depth = heapq.heappop(queue)
        if not session.allowed(link_url):
            logger.debug("skipping %s: robots.txt disallows it", link_url)
            continue
        page = session.fetch(link_url)
        seen.add(normalize_url(page.final_url or link_url))
        if page.ok:
            digest = hashlib.sha1(page.text.encode()).digest()
            if digest in texts:
                continue
            texts.add(digest)
            offer(page, depth + 1)
        pages.append(page)
    return pages


def crawl_sites(
    urls: Iterable[str], *, config: ScrapeConfig | None = None, session: ScrapeSession | None = None
) -> Iterator[SiteCrawl]:
    """Crawl many sites at once; yield each site's pages as soon as that site is done.

    Up to ``config.concurrency`` sites are crawled in parallel; one shared session keeps the
    per-host rules (one request in flight, ``delay`` between starts, robots.txt) across all of
    them, so two URLs on the same host never hit it together. ``urls`` is consumed lazily and at
    most ``2 * concurrency`` sites are in flight, so memory stays flat for long lists.

    Parameters
    ----------
    urls : iterable of str
        Start pages. Invalid entries yield a site whose only page is ``invalid_url``.
    config : ScrapeConfig, optional
        Used when no ``session`` is given.
    session : ScrapeSession, optional
        Share state with other work; not closed here.

    Yields
    ------
    SiteCrawl
        In completion order; ``index`` is the URL's position in ``urls``.
    """
    if session is None:
        with ScrapeSession(config) as own:
            yield from crawl_sites(urls, session=own)
        return
    workers = session.config.concurrency
    source = iter(enumerate(urls))
    pending: dict[Future[list[Page]], tuple[int, str]] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stepcheck-crawl") as pool:
        try:
            while True:
                while len(pending) < 2 * workers:
                    item = next(source, None)
                    if item is None:
                        break
                    pending[pool.submit(_crawl_guarded, item[1], session)] = item
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index, url = pending.pop(future)
                    yield SiteCrawl(index, url, tuple(future.result()))
        finally:
            for future in pending:
                future.cancel()


def _crawl_guarded(url: str, session: ScrapeSession) -> list[Page]:
    """Crawl one site; an unexpected bug becomes that site's error instead of ending the batch."""
    try:
        return crawl_site(url, session=session)
    except Exception as error:  # a batch never dies for one site
        logger.exception("internal error while crawling %s", url)
        return [
            Page(
                url=str(url),
                status=Status.CONNECTION_ERROR,
                error=f"internal error while reading this site ({error!r}); please report it",
            )
        ]
