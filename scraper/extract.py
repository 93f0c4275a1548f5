"""HTML to text: title, description, headings, visible text and links. Pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction

from .decode import decode_html
from .page import Link

__all__ = ["Extracted", "extract_text"]

# Never visible to a reader.
_INVISIBLE = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "head",
    "select",
    "option",
)
# Elements that start a new line of text (navigation and list items stay: stances hide there).
_BLOCKS = frozenset(
    """
    address article aside blockquote br dd details div dl dt fieldset figcaption figure footer form
    h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul button label
    caption
    """.split()
)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "sms:", "data:", "#", "callto:", "whatsapp:")


@dataclass(frozen=True)
class Extracted:
    """What ``extract_text`` finds in one HTML document."""

    title: str
    description: str
    headings: tuple[str, ...]
    text: str
    links: tuple[Link, ...]
    encoding: str

    @property
    def word_count(self) -> int:
        """Number of words in the visible text."""
        return len(self.text.split())


def _clean(text: str) -> str:
    return " ".join(_SPACE.sub(" ", text).split())


def _lines(text: str) -> str:
    lines = (_clean(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def extract_text(html: str | bytes, *, url: str | None = None, content_type: str = "") -> Extracted:
    """Return the title, meta description, headings, visible text and links of an HTML page.

    Navigation menus, lists and footers are kept: providers often state their approach in a
    menu item or a bullet ("Non 12-Step Rehab"). Scripts, styles, ``<noscript>`` fallbacks and
    elements hidden with ``hidden`` or ``display:none`` are dropped. Each block element starts a
    new line, so sentences are not glued to menu items.

    Parameters
    ----------
    html : str or bytes
        The document. Bytes are decoded by BOM, ``content_type`` charset, ``<meta>``, detection.
    url : str, optional
        The page's address, to make links absolute (a ``<base href>`` takes precedence).
    content_type : str, optional
        The HTTP Content-Type header, used only to decode bytes.

    Returns
    -------
    Extracted

    Examples
    --------
    >>> page = extract_text('<title>Home</title><nav><a href="/approach">Non 12-Step Rehab</a></nav>'
    ...                     '<p>We are <b>not</b> a 12-Step program.</p>', url="https://x.org/")
    >>> page.text
    'Non 12-Step Rehab\\nWe are not a 12-Step program.'
    >>> page.links[0].url
    'https://x.org/approach'
    """
    encoding = "unicode"
    if isinstance(html, bytes):
        html, encoding = decode_html(html, content_type)
    soup = BeautifulSoup(html, "lxml")

    title = _clean(soup.title.get_text(" ")) if soup.title else ""
    description = ""
    for attrs in ({"name": "description"}, {"property": "og:description"}):
        tag = soup.find("meta", attrs=attrs)
        if tag and tag.get("content"):
            description = _clean(str(tag["content"]))
            break
    base = url or ""
    base_tag = soup.find("base", href=True)
    if base_tag:
        base = urljoin(base, str(base_tag["href"]))

    for node in soup.find_all(string=lambda s: isinstance(s, Comment | Doctype | ProcessingInstruction)):
        node.extract()
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        if tag.has_attr("hidden") or _HIDDEN_STYLE.search(str(tag.get("style", ""))):
            tag.decompose()

    headings = tuple(h for h in (_clean(t.get_text(" ")) for t in soup.find_all(["h1", "h2", "h3"])) if h)
    links: list[Link] = []
    seen: set[str] = set()
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        absolute = urldefrag(urljoin(base, href))[0] if base else urldefrag(href)[0]
        label = _clean(anchor.get_text(" ")) or _clean(str(anchor.get("title") or anchor.get("aria-label") or ""))
        if not label:
            image = anchor.find("img", alt=True)
            label = _clean(str(image["alt"])) if image else ""
        if absolute in seen:
            continue
        seen.add(absolute)
        links.append(Link(absolute, label))

    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for image in soup.find_all("img", alt=True):
        image.replace_with(f" {image['alt']} ")
    body = soup.body or soup
    text = _lines(body.get_text(""))
    return Extracted(title, description, headings, text, tuple(links), encoding)
