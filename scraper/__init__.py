"""stepcheck's scraper: polite, capped, guarded fetching and text extraction of provider sites.

Knows nothing of labels. The easy path is a function (``fetch_page``, ``crawl_site``,
``crawl_sites``, ``extract_text``); shared state for a run lives in ``ScrapeSession``.
"""

import logging

from ._version import __version__
from .address import address_problem
from .config import DEFAULT_USER_AGENT, ScrapeConfig
from .crawl import SiteCrawl, crawl_site, crawl_sites, link_score
from .errors import BlockedAddressError, ConfigError, ScrapeError
from .extract import Extracted, extract_text
from .fetch import ScrapeSession, fetch_page, page_from_html
from .page import Link, Page, Status
from .urls import normalize_url, url_problem

__all__ = [
    "DEFAULT_USER_AGENT",
    "BlockedAddressError",
    "ConfigError",
    "Extracted",
    "Link",
    "Page",
    "ScrapeConfig",
    "ScrapeError",
    "ScrapeSession",
    "SiteCrawl",
    "Status",
    "__version__",
    "address_problem",
    "crawl_site",
    "crawl_sites",
    "extract_text",
    "fetch_page",
    "link_score",
    "normalize_url",
    "page_from_html",
    "url_problem",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
