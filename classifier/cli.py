"""The ``stepcheck`` command line: argparse subcommands, logging, progress, exit codes.

A thin layer: every subcommand calls the public API of ``scraper`` or ``classifier``.
Exit codes: 0 everything worked, 1 finished but some URLs failed, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from scraper import ScrapeConfig, Status, __version__, crawl_site, crawl_sites, fetch_page
from scraper.errors import ConfigError

from .batch import RESULT_COLUMNS, SiteResult, classify_local, clean_url, run_batch, site_result, write_table
from .errors import StepcheckError
from .labels import STANCES

__all__ = ["main"]

logger = logging.getLogger("stepcheck")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A user mistake: reported as one sentence with exit code 2, never a traceback."""


# -- shared options ------------------------------------------------------------------------------
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


def _model(args: argparse.Namespace) -> Any:
    from .model import load_model

    return load_model(getattr(args, "model", None))


def _progress(total: int, description: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="site", file=sys.stderr, disable=None, dynamic_ncols=True)


# -- scrape ----------------------------------------------------------------------------------------
def _cmd_scrape(args: argparse.Namespace) -> int:
    config = _scrape_config(args)
    out = _open_for_writing(args.output) if args.output else None
    failed = 0
    try:
        for site in sorted(crawl_sites(args.urls, config=config), key=lambda s: s.index):
            start = site.pages[0]
            failed += not start.ok
            print(
                f"{start.status:<18} {len(site.ok_pages):>2} page(s)  {site.url}"
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


def _open_for_writing(name: str) -> Any:
    try:
        return open(name, "w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {name}: {error.strerror}") from None


# -- classify --------------------------------------------------------------------------------------
def _journal_path(output: Path) -> Path:
    return output.with_name(output.name + ".partial.jsonl")


def _page_record(result: SiteResult) -> list[dict[str, Any]]:
    records = []
    for page, prediction in result.pages:
        record = {
            "site": result.url,
            "url": page.url,
            "final_url": page.final_url,
            "status": str(page.status),
            "title": page.title,
            "error": page.error,
            "label": "",
            "confidence": None,
        }
        if prediction is not None:
            record.update(
                label=prediction.label.value,
                confidence=prediction.confidence,
                **{f"p_{s.value.replace('-', '_')}": prediction.probabilities[s] for s in STANCES},
                evidence=[e.sentence for e in prediction.evidence[:3]],
            )
        records.append(record)
    return records


def _cmd_classify(args: argparse.Namespace) -> int:
    from .inputs import is_local_html, read_input

    output = Path(args.output) if args.output else None
    if output is not None and output.suffix.lower() not in (".csv", ".tsv", ".jsonl", ".parquet"):
        raise UsageError(f"cannot write {output}: use an output name ending in .csv, .tsv, .jsonl or .parquet")
    if is_local_html(args.input):
        return _classify_local(args, output)
    frame, url_column = read_input(args.input, url_column=args.url_column)
    config = _scrape_config(args)
    journal = _journal_path(output) if output is not None else None
    if journal is not None and journal.exists() and not args.resume:
        raise UsageError(
            f"{journal} holds an unfinished run; rerun with --resume to continue it, or delete that file to start over"
        )
    if args.resume and output is None:
        raise UsageError("--resume needs -o OUTPUT (the run's progress is kept beside the output file)")
    model = _model(args)
    pages_out = _open_for_writing_append(args.pages_out, args.resume) if args.pages_out else None
    unique = len({clean_url(value) for value in frame[url_column]})
    statuses: collections.Counter[str] = collections.Counter()
    started = time.monotonic()
    progress = _progress(unique, "classifying")

    def on_result(result: SiteResult | None, row: dict[str, Any]) -> None:
        statuses[row["status"]] += 1
        progress.update(1)
        progress.set_postfix(dict(statuses.most_common(4)), refresh=False)
        if pages_out is not None and result is not None:
            for record in _page_record(result):
                pages_out.write(json.dumps(record, ensure_ascii=False) + "\n")
            pages_out.flush()

    try:
        table = run_batch(
            frame,
            url_column=url_column,
            model=model,
            config=config,
            journal=journal,
            resume=args.resume,
            on_result=on_result,
        )
    except KeyboardInterrupt:
        progress.close()
        if journal is not None:
            print(
                f"stepcheck: interrupted; finished sites are kept in {journal}: rerun the same command "
                "with --resume to continue",
                file=sys.stderr,
            )
        return 130
    finally:
        progress.close()
        if pages_out is not None:
            pages_out.close()
    return _finish(table, output, journal, time.monotonic() - started)


def _open_for_writing_append(name: str, append: bool) -> Any:
    try:
        return open(name, "a" if append else "w", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {name}: {error.strerror}") from None


def _finish(table: pd.DataFrame, output: Path | None, journal: Path | None, elapsed: float) -> int:
    status_column = _column(table, "status")
    label_column = _column(table, "label")
    if output is not None:
        write_table(table, output)
        if journal is not None:
            journal.unlink(missing_ok=True)
    else:
        _print_table(table)
    labels = table.loc[table[status_column] == "ok", label_column].value_counts()
    statuses = table[status_column].value_counts()
    summary = ", ".join(f"{name}: {count}" for name, count in labels.items()) or "none"
    problems = ", ".join(f"{name}: {count}" for name, count in statuses.items() if name != "ok")
    print(
        f"{len(table)} rows in {elapsed:.1f} s. labels - {summary}"
        + (f". not classified - {problems}" if problems else ""),
        file=sys.stderr,
    )
    if output is not None:
        print(f"results written to {output}", file=sys.stderr)
    return EXIT_OK if (table[status_column] == "ok").all() else EXIT_SOME_FAILED


def _column(table: pd.DataFrame, name: str) -> str:
    """The result column ``name`` as named in ``table`` (prefixed when the input had one of that name)."""
    return table.attrs.get("stepcheck_columns", {}).get(name, name)


def _print_table(table: pd.DataFrame) -> None:
    shown = table[[_column(table, c) for c in ("url", "status", "label", "confidence", "evidence")]].copy()
    shown.columns = ["url", "status", "label", "conf", "evidence"]
    shown["evidence"] = shown["evidence"].fillna("").str.slice(0, 70)
    shown["conf"] = shown["conf"].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.2f}")
    with pd.option_context("display.max_colwidth", 80, "display.width", 200, "display.max_rows", 500):
        print(shown.to_string(index=False))


def _classify_local(args: argparse.Namespace, output: Path | None) -> int:
    model = _model(args)
    started = time.monotonic()
    rows = [result.row() for result in classify_local(args.input, model=model)]
    if not rows:
        raise UsageError(f"{args.input} holds no .html or .htm files")
    return _finish(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)), output, None, time.monotonic() - started)


