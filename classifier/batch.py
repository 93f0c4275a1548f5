"""URL lists in, one result row per URL out: ``classify_urls``, ``classify_frame``, resumable runs.

The scraper crawls sites in parallel and yields each as it finishes; each site's readable pages
are classified in one vectorised batch, and the site's row is produced at once. Nothing holds
all pages: memory grows only with the result rows.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scraper import Page, ScrapeConfig, ScrapeSession, Status, crawl_sites, page_from_html, url_problem

from .errors import InputError
from .labels import STANCES, Label
from .model import Model, load_model
from .predict import Prediction, classify_site, classify_texts

__all__ = [
    "RESULT_COLUMNS",
    "SiteResult",
    "classify_frame",
    "classify_local",
    "classify_urls",
    "clean_url",
    "find_url_column",
    "run_batch",
    "site_result",
    "write_table",
]

logger = logging.getLogger(__name__)

RESULT_COLUMNS = (
    "url", "final_url", "status", "label", "confidence", "p_12_step_based", "p_12_step_facilitated",
    "p_non_12_step", "evidence", "evidence_url", "pages_read", "error", "model_version",
)  # fmt: skip
_PROBABILITY_COLUMNS = dict(zip(STANCES, ("p_12_step_based", "p_12_step_facilitated", "p_non_12_step"), strict=True))
_BARE_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE)
_EVIDENCE_SENTENCES = 3
_EVIDENCE_CHARS = 220


@dataclass(frozen=True)
class SiteResult:
    """The outcome for one provider URL: its label with evidence, or the status saying why not."""

    index: int
    url: str
    final_url: str
    status: str
    label: str
    prediction: Prediction | None
    pages: tuple[tuple[Page, Prediction | None], ...] = field(default=(), repr=False)
    error: str = ""
    model_version: str = ""

    def row(self) -> dict[str, Any]:
        """Return the result as a flat row with ``RESULT_COLUMNS``."""
        prediction = self.prediction
        row: dict[str, Any] = {
            "url": self.url, "final_url": self.final_url, "status": self.status, "label": self.label,
            "confidence": None, **dict.fromkeys(_PROBABILITY_COLUMNS.values()), "evidence": "",
            "evidence_url": "", "pages_read": sum(page.ok for page, _ in self.pages),
            "error": self.error, "model_version": self.model_version,
        }  # fmt: skip
        if prediction is not None:
            row["confidence"] = prediction.confidence
            for stance, column in _PROBABILITY_COLUMNS.items():
                row[column] = prediction.probabilities.get(stance)
            row["evidence"] = _short_evidence(prediction)
            row["evidence_url"] = prediction.url or ""
            row["pages_read"] = prediction.pages
        return row


def _short_evidence(prediction: Prediction) -> str:
    sentences = []
    for item in prediction.evidence:
        if item.supports is not prediction.label and prediction.label is not Label.UNKNOWN:
            continue
        text = item.sentence if len(item.sentence) <= _EVIDENCE_CHARS else item.sentence[: _EVIDENCE_CHARS - 1] + "…"
        sentences.append(text)
        if len(sentences) == _EVIDENCE_SENTENCES:
            break
    return " | ".join(sentences)


def clean_url(value: object) -> str:
    """Return the URL in a table cell, stripped, with ``http://`` added to a bare host name.

    Examples
    --------
    >>> clean_url("  www.example.org/about "), clean_url(None)
    ('http://www.example.org/about', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    if text and "://" not in text and _BARE_HOST.match(text):
        return "http://" + text
    return text


def site_result(index: int, url: str, pages: Sequence[Page], model: Model) -> SiteResult:
    """Return the result for one site from its pages: all readable pages classified in one batch."""
    readable = [page for page in pages if page.ok]
    start = pages[0] if pages else Page(url=url, status=Status.INVALID_URL, error="nothing was read")
    if not readable:
        return SiteResult(
            index,
            url,
            start.final_url or url,
            str(start.status),
            "",
            None,
            tuple((page, None) for page in pages),
            start.error,
            model.version,
        )
    predictions = classify_texts(
        [p.full_text for p in readable], model=model, urls=[p.final_url or p.url for p in readable]
    )
    site = classify_site(readable, model=model, predictions=predictions)
    by_page = iter(predictions)
    pairs = tuple((page, next(by_page) if page.ok else None) for page in pages)
    return SiteResult(index, url, start.final_url or url, "ok", site.label.value, site, pairs, "", model.version)


def classify_urls(
    urls: Iterable[str],
    *,
    model: Model | None = None,
    config: ScrapeConfig | None = None,
    session: ScrapeSession | None = None,
) -> Iterator[SiteResult]:
    """Crawl and classify each provider URL; yield a ``SiteResult`` as each site finishes.

    Never raises for a bad URL or a failing site: its result carries the status and error.
    ``index`` is the URL's position in ``urls`` (results come in completion order).

    Parameters
    ----------
    urls : iterable of str
        Provider start pages; consumed lazily.
    model : Model, optional
        Defaults to ``load_model()``.
    config : ScrapeConfig, optional
        Scraper settings (ignored when ``session`` is given).
    session : ScrapeSession, optional
        Share politeness state with other work.
    """
    resolved = model or load_model()
    for crawl in crawl_sites(urls, config=config, session=session):
        yield site_result(crawl.index, crawl.url, crawl.pages, resolved)


def _local_sites(path: Path) -> list[tuple[str, list[Path]]]:
    """Return ``(name, html files)`` per site: a file is a site; a folder holds sites (see ``classify_local``)."""
    html = ("*.html", "*.htm")
    if path.is_file():
        return [(str(path), [path])]
    top = sorted(f for pattern in html for f in path.glob(pattern))
    if top:
        return [(str(path), sorted(f for pattern in html for f in path.rglob(pattern)))]
    sites = []
    for folder in sorted(p for p in path.iterdir() if p.is_dir()):
        files = sorted(f for pattern in html for f in folder.rglob(pattern))
        if files:
            sites.append((str(folder), files))
    return sites


def classify_local(
    path: str | os.PathLike[str], *, model: Model | None = None, min_words: int = 20
) -> Iterator[SiteResult]:
    """Classify saved HTML: a file is one page and one site; a folder whose HTML files sit at its
    top is one site (all its HTML files, recursively); otherwise each sub-folder is a site.
    """
    resolved = model or load_model()
    root = Path(path)
    if not root.exists():
        raise InputError(f"{root} does not exist; give an HTML file or a folder of saved pages")
    for index, (name, files) in enumerate(_local_sites(root)):
        pages = [page_from_html(file.as_uri(), file.read_bytes(), min_words=min_words) for file in files]
        yield site_result(index, name, pages, resolved)


def find_url_column(frame: pd.DataFrame, url_column: str | None = None) -> str:
    """Return the column holding URLs: ``url_column`` if given, else one named url or website."""
    if url_column is not None:
        if url_column not in frame.columns:
            raise InputError(f"no column {url_column!r}; the columns are {list(frame.columns)}")
        return url_column
    for name in ("url", "website", "homepage", "web site", "site"):
        for column in frame.columns:
            if str(column).strip().lower() == name:
                return str(column)
    raise InputError(
        f"no URL column found among {list(frame.columns)}; name it with --url-column "
        "(url_column=...), or call the column 'url' or 'website'"
    )


def _result_name(column: str, taken: set[str]) -> str:
    name = column
    while name in taken:
        name = f"stepcheck_{name}"
    return name


def _merge(frame: pd.DataFrame, url_column: str, results: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Return ``frame`` with the result columns appended, one result per row by its cleaned URL."""
    taken = {str(c) for c in frame.columns}
    out = frame.copy()
    cleaned = [clean_url(value) for value in frame[url_column]]
    rows = [results.get(url) or _missing_row(url) for url in cleaned]
    names = {"url": "url"} if url_column == "url" else {}  # the input's own url column stands in
    for column in RESULT_COLUMNS:
        if column not in names:
            names[column] = _result_name(column, taken)
            out[names[column]] = [row[column] for row in rows]
    out.attrs["stepcheck_columns"] = names
    return out


def _missing_row(url: str) -> dict[str, Any]:
    row = dict.fromkeys(RESULT_COLUMNS, None)
    row.update(
        url=url,
        final_url=url,
        status=str(Status.INVALID_URL),
        label="",
        evidence="",
        evidence_url="",
        pages_read=0,
        error=url_problem(url) or "the row has no URL",
        model_version="",
    )
    return row


def run_batch(
    frame: pd.DataFrame,
    *,
    url_column: str,
    model: Model,
    config: ScrapeConfig | None = None,
    journal: Path | None = None,
    resume: bool = False,
    on_result: Callable[[SiteResult | None, dict[str, Any]], None] | None = None,
) -> pd.DataFrame:
    """Classify every row of ``frame``; return it with the result columns, in input order.

    Each distinct URL is crawled once. With ``journal``, each finished site's row is appended
    to that JSON-lines file and flushed at once; with ``resume``, rows already in the journal
    are reused and only the rest is crawled, so a killed run loses and duplicates nothing.

    Parameters
    ----------
    on_result : callable, optional
        Called with each ``SiteResult`` (``None`` for rows taken from the journal) and its row.
    """
    cleaned = [clean_url(value) for value in frame[url_column]]
    unique = list(dict.fromkeys(cleaned))
    done: dict[str, dict[str, Any]] = {}
    if journal is not None and resume and journal.exists():
        done = _read_journal(journal)
        logger.info("resuming: %d of %d URLs already done in %s", len(done), len(unique), journal)
    for row in done.values():
        if on_result:
            on_result(None, row)
    todo = [url for url in unique if url not in done and not url_problem(url)]
    for url in unique:
        if url not in done and url_problem(url):
            done[url] = _missing_row(url)
            if on_result:
                on_result(None, done[url])
    handle = journal.open("a", encoding="utf-8") if journal is not None else None
    try:
        for result in classify_urls(todo, model=model, config=config):
            row = result.row()
            done[row["url"]] = row
            if handle is not None:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            if on_result:
                on_result(result, row)
    finally:
        if handle is not None:
            handle.close()
    return _merge(frame, url_column, done)


def _read_journal(path: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                row = json.loads(line)
            except ValueError:
                continue  # the line being written when the run was killed
            if isinstance(row, dict) and set(RESULT_COLUMNS) <= set(row):
                rows[row["url"]] = row
    return rows


def classify_frame(
    frame: pd.DataFrame,
    *,
    url_column: str | None = None,
    model: Model | None = None,
    config: ScrapeConfig | None = None,
) -> pd.DataFrame:
    """Return ``frame`` with stepcheck's result columns added, one result per row, in order.

    Every input column is carried through untouched; the added columns are ``RESULT_COLUMNS``
    (a name that collides with an input column gets a ``stepcheck_`` prefix; an input URL
    column named ``url`` serves as the result's ``url``). Duplicate URLs are crawled once and
    reported on each of their rows.

    Examples
    --------
    >>> frame = pd.DataFrame({"name": ["Cedar Hollow"], "website": ["cedar.example"]})
    >>> classify_frame(frame).columns[:4].tolist()  # doctest: +SKIP
    ['name', 'website', 'url', 'final_url']
    """
    column = find_url_column(frame, url_column)
    return run_batch(frame, url_column=column, model=model or load_model(), config=config)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` by its extension (.csv, .tsv, .jsonl, .parquet), atomically."""
    suffix = path.suffix.lower()
    writers: dict[str, Callable[[Path], None]] = {
        ".csv": lambda p: frame.to_csv(p, index=False),
        ".tsv": lambda p: frame.to_csv(p, index=False, sep="\t"),
        ".jsonl": lambda p: frame.to_json(p, orient="records", lines=True, force_ascii=False),
        ".parquet": lambda p: frame.to_parquet(p, index=False),
    }
    if suffix not in writers:
        raise InputError(f"cannot write {path}: use an output name ending in .csv, .tsv, .jsonl or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", suffix=suffix, delete=False) as tmp:
        temporary = Path(tmp.name)
    try:
        writers[suffix](temporary)
        os.replace(temporary, path)
    except ImportError:
        temporary.unlink(missing_ok=True)
        raise InputError("writing Parquet needs pyarrow: pip install 'stepcheck[parquet]'") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
