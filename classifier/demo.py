"""The offline demo: serve the bundled fictional provider sites on loopback, one port per site."""

from __future__ import annotations

import functools
import importlib.resources
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd

__all__ = ["demo_sites_dir", "expected_labels", "serve_sites"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def demo_sites_dir() -> Iterator[Path]:
    """Yield the folder of bundled demo sites (a real path, even inside a zipped install)."""
    resource = importlib.resources.files("stepcheck_data").joinpath("demo_sites")
    with importlib.resources.as_file(resource) as path:
        yield Path(path)


def expected_labels(root: Path) -> dict[str, str]:
    """Return each demo site's expected provider label, from ``sites.csv``."""
    table = pd.read_csv(root / "sites.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["site"], table["expected_label"], strict=True))


@contextmanager
def serve_sites(root: Path, host: str = "127.0.0.1") -> Iterator[dict[str, str]]:
    """Serve each sub-folder of ``root`` as its own web site on ``host``; yield name -> homepage URL.

    Every site gets its own port (so its own robots.txt and politeness), and all servers stop
    when the block ends. Only loopback addresses are used.
    """
    sites = sorted(p for p in root.iterdir() if p.is_dir() and (p / "index.html").is_file())
    urls: dict[str, str] = {}
    with ExitStack() as stack:
        for site in sites:
            handler = functools.partial(_QuietHandler, directory=str(site))
            server = ThreadingHTTPServer((host, 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True, name=f"demo-{site.name}").start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            urls[site.name] = f"http://{host}:{server.server_address[1]}/"
        yield urls
