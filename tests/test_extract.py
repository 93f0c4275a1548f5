import pytest

from scraper import extract_text
from scraper.decode import decode_html, sniff_binary

PAGE = """<!doctype html><html><head><title> Cedar Hollow  Recovery </title>
<meta name="description" content="Residential care in Millbrook.">
<style>.x{color:red}</style><script>var stance = "12-step based";</script></head>
<body><nav><ul><li><a href="/approach">Non 12-Step Rehab</a></li><li><a href="programs/">Programs</a></li>
<li><a href="mailto:a@b.org">Email</a></li><li><a href="#top">Top</a></li></ul></nav>
<h1>Welcome</h1><p>We are <strong>not</strong> a 12-Step program.</p>
<div hidden>secret hidden text</div><div style="display: none">also hidden</div>
<noscript>Please enable JavaScript</noscript>
<a href="https://other.org/x#frag"><img src="a.png" alt="Partner logo"></a>
<footer>Call (555) 010-2000 today</footer></body></html>"""


def test_extract_keeps_navigation_and_sentences_apart():
    page = extract_text(PAGE, url="https://cedar.example/home/")
    lines = page.text.split("\n")
    assert "Non 12-Step Rehab" in lines
    assert "We are not a 12-Step program." in lines
    assert page.title == "Cedar Hollow Recovery"
    assert page.description == "Residential care in Millbrook."
    assert page.headings == ("Welcome",)


@pytest.mark.parametrize("hidden", ["var stance", "secret hidden", "also hidden", "enable JavaScript", ".x{"])
def test_extract_drops_invisible_text(hidden):
    assert hidden not in extract_text(PAGE).text


def test_extract_makes_links_absolute_and_skips_non_web_links():
    links = extract_text(PAGE, url="https://cedar.example/home/").links
    assert [(link.url, link.text) for link in links] == [
        ("https://cedar.example/approach", "Non 12-Step Rehab"),
        ("https://cedar.example/home/programs/", "Programs"),
        ("https://other.org/x", "Partner logo"),
    ]


def test_base_href_wins_over_page_url():
    page = extract_text('<base href="https://base.example/dir/"><a href="p.html">P</a>', url="https://x.org/")
    assert page.links[0].url == "https://base.example/dir/p.html"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Caf\u00e9 \u2013 \u201cquoted\u201d".encode(), "text/html", "Caf\u00e9 \u2013 \u201cquoted\u201d"),
        (
            "<meta charset='windows-1252'><p>Caf\u00e9 \u201cquoted\u201d".encode("cp1252"),
            "text/html",
            "Caf\u00e9 \u201cquoted\u201d",
        ),
        (
            "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'><p>\u201cx\u201d".encode("cp1252"),
            "text/html",
            "\u201cx\u201d",
        ),
        ("\ufeffna\u00efve".encode("utf-8-sig"), "text/html; charset=iso-8859-1", "na\u00efve"),
        ("<p>Stra\u00dfe".encode("latin-1"), "text/html; charset=ISO-8859-1", "Stra\u00dfe"),
    ],
)
def test_charset_resolution_bom_header_meta_detection(body, content_type, expected):
    text, _ = decode_html(body, content_type)
    assert expected in text


def test_utf8_without_any_declaration_is_not_read_as_latin1():
    text, encoding = decode_html("<p>Recovery \u2014 caf\u00e9</p>".encode(), "text/html")
    assert encoding == "utf-8" and "\u2014" in text and "\u00c3" not in text


@pytest.mark.parametrize(
    ("head", "binary"),
    [
        (b"%PDF-1.4\n", True),
        (b"\x89PNG\r\n\x1a\n....", True),
        (b"\xff\xd8\xff\xe0..", True),
        (bytes(range(256)) * 4, True),
        (b"<!doctype html><html>", False),
        ("\ufeff<p>x".encode("utf-16"), False),
    ],
)
def test_sniff_binary(head, binary):
    assert (sniff_binary(head) is not None) is binary
