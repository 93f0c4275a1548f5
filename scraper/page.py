"""``Page`` and ``Status``: what one fetch gives back, whatever happened."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

__all__ = ["Link", "Page", "Status"]


class Status(StrEnum):
    """Outcome of fetching one page: exactly one per page."""

    OK = "ok"
    INVALID_URL = "invalid_url"
    BLOCKED_BY_ROBOTS = "blocked_by_robots"
    BLOCKED_ADDRESS = "blocked_address"
    DNS_ERROR = "dns_error"
    CONNECTION_ERROR = "connection_error"
    TIMEOUT = "timeout"
    HTTP_ERROR = "http_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TOO_LARGE = "too_large"
    NOT_HTML = "not_html"
    NO_TEXT = "no_text"


@dataclass(frozen=True)
class Link:
    """A hyperlink found on a page: absolute URL (no fragment) and its anchor text."""

    url: str
    text: str


@dataclass(frozen=True)
class Page:
    """One fetched page and its extracted text, or the reason there is none.

    ``status`` is ``Status.OK`` only when the page is HTML with enough visible text; otherwise
    ``error`` is a sentence saying what happened, and the text fields are empty.
    """

    url: str
    status: Status
    final_url: str = ""
    http_status: int | None = None
    content_type: str = ""
    encoding: str = ""
    title: str = ""
    description: str = ""
    headings: tuple[str, ...] = ()
    text: str = ""
    links: tuple[Link, ...] = ()
    error: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        """True when the page has text to classify."""
        return self.status is Status.OK

    @property
    def full_text(self) -> str:
        """Title, description, headings and visible text, as one string for a classifier."""
        parts = [self.title, self.description, self.text]
        return "\n".join(part for part in parts if part)

    def to_dict(self) -> dict[str, object]:
        """Return the page as plain JSON-ready values (links as ``[url, text]`` pairs)."""
        record = asdict(self)
        record["status"] = str(self.status)
        record["fetched_at"] = self.fetched_at.isoformat()
        record["headings"] = list(self.headings)
        record["links"] = [[link.url, link.text] for link in self.links]
        return record
