"""Crawling many sites in parallel versus one after another, on loopback servers with latency.

    python benchmarks/bench_crawl.py [--sites 16] [--latency 0.05]

Each local server (one per "host", all on 127.0.0.1) answers every request after ``latency``
seconds, like a slow web site. The same list is crawled with concurrency 1 and 8 in one run;
the ratio shows how much the per-host politeness still lets many hosts progress at once.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scraper import ScrapeConfig, crawl_sites

PAGE = (
    "<html><head><title>Provider</title></head><body><nav><a href='/approach'>Our Approach</a>"
    "<a href='/programs'>Programs</a></nav><p>" + "Clients meet a counselor every weekday. " * 20 + "</p></body></html>"
).encode()


class Slow(BaseHTTPRequestHandler):
    def __init__(self, *args, latency: float, **kwargs):
        self.latency = latency
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def do_GET(self):
        time.sleep(self.latency)
        status = 404 if self.path == "/robots.txt" else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    servers = []
    for _ in range(args.sites):
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Slow, latency=args.latency))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    urls = [f"http://127.0.0.1:{s.server_address[1]}/" for s in servers]
    base = ScrapeConfig(delay=0.1, max_pages=3, allow_private=True)
    times = {}
    for concurrency in (1, 8):
        started = time.perf_counter()
        results = list(crawl_sites(urls, config=base.replace(concurrency=concurrency)))
        times[concurrency] = time.perf_counter() - started
        assert len(results) == len(urls)
    for server in servers:
        server.shutdown()
    print(f"{args.sites} sites x 3 pages (+ robots.txt), {args.latency * 1000:.0f} ms latency, delay 0.1 s per host")
    print(f"  concurrency 1: {times[1]:.2f} s   concurrency 8: {times[8]:.2f} s   speed-up {times[1] / times[8]:.2f}x")


if __name__ == "__main__":
    main()