# -- explain ---------------------------------------------------------------------------------------
def _cmd_explain(args: argparse.Namespace) -> int:
    from .inputs import is_local_html

    model = _model(args)
    if is_local_html(args.target):
        results = list(classify_local(args.target, model=model))
        if not results:
            raise UsageError(f"{args.target} holds no .html or .htm files")
        result = results[0]
    else:
        pages = crawl_site(args.target, config=_scrape_config(args))
        result = site_result(0, args.target, pages, model)
    print(f"{result.url}\nstatus: {result.status}" + (f" ({result.error})" if result.error else ""))
    prediction = result.prediction
    if prediction is None:
        return EXIT_SOME_FAILED
    print(f"label: {prediction.label}  (confidence {prediction.confidence:.2f}, {prediction.pages} page(s) read)")
    print(
        "probabilities: "
        + ", ".join(f"{s}: {prediction.probabilities[s]:.2f}" for s in STANCES)
        + f", no stance: {prediction.p_unknown:.2f}"
    )
    print(f"decided by: {prediction.url or '-'}")
    print("\nevidence:")
    for item in prediction.evidence or ():
        stance = item.supports.value if item.supports else "-"
        print(f"  [{item.cue} -> {stance}{', ours' if item.owned else ''}] {item.sentence}\n    {item.url}")
    if not prediction.evidence:
        print("  (no cue sentences found)")
    print("\ntop features:")
    for name, weight in prediction.top_features:
        print(f"  {weight:+.3f}  {name}")
    print("\npages:")
    for page, page_prediction in result.pages:
        label = page_prediction.label.value if page_prediction else "-"
        conf = f"{page_prediction.confidence:.2f}" if page_prediction else ""
        print(f"  {page.status:<18} {label:<20} {conf:>5}  {page.final_url or page.url}")
    return EXIT_OK


