"""Metrics, provider-grouped cross-validation, and the comparison with the cue-rules baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from .cues import rule_label
from .errors import InputError
from .labels import STANCES, Label, parse_label
from .model import SEED, Model, train_model
from .predict import Prediction, classify_texts

__all__ = ["Report", "baseline_report", "cross_validate", "evaluate"]

_ORDER = [*STANCES, Label.UNKNOWN]
_ABSTAIN_GRID = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Report:
    """Predictions against the truth, and every figure ``stepcheck evaluate`` prints.

    ``confidence`` is the probability the model gave its own prediction (NaN for the rules
    baseline, which has none).
    """

    name: str
    truth: tuple[Label, ...]
    predicted: tuple[Label, ...]
    confidence: tuple[float, ...]

    @property
    def accuracy(self) -> float:
        """Share of pages labelled exactly right (``unknown`` included as a class)."""
        return float(accuracy_score(self.truth, self.predicted))

    @property
    def macro_f1(self) -> float:
        """Macro-F1 over the three stances; ``unknown`` predictions count as misses."""
        return float(f1_score(self.truth, self.predicted, labels=list(STANCES), average="macro", zero_division=0))

    @property
    def clear_macro_f1(self) -> float:
        """Macro-F1 over the three stances on the pages whose true label is a stance."""
        keep = [i for i, label in enumerate(self.truth) if label is not Label.UNKNOWN]
        truth = [self.truth[i] for i in keep]
        predicted = [self.predicted[i] for i in keep]
        return float(f1_score(truth, predicted, labels=list(STANCES), average="macro", zero_division=0))

    def per_class(self) -> pd.DataFrame:
        """Precision, recall, F1 and support per label."""
        precision, recall, f1, support = precision_recall_fscore_support(
            self.truth, self.predicted, labels=_ORDER, zero_division=0
        )
        return pd.DataFrame(
            {"precision": precision, "recall": recall, "f1": f1, "support": support},
            index=[label.value for label in _ORDER],
        ).round(3)

    def confusion(self) -> pd.DataFrame:
        """Confusion matrix: rows are the truth, columns the prediction."""
        names = [label.value for label in _ORDER]
        matrix = confusion_matrix(self.truth, self.predicted, labels=_ORDER)
        return pd.DataFrame(matrix, index=pd.Index(names, name="truth"), columns=pd.Index(names, name="predicted"))

    def calibration_error(self, bins: int = 10) -> float:
        """Expected calibration error of the confidences (NaN when there are none)."""
        confidence = np.asarray(self.confidence, dtype=float)
        if np.isnan(confidence).all():
            return float("nan")
        correct = np.asarray(self.truth) == np.asarray(self.predicted)
        edges = np.linspace(0.0, 1.0, bins + 1)
        which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
        error = 0.0
        for b in range(bins):
            members = which == b
            if members.any():
                error += members.mean() * abs(correct[members].mean() - confidence[members].mean())
        return float(error)

    def coverage(self) -> pd.DataFrame:
        """Coverage and accuracy when stance labels below each confidence are turned into ``unknown``."""
        confidence = np.asarray(self.confidence, dtype=float)
        truth = np.asarray(self.truth, dtype=object)
        predicted = np.asarray(self.predicted, dtype=object)
        stance = predicted != Label.UNKNOWN
        rows = []
        grid = _ABSTAIN_GRID if not np.isnan(confidence).all() else (0.0,)
        for threshold in grid:
            kept = stance & ((confidence >= threshold) | np.isnan(confidence))
            final = np.where(kept, predicted, Label.UNKNOWN)
            rows.append(
                {
                    "min_confidence": threshold,
                    "coverage": kept.mean(),
                    "accuracy_when_labelled": (truth[kept] == predicted[kept]).mean() if kept.any() else float("nan"),
                    "accuracy": (truth == final).mean(),
                    "macro_f1": f1_score(
                        list(truth), list(final), labels=list(STANCES), average="macro", zero_division=0
                    ),
                }
            )
        return pd.DataFrame(rows).round(3)

    def summary(self) -> dict[str, Any]:
        """The headline figures as plain numbers (for manifests and notes)."""
        return {
            "name": self.name,
            "n": len(self.truth),
            "accuracy": round(self.accuracy, 4),
            "macro_f1_stances": round(self.macro_f1, 4),
            "macro_f1_clear_pages": round(self.clear_macro_f1, 4),
            "calibration_error": round(self.calibration_error(), 4),
        }

    def format(self) -> str:
        """Return the report as text for a terminal."""
        summary = self.summary()
        lines = [
            f"== {self.name} ({summary['n']} pages)",
            f"accuracy {summary['accuracy']:.3f}   macro-F1 (3 stances) {summary['macro_f1_stances']:.3f}   "
            f"macro-F1 on stance pages {summary['macro_f1_clear_pages']:.3f}   "
            f"calibration error {summary['calibration_error']:.3f}",
            "",
            self.per_class().to_string(),
            "",
            self.confusion().to_string(),
            "",
            "abstention: coverage vs accuracy",
            self.coverage().to_string(index=False),
        ]
        return "\n".join(lines)


def _truth(labels: Sequence[object]) -> tuple[Label, ...]:
    return tuple(parse_label(label) for label in labels)


def evaluate(model: Model | None, texts: Sequence[str], labels: Sequence[object], *, name: str = "model") -> Report:
    """Return a ``Report`` of ``model`` (default: the bundled one) on labelled texts."""
    if len(texts) != len(labels):
        raise InputError(f"got {len(texts)} texts but {len(labels)} labels")
    predictions = classify_texts(list(texts), model=model)
    return Report(name, _truth(labels), tuple(p.label for p in predictions), tuple(p.confidence for p in predictions))


def baseline_report(texts: Sequence[str], labels: Sequence[object]) -> Report:
    """Return the ``Report`` of the cue-rules baseline (``cues.rule_label``) on labelled texts."""
    predicted = tuple(rule_label(text) for text in texts)
    return Report("cue-rules baseline", _truth(labels), predicted, (float("nan"),) * len(predicted))


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[object],
    groups: Sequence[object],
    *,
    n_splits: int = 5,
    n_jobs: int | None = None,
    **params: Any,
) -> Report:
    """Return the out-of-fold ``Report`` of provider-grouped, stratified k-fold cross-validation.

    Pages of one provider never sit on both sides of a split, so the model cannot score by
    recognising a provider's boilerplate. Folds run in parallel with ``n_jobs`` (joblib); the
    result does not depend on it.
    """
    texts = list(texts)
    truth = _truth(labels)
    y = [label.value for label in truth]
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=SEED)

    def fold(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, list[Prediction]]:
        model = train_model([texts[i] for i in train], [y[i] for i in train], **params)
        return test, classify_texts([texts[i] for i in test], model=model)

    predicted: list[Label | None] = [None] * len(texts)
    confidence = [float("nan")] * len(texts)
    results = Parallel(n_jobs=n_jobs)(delayed(fold)(train, test) for train, test in folds.split(texts, y, groups))
    for test, predictions in results:
        for i, prediction in zip(test, predictions, strict=True):
            predicted[i] = prediction.label
            confidence[i] = prediction.confidence
    return Report(f"model, provider-grouped {n_splits}-fold CV", truth, tuple(predicted), tuple(confidence))
