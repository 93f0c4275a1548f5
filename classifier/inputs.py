"""Read a batch's input: a text file of URLs, a table with a URL column, or standard input."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .batch import find_url_column
from .errors import InputError

__all__ = ["TABLE_SUFFIXES", "is_local_html", "read_input"]

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet")


def is_local_html(source: str) -> bool:
    """Return True when ``source`` names saved HTML (a .html/.htm file or a folder)."""
    path = Path(source)
    return source != "-" and (path.is_dir() or path.suffix.lower() in (".html", ".htm"))


def _text_lines(text: str) -> pd.DataFrame:
    urls = [line.strip() for line in text.splitlines()]
    return pd.DataFrame({"url": [url for url in urls if url and not url.startswith("#")]}, dtype=object)


def read_input(source: str, *, url_column: str | None = None) -> tuple[pd.DataFrame, str]:
    """Return the input rows as a DataFrame of strings, and the name of its URL column.

    ``source`` is a text file (one URL per line; blank lines and ``#`` comments skipped), a
    CSV/TSV/JSONL/Parquet table, or ``-`` for URLs on standard input. Table cells are read as
    text, exactly as written, so every column can be carried through untouched.

    Raises
    ------
    InputError
        The file cannot be read, has no URL column, or holds no rows (the message says the fix).
    """
    if source == "-":
        frame = _text_lines(sys.stdin.read())
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(
                f"cannot read {source}: no such file (give a .txt list of URLs, a CSV/TSV/JSONL/"
                "Parquet table with a url or website column, an HTML file or a folder, or -)"
            )
        suffix = path.suffix.lower()
        try:
            if suffix in (".csv", ".tsv"):
                frame = pd.read_csv(
                    path,
                    sep="\t" if suffix == ".tsv" else ",",
                    dtype=str,
                    keep_default_na=False,
                    encoding="utf-8-sig",
                )
            elif suffix in (".jsonl", ".ndjson"):
                frame = pd.read_json(path, lines=True, dtype=False)
                frame = frame.astype(object).where(frame.notna(), "")
            elif suffix == ".parquet":
                frame = pd.read_parquet(path)
            else:
                frame = _text_lines(path.read_text(encoding="utf-8-sig", errors="replace"))
        except ImportError:
            raise InputError("reading Parquet needs pyarrow: pip install 'stepcheck[parquet]'") from None
        except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
            raise InputError(f"cannot read {source} as {suffix or 'text'}: {error}") from None
    if frame.empty:
        raise InputError(f"{source} holds no URLs")
    return frame, find_url_column(frame, url_column)
