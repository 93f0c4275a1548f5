"""URL checks and normalisation: pure functions, no I/O."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["is_asset", "normalize_url", "same_site", "site_of", "url_problem"]

_ASSET_SUFFIXES = frozenset(
    """
    .css .js .mjs .map .json .xml .rss .atom .txt .csv .ico .png .jpg .jpeg .gif .svg .webp .avif
    .bmp .tif .tiff .pdf .doc .docx .xls .xlsx .ppt .pptx .odt .zip .gz .tgz .rar .7z .exe .dmg
    .mp3 .mp4 .m4a .m4v .mov .avi .wmv .webm .ogg .wav .woff .woff2 .ttf .otf .eot .apk
    """.split()
)
_TRACKING_PARAM = re.compile(r"^(utm_\w+|fbclid|gclid|msclkid|mc_cid|mc_eid|_ga|ref|sessionid|phpsessid)$", re.I)
_INDEX_FILE = re.compile(r"/(index|default)\.(html?|php|aspx?)$", re.I)
_BARE_HOST = re.compile(r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d+)?([/?#].*)?$")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9.\-_\[\]:%]+$")


def url_problem(url: object) -> str | None:
    """Return a sentence saying why ``url`` cannot be fetched, or ``None`` when it can.

    Examples
    --------
    >>> url_problem("example.org")
    "'example.org' has no scheme; write it as https://example.org"
    >>> url_problem("https://example.org/") is None
    True
    """
    if not isinstance(url, str):
        return f"{url!r} is not a URL (expected a string such as https://example.org)"
    text = url.strip()
    if not text:
        return "the URL is empty"
    if any(ch.isspace() for ch in text):
        return f"{text!r} contains spaces; a URL cannot"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return f"{text!r} is not a valid URL ({error})"
    if "://" not in text:
        if _BARE_HOST.match(text):
            return f"{text!r} has no scheme; write it as https://{text}"
        if parts.scheme.isalpha() and ":" in text:
            return f"{text!r} uses the scheme {parts.scheme!r}; only http and https are supported"
        return f"{text!r} is not a web address; write it as https://host/path"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{text!r} uses the scheme {parts.scheme!r}; only http and https are supported"
    host = parts.hostname or ""
    if not host:
        return f"{text!r} has no host name"
    if not _HOST_CHARS.match(host) or host.startswith(".") or ".." in host:
        return f"{text!r} has an invalid host name {host!r}"
    if port == 0:
        return f"{text!r} has an invalid port 0"
    return None


def normalize_url(url: str) -> str:
    """Return a canonical form of ``url`` for duplicate detection.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and
    ``index.html``-style file names, resolves ``.``/``..`` segments and sorts the query.

    Examples
    --------
    >>> normalize_url("HTTP://Example.org:80/a/../About/index.html?utm_source=x#team")
    'http://example.org/About/'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    path = parts.path or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(path)
    if path in (".", "//"):
        path = "/"
    if trailing and not path.endswith("/"):
        path += "/"
    path = _INDEX_FILE.sub("/", path)
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAM.match(k))
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def site_of(url: str) -> str:
    """Return the site key of ``url``: its host without a leading ``www.``, with a non-default port.

    Examples
    --------
    >>> site_of("https://www.Example.org/about")
    'example.org'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = parts.port
    if port is not None and (parts.scheme.lower(), port) not in (("http", 80), ("https", 443)):
        return f"{host}:{port}"
    return host


def same_site(url: str, other: str) -> bool:
    """Return True when both URLs belong to the same site (``www.`` and scheme ignored)."""
    return site_of(url) == site_of(other)


def is_asset(url: str) -> bool:
    """Return True when the URL's path names a file that is not a web page (image, CSS, PDF...)."""
    path = urlsplit(url).path.lower()
    return posixpath.splitext(path)[1] in _ASSET_SUFFIXES
