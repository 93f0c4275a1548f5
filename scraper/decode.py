"""Bytes to text: content sniffing and charset resolution (BOM, header, meta, detection)."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_html", "is_html_type", "sniff_binary"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
    (b"OggS", "an audio or video file"),
    (b"\x00\x00\x00", "a video or binary file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
# WHATWG Encoding Standard: these labels mean windows-1252 on the web.
_WEB_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
}
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_CONTROL = bytes(range(0, 9)) + bytes(range(14, 32))


def is_html_type(content_type: str) -> bool:
    """Return True when a Content-Type header allows an HTML page (or says nothing)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or media in _HTML_TYPES or media.endswith("+xml")


def sniff_binary(head: bytes) -> str | None:
    """Return what binary content ``head`` (the body's first bytes) looks like, or ``None``.

    Examples
    --------
    >>> sniff_binary(b"%PDF-1.7 ..."), sniff_binary(b"<!doctype html><p>hi")
    ('a PDF document', None)
    """
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[8:12] == b"WEBP" or head[4:8] == b"ftyp":
        return "an image or video file"
    sample = head[:2048]
    if sample and (b"\x00" in sample or sum(sample.count(c) for c in _CONTROL) > len(sample) // 10):
        return "binary data"
    return None


def _codec(label: str | bytes | None) -> str | None:
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = name.strip().lower()
    name = _WEB_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A page cannot really be UTF-16 if it declares it in ASCII-compatible bytes.
    return "utf-8" if codec.startswith("utf-16") or codec.startswith("utf-32") else codec


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode an HTML body; return ``(text, encoding)``.

    The encoding is chosen as browsers do: byte-order mark, then the HTTP header's charset,
    then a ``<meta>`` declaration in the first 4 KiB, then UTF-8 if the bytes are valid UTF-8,
    then statistical detection (charset-normalizer), then windows-1252 with replacement.

    Examples
    --------
    >>> decode_html("café".encode("utf-8"), "text/html")
    ('café', 'utf-8')
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    header = _HEADER_CHARSET.search(content_type or "")
    declared = _codec(header.group(1) if header else None)
    if not declared:
        meta = _META_CHARSET.search(body[:4096])
        declared = _codec(meta.group(1) if meta else None)
    if declared:
        return body.decode(declared, errors="replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace"), best.encoding
    return body.decode("cp1252", errors="replace"), "cp1252"
