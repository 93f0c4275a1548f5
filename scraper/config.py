"""``ScrapeConfig``: every knob of the scraper in one frozen, validated dataclass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ._version import __version__
from .errors import ConfigError

__all__ = ["DEFAULT_USER_AGENT", "ROBOTS_TOKEN", "ScrapeConfig"]

ROBOTS_TOKEN = "stepcheck"
DEFAULT_USER_AGENT = (
    f"{ROBOTS_TOKEN}/{__version__} (+https://github.com/stepcheck/stepcheck; "
    "classifies addiction-treatment program approaches)"
)

# field -> (lowest allowed, highest allowed, whether the lowest is excluded)
_RANGES: dict[str, tuple[float, float, bool]] = {
    "delay": (0.0, 300.0, False),
    "concurrency": (1, 256, False),
    "timeout": (0.0, 600.0, True),
    "deadline": (0.0, 3600.0, True),
    "retries": (0, 10, False),
    "backoff": (0.0, 60.0, False),
    "max_retry_after": (0.0, 3600.0, False),
    "max_crawl_delay": (0.0, 3600.0, False),
    "max_bytes": (1024, 2**31, False),
    "max_redirects": (0, 50, False),
    "max_pages": (1, 200, False),
    "min_words": (0, 10_000, False),
}


@dataclass(frozen=True, kw_only=True)
class ScrapeConfig:
    """How the scraper fetches: politeness, caps, safety.

    Parameters
    ----------
    user_agent : str
        Sent with every request; names stepcheck, its version and its home page.
        robots.txt rules are matched against the product token ``stepcheck``.
    delay : float
        Minimum seconds between the starts of two requests to the same host.
    concurrency : int
        How many hosts (sites) are fetched at the same time by ``crawl_sites``.
    timeout : float
        Connect and read timeout of one request, in seconds.
    deadline : float
        Wall-clock bound on one request including its whole body, in seconds.
    retries : int
        Further attempts after a connection error or a 408, 429, 500, 502, 503, 504 answer.
    backoff : float
        First retry waits ``backoff`` seconds, then twice as long each time.
    max_retry_after : float
        Cap on a server's ``Retry-After`` wait, in seconds.
    max_crawl_delay : float
        Cap on a robots.txt ``Crawl-delay``, in seconds.
    max_bytes : int
        Cap on the decoded body of one page; a larger page ends as ``too_large``.
    max_redirects : int
        Redirect hops followed before ``too_many_redirects``.
    max_pages : int
        Pages read per site by ``crawl_site``, the start page included.
    respect_robots : bool
        Obey robots.txt (RFC 9309). Turn off only for sites you own.
    allow_private : bool
        Allow hosts that resolve to loopback, private, link-local or reserved addresses.
    min_words : int
        A page with fewer visible words ends as ``no_text``.

    Examples
    --------
    >>> ScrapeConfig(delay=0.5, max_pages=4).max_pages
    4
    """

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    concurrency: int = 8
    timeout: float = 10.0
    deadline: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    max_crawl_delay: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    max_pages: int = 6
    respect_robots: bool = True
    allow_private: bool = False
    min_words: int = 20

    def __post_init__(self) -> None:
        if not isinstance(self.user_agent, str) or ROBOTS_TOKEN not in self.user_agent.lower():
            raise ConfigError(
                f"user_agent={self.user_agent!r} must be a string that names {ROBOTS_TOKEN!r}, "
                "so that site owners can identify the tool and robots.txt rules apply to it"
            )
        for name in ("respect_robots", "allow_private"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name}={getattr(self, name)!r} must be True or False")
        for name, (low, high, open_low) in _RANGES.items():
            value = getattr(self, name)
            integral = isinstance(low, int) and isinstance(high, int)
            kind = int if integral else (int, float)
            if isinstance(value, bool) or not isinstance(value, kind):
                expected = "a whole number" if integral else "a number"
                raise ConfigError(f"{name}={value!r} must be {expected}")
            if (value <= low if open_low else value < low) or value > high:
                bracket = "(" if open_low else "["
                raise ConfigError(f"{name}={value!r} is outside the allowed range {bracket}{low}, {high}]")

    def replace(self, **changes: object) -> ScrapeConfig:
        """Return a copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)
