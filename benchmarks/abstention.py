"""Measure the abstention rule: below which confidence an uncued stance becomes ``unknown``.

    python benchmarks/abstention.py [--heldout FILE]

The rule (classifier/predict.py): a page is ``unknown`` when the no-stance class wins, or when
its best stance has probability below the threshold and no cue in the text supports that stance.
For each threshold this prints, on out-of-fold predictions of provider-grouped 5-fold CV (and on a
held-out file of real pages when given): macro-F1 over the three stances, the share of no-stance
pages answered ``unknown``, and the share of stance pages given a stance.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from classifier import STANCES, Label, find_cues, load_corpus, parse_label, train_model
from classifier.model import SEED

GRID = (0.0, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


def raw(model, texts):
    probabilities = model.pipeline.predict_proba(texts)
    classes = [Label(c) for c in model.pipeline.classes_]
    supported = [{m.supports for m in find_cues(t)} for t in texts]
    return probabilities, classes, supported


def decide(probabilities, classes, supported, threshold):
    labels = []
    for row, cues in zip(probabilities, supported, strict=True):
        best = classes[int(np.argmax(row))]
        if best is not Label.UNKNOWN and row.max() < threshold and best not in cues:
            best = Label.UNKNOWN
        labels.append(best)
    return labels


def table(truth, probabilities, classes, supported):
    rows = []
    truth = np.array(truth, dtype=object)
    for threshold in GRID:
        predicted = np.array(decide(probabilities, classes, supported, threshold), dtype=object)
        no_stance = truth == Label.UNKNOWN
        rows.append(
            {
                "threshold": threshold,
                "macro_f1": round(f1_score(list(truth), list(predicted), labels=list(STANCES), average="macro"), 4),
                "no_stance_kept_unknown": round(float((predicted[no_stance] == Label.UNKNOWN).mean()), 3),
                "stance_pages_labelled": round(float((predicted[~no_stance] != Label.UNKNOWN).mean()), 3),
                "stance_pages_right": round(float((predicted[~no_stance] == truth[~no_stance]).mean()), 3),
            }
        )
    return pd.DataFrame(rows).set_index("threshold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", help="JSON lines of real pages with text and label (kept off the repo)")
    args = parser.parse_args()
    corpus = load_corpus()
    texts, labels, groups = corpus["text"].tolist(), corpus["label"].tolist(), corpus["provider"].tolist()
    truth = [parse_label(label) for label in labels]
    n = len(texts)
    probabilities, supported, classes = np.zeros((n, 4)), [set()] * n, None
    folds = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    for train, test in folds.split(texts, [t.value for t in truth], groups):
        model = train_model([texts[i] for i in train], [labels[i] for i in train])
        p, classes, s = raw(model, [texts[i] for i in test])
        probabilities[test] = p
        for i, cues in zip(test, s, strict=True):
            supported[i] = cues
    print(f"corpus, provider-grouped 5-fold CV ({n} pages)")
    print(table(truth, probabilities, classes, supported).to_string())
    if args.heldout:
        held = pd.read_json(args.heldout, lines=True)
        model = train_model(texts, labels)
        p, classes, s = raw(model, held["text"].tolist())
        print(f"\nheld-out real pages ({len(held)} pages; model trained on the whole corpus)")
        print(table([parse_label(x) for x in held["label"]], p, classes, s).to_string())


if __name__ == "__main__":
    main()
