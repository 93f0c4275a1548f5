"""Choose the model's hyper-parameters and views by provider-grouped 5-fold cross-validation.

Prints one row per candidate: macro-F1 over the three stances, macro-F1 on stance pages,
accuracy, log-loss of the out-of-fold probabilities, and training seconds. With a held-out
file of real pages (JSON lines with text and label; never committed), the same figures on it.

    python benchmarks/tune_model.py [--heldout FILE] [--only NAME ...] [--show]

``--only "words only" --show`` prints the plain TF-IDF (word n-grams) + logistic regression
baseline's full report: macro-F1 and confusion matrix under provider-grouped 5-fold CV.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedGroupKFold

from classifier import Label, evaluate, load_corpus, parse_label, train_model
from classifier.model import DEFAULT_PARAMS, SEED
from classifier.predict import classify_texts

CANDIDATES = {
    "words only": {"char_weight": 0, "cue_weight": 0, "owner_weight": 0},
    "words+chars": {"cue_weight": 0, "owner_weight": 0},
    "words+chars+cue sentences": {"owner_weight": 0},
    "all four views (default)": {},
    "all, C=3": {"C": 3.0},
    "all, C=10": {"C": 10.0},
    "all, C=30": {"C": 30.0},
    "all, cue views x2": {"cue_weight": 2.0, "owner_weight": 2.0},
    "no chars": {"char_weight": 0},
    "no chars, C=30": {"char_weight": 0, "C": 30.0},
    "words 1-3, no chars": {"char_weight": 0, "word_ngrams": (1, 3)},
}


def run(name: str, params: dict, texts: list[str], labels: list[str], groups: list[str], heldout: pd.DataFrame | None):
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    predicted, probabilities = [None] * len(texts), np.zeros((len(texts), 4))
    order = [label.value for label in (Label.BASED, Label.FACILITATED, Label.NON, Label.UNKNOWN)]
    started = time.perf_counter()
    for train, test in folds.split(texts, labels, groups):
        model = train_model([texts[i] for i in train], [labels[i] for i in train], **params)
        for i, p in zip(test, classify_texts([texts[i] for i in test], model=model), strict=True):
            predicted[i] = p.label
            probabilities[i] = [*(p.probabilities[Label(v)] for v in order[:3]), p.p_unknown]
    seconds = (time.perf_counter() - started) / 5
    from classifier.evaluate import Report

    truth = tuple(parse_label(label) for label in labels)
    report = Report(name, truth, tuple(predicted), tuple(probabilities.max(axis=1)))
    row = {
        "candidate": name,
        **{k: v for k, v in report.summary().items() if k not in ("name", "n")},
        "log_loss": round(
            log_loss([t.value for t in truth], probabilities / probabilities.sum(1, keepdims=True), labels=order), 4
        ),
        "train_s": round(seconds, 1),
    }
    if heldout is not None:
        model = train_model(texts, labels, **params)
        held = evaluate(model, heldout["text"].tolist(), heldout["label"].tolist()).summary()
        row.update({f"heldout_{k}": v for k, v in held.items() if k.startswith("macro") or k == "accuracy"})
    row["report"] = report.format()
    return row


def calibrated(texts: list[str], labels: list[str], groups: list[str]) -> dict:
    """Log-loss of the default pipeline wrapped in sigmoid calibration (inner 3-fold), same outer folds."""
    from sklearn.calibration import CalibratedClassifierCV

    from classifier.model import build_pipeline

    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    y = np.array([parse_label(label).value for label in labels])
    probabilities = np.zeros((len(texts), 4))
    classes = None
    for train, test in folds.split(texts, y, groups):
        model = CalibratedClassifierCV(build_pipeline(**DEFAULT_PARAMS), method="sigmoid", cv=3)
        model.fit([texts[i] for i in train], y[train])
        probabilities[test] = model.predict_proba([texts[i] for i in test])
        classes = list(model.classes_)
    return {
        "candidate": "default + sigmoid calibration",
        "log_loss": round(log_loss(y, probabilities, labels=classes), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", help="JSON lines of real pages with text and label (kept off the repo)")
    parser.add_argument("--only", nargs="*", help="candidate names to run")
    parser.add_argument("--show", action="store_true", help="also print each candidate's full CV report")
    args = parser.parse_args()
    corpus = load_corpus()
    heldout = pd.read_json(args.heldout, lines=True) if args.heldout else None
    texts, labels, groups = corpus["text"].tolist(), corpus["label"].tolist(), corpus["provider"].tolist()
    chosen = {k: v for k, v in CANDIDATES.items() if not args.only or k in args.only}
    print(f"corpus: {len(texts)} pages; defaults: {json.dumps(DEFAULT_PARAMS, default=list)}", flush=True)
    rows = Parallel(n_jobs=2)(
        delayed(run)(name, params, texts, labels, groups, heldout) for name, params in chosen.items()
    )
    if not args.only or "calibrated" in args.only:
        rows.append(calibrated(texts, labels, groups))
    if args.show:
        for row in rows:
            if "report" in row:
                print(row["report"].replace("== model", f"== {row['candidate']}", 1), end="\n\n")
    table = pd.DataFrame(rows).drop(columns="report", errors="ignore").set_index("candidate")
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table.to_string())


if __name__ == "__main__":
    main()
