"""The bundled corpus: vocabulary, counts, provenance, and no copied or repeated passages."""

import csv
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from classifier import load_corpus

DATA = Path(__file__).resolve().parents[1] / "data"
LABELS = {"12-step-based", "12-step-facilitated", "non-12-step", "no-stance"}
PAGE_TYPES = {
    "homepage",
    "about",
    "approach",
    "program",
    "therapies",
    "level-of-care",
    "admissions",
    "insurance",
    "faq",
    "blog",
    "location",
    "staff",
    "alumni",
    "house-rules",
    "detox",
    "testimonials",
}
SETTINGS = {
    "residential",
    "outpatient",
    "iop",
    "php",
    "detox",
    "sober-living",
    "mat-clinic",
    "faith-based",
    "adolescent",
    "dual-diagnosis",
    "luxury",
    "multi-level",
    "directory",
}
# The floor: the corpus as it stands (the issue asks for at least 1,200 / 800 / 300 / 200).
# These counts may grow, never shrink: raise them when the corpus grows.
MIN_PAGES, MIN_REWRITTEN, MIN_REAL_PROVIDERS, MIN_PER_LABEL = 1456, 1036, 925, 224


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_vocabularies_are_the_documented_ones(corpus):
    assert set(corpus["label"]) <= LABELS
    assert set(corpus["page_type"]) <= PAGE_TYPES
    assert set(corpus["setting"]) <= SETTINGS
    assert set(corpus["source"]) <= {"rewritten", "invented"}
    assert corpus["hard"].isin([True, False]).all()


def test_vocabularies_match_the_label_guide():
    guide = (DATA / "LABELING.md").read_text()
    for word in LABELS | PAGE_TYPES | SETTINGS:
        assert f"`{word}`" in guide, word


def test_counts_never_shrink(corpus):
    rewritten = corpus[corpus["source"] == "rewritten"]
    real_providers = {urlsplit(url).hostname.removeprefix("www.") for url in rewritten["modeled_on"]}
    assert len(corpus) >= MIN_PAGES
    assert len(rewritten) >= MIN_REWRITTEN
    assert len(real_providers) >= MIN_REAL_PROVIDERS
    assert corpus["label"].value_counts().min() >= MIN_PER_LABEL


def test_records_are_well_formed(corpus):
    assert corpus["id"].is_unique
    words = corpus["text"].str.split().str.len()
    assert words.between(40, 800).all(), corpus.loc[~words.between(40, 800), "id"].tolist()
    rewritten = corpus["source"] == "rewritten"
    assert corpus.loc[rewritten, "modeled_on"].str.match(r"^https?://").all()
    assert (corpus.loc[~rewritten, "modeled_on"] == "").all()
    assert corpus["provider"].str.len().gt(0).all()


def test_every_rewritten_page_has_its_real_page_in_the_provenance_list(corpus):
    with (DATA / "real_world_labels.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"url", "label", "date_read", "reason"} <= set(rows[0])
    listed = {row["url"] for row in rows}
    missing = set(corpus.loc[corpus["source"] == "rewritten", "modeled_on"]) - listed
    assert not missing
    assert all(row["label"] in LABELS for row in rows)


def test_no_two_records_share_a_run_of_12_words(corpus):
    owners: dict[tuple[str, ...], str] = {}
    shared = defaultdict(set)
    for record_id, text in zip(corpus["id"], corpus["text"], strict=True):
        words = re.findall(r"[a-z0-9']+", text.lower())
        for start in range(len(words) - 11):
            gram = tuple(words[start : start + 12])
            first = owners.setdefault(gram, record_id)
            if first != record_id:
                shared[(first, record_id)].add(" ".join(gram))
    assert not shared, dict(list(shared.items())[:5])