# -- train / evaluate ----------------------------------------------------------------------------------
def _cmd_train(args: argparse.Namespace) -> int:
    from .evaluate import cross_validate
    from .model import corpus_sha256, load_corpus, save_model, train_model

    corpus = load_corpus(args.corpus)
    texts, labels, groups = corpus["text"].tolist(), corpus["label"].tolist(), corpus["provider"].tolist()
    model = train_model(texts, labels)
    model.manifest["corpus_sha256"] = corpus_sha256(args.corpus)
    if not args.no_cv:
        report = cross_validate(texts, labels, groups, n_jobs=2)
        model.manifest["cv_metrics"] = report.summary()
        print(report.format())
    path = save_model(model, args.output)
    print(f"model written to {path} (manifest {path.name}.json)", file=sys.stderr)
    return EXIT_OK


def _labelled(source: str, config: ScrapeConfig) -> tuple[list[str], list[str]]:
    from .errors import InputError

    path = Path(source)
    if not path.is_file():
        raise UsageError(f"cannot read {source}: no such file (give a CSV or JSONL with text,label or url,label)")
    frame = (
        pd.read_json(path, lines=True)
        if path.suffix.lower() in (".jsonl", ".ndjson")
        else pd.read_csv(path, dtype=str, keep_default_na=False)
    )
    if "label" not in frame.columns or not ({"text", "url"} & set(frame.columns)):
        raise InputError(f"{source} needs a label column and a text or url column; it has {list(frame.columns)}")
    if "text" in frame.columns:
        return frame["text"].astype(str).tolist(), frame["label"].astype(str).tolist()
    texts, labels = [], []
    for url, label in zip(frame["url"], frame["label"], strict=True):
        page = fetch_page(str(url), config=config)
        if page.status is Status.OK:
            texts.append(page.full_text)
            labels.append(label)
        else:
            logger.warning("skipping %s: %s", url, page.error)
    return texts, labels


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import baseline_report, cross_validate, evaluate
    from .model import load_corpus

    if args.labelled is None:
        corpus = load_corpus(args.corpus)
        texts, labels = corpus["text"].tolist(), corpus["label"].tolist()
        report = cross_validate(texts, labels, corpus["provider"].tolist(), n_jobs=2)
    else:
        texts, labels = _labelled(args.labelled, _scrape_config(args))
        report = evaluate(_model(args), texts, labels, name=f"model on {args.labelled}")
    baseline = baseline_report(texts, labels)
    print(report.format())
    print()
    print(baseline.format())
    print("\nside by side:")
    print(pd.DataFrame([report.summary(), baseline.summary()]).set_index("name").to_string())
    return EXIT_OK


