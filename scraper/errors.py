"""The scraper's exceptions: one root, input errors also subclass ``ValueError``.

Nothing a web server or the network does is raised out of ``fetch_page``: those outcomes are
recorded in ``Page.status``. These exceptions are for programmer errors (a bad configuration)
and for the internal hand-off between the connection guard and the fetch loop.
"""

from __future__ import annotations

__all__ = ["BlockedAddressError", "ConfigError", "ScrapeError"]


class ScrapeError(Exception):
    """Root of every exception the scraper raises."""


class ConfigError(ScrapeError, ValueError):
    """A ``ScrapeConfig`` field is outside its allowed range."""


class BlockedAddressError(ScrapeError):
    """A host resolved to an address the configuration does not allow (private, loopback, ...)."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host = host
        self.address = address
        self.reason = reason
        super().__init__(
            f"{host} resolves to {address}, a {reason} address; stepcheck refuses it unless "
            "allow_private=True (--allow-private) is set"
        )
