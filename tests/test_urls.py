import pytest

from scraper import Link, link_score, normalize_url, url_problem
from scraper.urls import is_asset, same_site


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("example.org", "no scheme; write it as https://example.org"),
        ("ftp://example.org/file", "scheme 'ftp'"),
        ("mailto:someone@example.org", "scheme 'mailto'"),
        ("http://", "no host"),
        ("not a url at all", "spaces"),
        ("%%%garbage%%%", "not a web address"),
        ("http://exa..mple.org/", "invalid host"),
        ("http://example.org:99999/", "not a valid URL"),
        (None, "not a URL"),
    ],
)
def test_url_problem_says_what_is_wrong(url, words):
    problem = url_problem(url)
    assert problem is not None and words in problem


@pytest.mark.parametrize("url", ["https://example.org", "http://127.0.0.1:8080/a?b=1", "http://[::1]/"])
def test_good_urls_have_no_problem(url):
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("HTTP://Example.ORG:80/", "http://example.org"),
        ("https://x.org/about/index.html", "https://x.org/about/"),
        ("https://x.org/a/../b?utm_source=ad&z=1&a=2#top", "https://x.org/b?a=2&z=1"),
    ],
)
def test_normalize_url_merges_equivalent_addresses(left, right):
    assert normalize_url(left) == normalize_url(right)


def test_same_site_ignores_www_but_not_port():
    assert same_site("https://www.x.org/a", "http://x.org/b")
    assert not same_site("http://127.0.0.1:8001/", "http://127.0.0.1:8002/")


@pytest.mark.parametrize("url", ["https://x.org/css/site.css", "https://x.org/logo.PNG", "https://x.org/a.pdf"])
def test_assets_are_recognised(url):
    assert is_asset(url)


def test_link_score_prefers_approach_pages_over_blog_posts():
    ranked = sorted(
        [
            Link("https://x.org/blog/2022/04/is-aa-for-you", "Is AA for you?"),
            Link("https://x.org/contact", "Contact"),
            Link("https://x.org/non-12-step-rehab", "Non 12-Step Rehab"),
            Link("https://x.org/about", "About Us"),
            Link("https://x.org/our-philosophy", "Our Philosophy"),
        ],
        key=link_score,
        reverse=True,
    )
    assert [link.url.rsplit("/", 1)[1] for link in ranked[:3]] == [
        "non-12-step-rehab",
        "our-philosophy",
        "about",
    ]
    assert link_score(ranked[-1]) < 0
