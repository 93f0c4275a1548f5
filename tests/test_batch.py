"""The batch API against local servers: the demo sites, every status, columns, duplicates."""

import socket
import time
from pathlib import Path

import pandas as pd
import pytest

from classifier import RESULT_COLUMNS, InputError, classify_frame, classify_urls
from classifier.demo import expected_labels, serve_sites
from scraper import ScrapeConfig

from conftest import page_html, send

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo_sites"
FAST = ScrapeConfig(delay=0.0, timeout=2.0, deadline=4.0, retries=0, allow_private=True, concurrency=8)
STANCE_TEXT = (
    "<p>Our program is not a 12-Step program. We offer SMART Recovery and cognitive behavioral therapy, "
    "and no one here will ask you to admit you are powerless or to believe in a Higher Power.</p>"
)


def test_demo_sites_get_the_labels_a_careful_reader_gives(default_model):
    expected = expected_labels(DEMO)
    assert len(expected) >= 9
    with serve_sites(DEMO) as urls:
        results = {r.url: r for r in classify_urls(urls.values(), model=default_model, config=FAST)}
    for site, url in urls.items():
        result = results[url]
        assert result.status == "ok", (site, result.error)
        assert result.label == expected[site], (site, result.prediction)


def test_demo_stance_counts_meet_the_brief():
    counts = pd.Series(expected_labels(DEMO)).value_counts()
    assert all(counts.get(label, 0) >= 2 for label in ("12-step-based", "12-step-facilitated", "non-12-step"))
    assert counts.get("unknown", 0) >= 1
    for site in expected_labels(DEMO):
        pages = list((DEMO / site).rglob("*.html"))
        assert 3 <= len(pages) <= 8, site


def test_robots_keeps_the_crawler_out_of_a_disallowed_blog(default_model):
    with serve_sites(DEMO) as urls:
        result = next(classify_urls([urls["clearpath-wellness-center"]], model=default_model, config=FAST))
    assert result.pages and not any("/blog/" in page.url for page, _ in result.pages)


@pytest.fixture
def hosts(make_server):
    """Several hosts, one per behaviour."""
    good, broken, shy, binary, empty, slow = (make_server() for _ in range(6))
    good.add("/", page_html(STANCE_TEXT))
    broken.add("/", "gone", status=410)
    shy.add("/robots.txt", "User-agent: *\nDisallow: /", content_type="text/plain")
    shy.add("/", page_html(STANCE_TEXT))
    binary.add("/", b"%PDF-1.5\n" + bytes(range(256)) * 20, content_type="text/html")
    empty.add("/", "<html><body><div id='app'></div><script>boot()</script></body></html>")
    slow.routes["/"] = lambda h: (time.sleep(3), send(h, 200, b"late"))
    for server in (good, broken, binary, empty, slow):
        server.add("/loop", "", status=302, headers={"Location": "/loop2"})
        server.add("/loop2", "", status=302, headers={"Location": "/loop"})
    return {"good": good, "broken": broken, "shy": shy, "binary": binary, "empty": empty, "slow": slow}


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/"


def test_every_status_reaches_the_output_in_input_order(hosts, default_model):
    rows = [
        ("good", hosts["good"].url("/")),
        ("gone", hosts["broken"].url("/")),
        ("robots", hosts["shy"].url("/")),
        ("pdf", hosts["binary"].url("/")),
        ("js", hosts["empty"].url("/")),
        ("slow", hosts["slow"].url("/")),
        ("loop", hosts["good"].url("/loop")),
        ("bad", "not a url"),
        ("blank", ""),
        ("dns", "http://no-such.invalid/"),
        ("down", closed_port_url()),
        ("dup", hosts["good"].url("/")),
    ]
    frame = pd.DataFrame({"name": [n for n, _ in rows], "Website": [u for _, u in rows], "zip": ["02115"] * len(rows)})
    out = classify_frame(frame, model=default_model, config=FAST.replace(timeout=1.0, deadline=2.0))
    assert list(out.columns) == ["name", "Website", "zip", *RESULT_COLUMNS]
    assert out["name"].tolist() == frame["name"].tolist() and (out["zip"] == "02115").all()
    status = dict(zip(out["name"], out["status"], strict=True))
    assert status == {
        "good": "ok",
        "gone": "http_error",
        "robots": "blocked_by_robots",
        "pdf": "not_html",
        "js": "no_text",
        "slow": "timeout",
        "loop": "too_many_redirects",
        "bad": "invalid_url",
        "blank": "invalid_url",
        "dns": "dns_error",
        "down": "connection_error",
        "dup": "ok",
    }
    failed = out[out["status"] != "ok"]
    assert (failed["error"].str.len() > 10).all() and (failed["label"] == "").all()
    good = out[out["name"] == "good"].iloc[0]
    assert good["label"] == "non-12-step" and "not a 12-Step program" in good["evidence"]
    assert good["evidence_url"] == hosts["good"].url("/") and good["pages_read"] == 1
    assert out[out["name"] == "dup"].iloc[0].drop("name").equals(good.drop("name"))
    assert hosts["good"].paths().count("/") == 1, "a duplicated URL must be fetched once"


def test_private_addresses_are_refused_without_allow_private(hosts, default_model):
    frame = pd.DataFrame({"url": [hosts["good"].url("/")]})
    out = classify_frame(frame, model=default_model, config=FAST.replace(allow_private=False))
    assert out["status"].tolist() == ["blocked_address"] and hosts["good"].hits == []


def test_url_column_is_found_or_named(default_model):
    with pytest.raises(InputError, match="--url-column"):
        classify_frame(pd.DataFrame({"homepage_link": ["x"]}), model=default_model)
    with pytest.raises(InputError, match="no column 'link'"):
        classify_frame(pd.DataFrame({"url": ["x"]}), url_column="link", model=default_model)


def test_colliding_input_columns_stay_untouched(hosts, default_model):
    frame = pd.DataFrame({"url": [hosts["good"].url("/")], "label": ["mine"], "status": ["open"]})
    out = classify_frame(frame, model=default_model, config=FAST)
    assert out["label"].tolist() == ["mine"] and out["status"].tolist() == ["open"]
    assert out["stepcheck_label"].tolist() == ["non-12-step"] and out["stepcheck_status"].tolist() == ["ok"]
