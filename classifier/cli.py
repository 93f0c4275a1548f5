"""The ``stepcheck`` command line: argparse subcommands, logging, progress, exit codes.

A thin layer: every subcommand calls the public API of ``scraper`` or ``classifier``.
Exit codes: 0 everything worked, 1 finished but some URLs failed, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from scraper import ScrapeConfig, __version__, crawl_sites
from scraper.errors import ConfigError

__all__ = ["main"]

logger = logging.getLogger("stepcheck")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A user mistake: reported as one sentence with exit code 2, never a traceback."""


def _add_scrape_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fetching")
    group.add_argument("--delay", type=float, default=1.0, help="seconds between requests to one host (1.0)")
    group.add_argument("--concurrency", type=int, default=8, help="sites fetched at once (8)")
    group.add_argument("--max-pages", type=int, default=6, help="pages read per site (6)")
    group.add_argument("--timeout", type=float, default=10.0, help="connect/read timeout in seconds (10)")
    group.add_argument(
        "--allow-private",
        action="store_true",
        help="allow hosts on loopback/private addresses (for your own test servers)",
    )
    group.add_argument(
        "--no-robots",
        action="store_true",
        help="ignore robots.txt (only for sites you own; a warning is printed)",
    )


def _scrape_config(args: argparse.Namespace) -> ScrapeConfig:
    if args.no_robots:
        logger.warning("--no-robots: robots.txt will be ignored; use this only on sites you own")
    try:
        return ScrapeConfig(
            delay=args.delay,
            concurrency=args.concurrency,
            max_pages=args.max_pages,
            timeout=args.timeout,
            allow_private=args.allow_private,
            respect_robots=not args.no_robots,
        )
    except ConfigError as error:
        raise UsageError(f"bad option: {error}") from None


def _cmd_scrape(args: argparse.Namespace) -> int:
    config = _scrape_config(args)
    out = None
    if args.output:
        try:
            out = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as error:
            raise UsageError(f"cannot write {args.output}: {error.strerror}") from None
    failed = 0
    try:
        for site in sorted(crawl_sites(args.urls, config=config), key=lambda s: s.index):
            start = site.pages[0]
            failed += not start.ok
            ok_pages = len(site.ok_pages)
            print(
                f"{start.status:<18} {ok_pages:>2} page(s)  {site.url}"
                + (f"  - {start.error}" if start.error else f"  - {start.title}")
            )
            if out:
                for page in site.pages:
                    out.write(json.dumps({"site": site.url, **page.to_dict()}, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    if out:
        print(f"pages written to {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the ``stepcheck`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="stepcheck",
        description="Label addiction-treatment providers as 12-Step based, 12-Step facilitated or "
        "non-12-Step from their own websites, with the evidence shown.",
    )
    parser.add_argument("--version", action="version", version=f"stepcheck {__version__}")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scrape = commands.add_parser("scrape", help="fetch sites and show what the scraper reads")
    scrape.add_argument("urls", nargs="+", metavar="URL", help="start pages of the sites")
    scrape.add_argument("-o", "--output", help="write every page read as JSON lines to this file")
    _add_scrape_options(scrape)
    scrape.set_defaults(handler=_cmd_scrape)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _configure_logging(args.verbose, args.quiet)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"stepcheck: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("stepcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
