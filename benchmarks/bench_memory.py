"""Memory of a batch run as the URL list grows: it must stay flat (the run streams).

    python benchmarks/bench_memory.py [--small 40] [--large 160]

Serves the same provider page from local servers (all on 127.0.0.1), runs ``run_batch`` over a
small and a large list in one process, and prints the peak of traced Python allocations during
each run and their ratio. Result rows are small; pages are dropped as soon as their site is done.
"""

from __future__ import annotations

import argparse
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd

from classifier import load_model
from classifier.batch import run_batch
from scraper import ScrapeConfig

PAGE = (
    "<html><body><nav><a href='/approach'>Our Approach</a></nav><p>"
    + "Our program is not a 12-Step program; we use SMART Recovery and CBT with every client. " * 40
    + "</p></body></html>"
).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(404 if self.path == "/robots.txt" else 200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


def peak(urls: list[str], model) -> float:
    frame = pd.DataFrame({"url": urls})
    config = ScrapeConfig(delay=0.0, max_pages=2, allow_private=True, concurrency=8)
    tracemalloc.start()
    run_batch(frame, url_column="url", model=model, config=config)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=40)
    parser.add_argument("--large", type=int, default=160)
    args = parser.parse_args()
    servers = []
    for _ in range(8):
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    model = load_model()

    def urls(n: int) -> list[str]:  # distinct URLs spread over the 8 hosts
        return [f"http://127.0.0.1:{servers[i % 8].server_address[1]}/?site={i}" for i in range(n)]

    peak(urls(8), model)  # warm-up: caches, thread pools
    small, large = peak(urls(args.small), model), peak(urls(args.large), model)
    for server in servers:
        server.shutdown()
    print(f"peak traced memory: {args.small} sites {small:.1f} MiB, {args.large} sites {large:.1f} MiB")
    print(f"  ratio large/small: {large / small:.2f}x for {args.large / args.small:.0f}x the sites")


if __name__ == "__main__":
    main()