# -- demo ------------------------------------------------------------------------------------------------
def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import demo_sites_dir, expected_labels, serve_sites

    output = Path(args.output)
    model = _model(args)
    with demo_sites_dir() as root, serve_sites(root) as urls:
        expected = expected_labels(root)
        frame = pd.DataFrame({"site": list(urls), "url": list(urls.values())}, dtype=object)
        config = ScrapeConfig(delay=0.05, concurrency=8, timeout=5.0, allow_private=True)
        print(f"serving {len(urls)} fictional provider sites from {root} on 127.0.0.1 ...", file=sys.stderr)
        started = time.monotonic()
        progress = _progress(len(frame), "demo")
        table = run_batch(
            frame,
            url_column="url",
            model=model,
            config=config,
            on_result=lambda result, row: progress.update(1),
        )
        progress.close()
    table["expected"] = table["site"].map(expected)
    shown = table[["site", "label", "confidence", "pages_read", "evidence"]].copy()
    shown["expected"] = table["expected"]
    shown["evidence"] = shown["evidence"].fillna("").str.slice(0, 60)
    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(shown.to_string(index=False))
    agree = int((table["label"] == table["expected"]).sum())
    print(f"\n{agree} of {len(table)} sites got the label a careful reader gives them (data/demo_sites/sites.csv).")
    write_table(table, output)
    print(
        f"full results ({len(table.columns)} columns, evidence included) written to {output} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return EXIT_OK if (table["status"] == "ok").all() else EXIT_SOME_FAILED


# -- parser ------------------------------------------------------------------------------------------------
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

    demo = commands.add_parser("demo", help="classify the bundled fictional provider sites, offline")
    demo.add_argument("-o", "--output", default="stepcheck-output/demo.csv", help="where to write the results")
    demo.add_argument("--model", help="a model file from 'stepcheck train' (default: the bundled model)")
    demo.set_defaults(handler=_cmd_demo)

    classify = commands.add_parser("classify", help="classify a list of provider URLs (the main job)")
    classify.add_argument(
        "input",
        metavar="INPUT",
        help="a .txt of URLs, a CSV/TSV/JSONL/Parquet table, an HTML file or folder, or -",
    )
    classify.add_argument("-o", "--output", help="output file (.csv, .tsv, .jsonl, .parquet); default: a table")
    classify.add_argument("--url-column", help="the input column holding URLs (default: url or website)")
    classify.add_argument("--model", help="a model file from 'stepcheck train' (default: the bundled model)")
    classify.add_argument("--pages-out", metavar="FILE", help="also write every page read, with its own label")
    classify.add_argument("--resume", action="store_true", help="continue an interrupted run with the same -o")
    _add_scrape_options(classify)
    classify.set_defaults(handler=_cmd_classify)

    explain = commands.add_parser("explain", help="one provider, human-readable: label, evidence, features")
    explain.add_argument("target", metavar="URL_OR_FILE")
    explain.add_argument("--model", help="a model file (default: the bundled model)")
    _add_scrape_options(explain)
    explain.set_defaults(handler=_cmd_explain)

    scrape = commands.add_parser("scrape", help="fetch sites and show what the scraper reads")
    scrape.add_argument("urls", nargs="+", metavar="URL", help="start pages of the sites")
    scrape.add_argument("-o", "--output", help="write every page read as JSON lines to this file")
    _add_scrape_options(scrape)
    scrape.set_defaults(handler=_cmd_scrape)

    train = commands.add_parser("train", help="train a model on a corpus (JSON lines)")
    train.add_argument("corpus", metavar="CORPUS")
    train.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to write the model")
    train.add_argument("--no-cv", action="store_true", help="skip the 5-fold cross-validation report")
    train.set_defaults(handler=_cmd_train)

    evaluate = commands.add_parser("evaluate", help="measure a model (and the cue-rules baseline)")
    evaluate.add_argument(
        "labelled",
        nargs="?",
        metavar="LABELLED_FILE",
        help="CSV/JSONL with text,label or url,label; default: cross-validation on the corpus",
    )
    evaluate.add_argument("--model", help="a model file (default: the bundled model)")
    evaluate.add_argument("--corpus", help="corpus for cross-validation (default: the bundled corpus)")
    _add_scrape_options(evaluate)
    evaluate.set_defaults(handler=_cmd_evaluate)
    return parser


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    root = logging.getLogger()
    if not any(getattr(h, "_stepcheck", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._stepcheck = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)


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
    except (UsageError, StepcheckError) as error:
        print(f"stepcheck: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("stepcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
