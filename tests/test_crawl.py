"""crawl_site and crawl_sites against real local servers, including a real provider site."""

import pytest

from scraper import Status, crawl_site, crawl_sites

from conftest import SHARED, page_html

RIVERVIEW = SHARED / "data" / "sites" / "riverview"
WORDS = " ".join(["Every client meets a licensed counselor twice a week."] * 3)


def nav(*links):
    return "<nav>" + "".join(f'<a href="{href}">{text}</a>' for href, text in links) + "</nav>"


@pytest.fixture
def provider(server):
    """A provider site: homepage menu, approach page, blog posts, contact, assets, duplicates."""
    menu = nav(
        ("/", "Home"),
        ("/blog/2023/05/why-aa-works", "Why AA works"),
        ("/contact", "Contact"),
        ("/our-approach", "Our Approach"),
        ("/about/", "About Us"),
        ("/about/index.html", "About"),
        ("/about?utm_source=menu", "About"),
        ("/css/site.css", "styles"),
        ("/brochure.pdf", "Brochure"),
        ("/logo.png", "Logo"),
        ("https://elsewhere.example/", "Partner"),
        ("mailto:x@y.org", "Email"),
    )
    server.add("/", page_html(menu + f"<p>{WORDS}</p>"))
    server.add("/our-approach", page_html(menu + "<p>We are a non 12-Step program. " + WORDS + "</p>"))
    server.add("/about/", page_html(menu + "<p>Founded in 2009. " + WORDS + "</p>"))
    server.add("/about", page_html(menu + "<p>Founded in 2009. " + WORDS + "</p>"))
    server.add("/contact", page_html(menu + "<p>Call us. " + WORDS + "</p>"))
    server.add("/blog/2023/05/why-aa-works", page_html(menu + "<p>AA changed my life. " + WORDS + "</p>"))
    return server


def test_crawl_reads_approach_pages_first_and_skips_assets_blogs_and_duplicates(provider, config):
    pages = crawl_site(provider.url("/"), config=config.replace(max_pages=3))
    paths = [page.final_url.replace(provider.url(""), "") for page in pages]
    assert paths == ["/", "/our-approach", "/about/"]
    requested = provider.paths()
    assert not any(path.endswith((".css", ".pdf", ".png")) for path in requested)
    assert requested.count("/about/") + requested.count("/about") + requested.count("/about/index.html") == 1
    assert all(page.status is Status.OK for page in pages)


def test_crawl_stops_at_max_pages(provider, config):
    assert len(crawl_site(provider.url("/"), config=config.replace(max_pages=1))) == 1


def test_crawl_does_not_read_what_robots_forbids(provider, config):
    provider.add("/robots.txt", "User-agent: *\nDisallow: /our-approach", content_type="text/plain")
    pages = crawl_site(provider.url("/"), config=config.replace(max_pages=6))
    assert "/our-approach" not in provider.paths()
    assert all(page.ok for page in pages)


def test_crawl_of_a_failing_start_page_returns_that_page_only(server, config):
    pages = crawl_site(server.url("/missing"), config=config)
    assert [page.status for page in pages] == [Status.HTTP_ERROR]


def test_crawl_sites_yields_every_input_once_with_its_index(make_server, config):
    good, bad = make_server(), make_server()
    good.add("/", page_html(f"<p>{WORDS}</p>"))
    urls = [good.url("/"), "not a url", bad.url("/gone"), good.url("/")]
    results = list(crawl_sites(iter(urls), config=config.replace(concurrency=3)))
    assert sorted(result.index for result in results) == [0, 1, 2, 3]
    by_index = {result.index: result for result in results}
    assert by_index[0].pages[0].ok and by_index[3].pages[0].ok
    assert by_index[1].pages[0].status is Status.INVALID_URL
    assert by_index[2].pages[0].status is Status.HTTP_ERROR


@pytest.mark.skipif(not RIVERVIEW.is_dir(), reason="../shared/data/sites/riverview is not present")
def test_real_provider_site_riverview(server, config):
    server.serve_dir(RIVERVIEW)
    pages = crawl_site(server.url("/index.html"), config=config.replace(max_pages=6))
    by_path = {page.final_url.removeprefix(server.url("")): page for page in pages}
    assert "/program.html" in by_path, "the program page must be read"
    assert by_path["/program.html"].status is Status.OK
    assert "AA or NA meetings" in by_path["/program.html"].text
    assert all(page.status is Status.OK for page in pages)
    assert len(pages) == len({page.final_url for page in pages})
    requested = server.paths()
    assert not any(path.endswith((".css", ".js", ".png", ".jpg", ".ico", ".json")) for path in requested)
    assert all(path.startswith("/") for path in requested)  # nothing left the local server
