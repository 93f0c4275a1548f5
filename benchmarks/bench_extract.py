"""Text extraction cost: stepcheck's extract_text (BeautifulSoup on lxml) versus BeautifulSoup's
pure-Python html.parser doing the same work, on the bundled demo pages, side by side.

    python benchmarks/bench_extract.py
"""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import bs4

from scraper import extract_text

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo_sites"


def run(pages: list[bytes], rounds: int = 5) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            extract_text(page, url="http://x.example/")
    return (time.perf_counter() - started) / (rounds * len(pages))


def main() -> None:
    pages = [p.read_bytes() for p in sorted(DEMO.rglob("*.html"))]
    original = bs4.BeautifulSoup

    def html_parser(markup, features=None, **kwargs):
        return original(markup, "html.parser", **kwargs)

    lxml_times, python_times = [], []
    for _ in range(3):  # interleaved
        lxml_times.append(run(pages))
        with mock.patch("scraper.extract.BeautifulSoup", html_parser):
            python_times.append(run(pages))
    lxml_best, python_best = min(lxml_times), min(python_times)
    kib = sum(map(len, pages)) / len(pages) / 1024
    print(f"{len(pages)} demo pages, {kib:.1f} KiB on average, best of 3 interleaved rounds")
    print(f"  lxml parser       : {lxml_best * 1e3:6.2f} ms/page")
    print(f"  html.parser       : {python_best * 1e3:6.2f} ms/page")
    print(f"  ratio html.parser / lxml: {python_best / lxml_best:.2f}x")


if __name__ == "__main__":
    main()
