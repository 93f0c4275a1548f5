"""Classify texts and sites: probabilities, evidence, top features and abstention.

Abstention: a page is ``unknown`` when the model's most likely class is the no-stance class,
or when its best stance is below ``ABSTAIN_BELOW`` and no cue in the text supports that stance.
The threshold was measured, not guessed: see ``benchmarks/abstention.py`` and README.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.pipeline import Pipeline

from .cues import CueMatch, find_cues
from .labels import STANCES, Label
from .model import Model, load_model

__all__ = ["ABSTAIN_BELOW", "Evidence", "Prediction", "classify_site", "classify_text", "classify_texts"]

ABSTAIN_BELOW = 0.5
_MAX_EVIDENCE = 6
_TOP_FEATURES = 10


class _PageLike(Protocol):
    url: str
    final_url: str
    ok: bool

    @property
    def full_text(self) -> str: ...


@dataclass(frozen=True)
class Evidence:
    """A sentence that carries a cue: the cue, the stance it supports, where it stands."""

    sentence: str
    cue: str
    supports: Label | None
    position: int
    owned: bool
    url: str | None = None


@dataclass(frozen=True)
class Prediction:
    """A label with its reasons.

    Attributes
    ----------
    label : Label
        One of the three stances, or ``unknown``.
    confidence : float
        Probability of ``label`` (for ``unknown``: of the no-stance class, or 1 minus the best
        stance's when the page abstained for lack of evidence).
    probabilities : dict
        Probability of each of the three stances (with ``unknown`` they sum to 1).
    evidence : tuple of Evidence
        Cue sentences, those supporting ``label`` and owned by the provider ("we", "our") first.
    top_features : tuple of (str, float)
        The terms that pushed the decision most: feature value times the class weight.
    url : str or None
        For a site, the page that decided.
    pages : int
        How many pages were read for it (1 for a text).
    """

    label: Label
    confidence: float
    probabilities: dict[Label, float]
    evidence: tuple[Evidence, ...] = ()
    top_features: tuple[tuple[str, float], ...] = ()
    url: str | None = None
    pages: int = 1
    p_unknown: float = field(default=0.0)


def _resolve(model: Model | Pipeline | None) -> Model:
    if model is None:
        return load_model()
    if isinstance(model, Pipeline):
        return Model(model)
    return model


def _decide(probabilities: np.ndarray, classes: list[Label], matches: list[CueMatch]) -> tuple[Label, float]:
    """Apply the abstention rule to one row of class probabilities."""
    best = classes[int(np.argmax(probabilities))]
    p_best = float(probabilities.max())
    if best is Label.UNKNOWN:
        return best, p_best
    supported = any(match.supports is best for match in matches)
    if p_best < ABSTAIN_BELOW and not supported:
        return Label.UNKNOWN, 1.0 - p_best
    return best, p_best


def _evidence(matches: list[CueMatch], label: Label, url: str | None) -> tuple[Evidence, ...]:
    ranked = sorted(
        (m for m in matches if m.supports is not None),
        key=lambda m: (m.supports is not label, not m.owned, -m.cue.weight, m.start),
    )
    chosen: list[Evidence] = []
    sentences: set[str] = set()
    for match in ranked:
        if match.sentence in sentences:
            continue
        sentences.add(match.sentence)
        chosen.append(Evidence(match.sentence, match.cue.name, match.supports, match.start, match.owned, url))
        if len(chosen) == _MAX_EVIDENCE:
            break
    return tuple(chosen)


def _top_features(row: sparse.csr_matrix, weights: np.ndarray, names: np.ndarray) -> tuple[tuple[str, float], ...]:
    contributions = row.data * weights[row.indices]
    order = np.argsort(-contributions)[:_TOP_FEATURES]
    return tuple((str(names[row.indices[i]]), round(float(contributions[i]), 4)) for i in order if contributions[i] > 0)


def classify_texts(
    texts: Sequence[str], *, model: Model | Pipeline | None = None, urls: Sequence[str | None] | None = None
) -> list[Prediction]:
    """Return one ``Prediction`` per text, computed in one vectorised pass.

    The texts are transformed together (one ``transform`` for all), then each row's evidence
    and top features are read off the sparse matrix.

    Parameters
    ----------
    texts : sequence of str
    model : Model or fitted Pipeline, optional
        Defaults to ``load_model()``.
    urls : sequence, optional
        Page URLs to attach to the evidence.

    Examples
    --------
    >>> classify_texts(["We are not a 12-Step program.", "Verify your insurance."])[0].label  # doctest: +SKIP
    <Label.NON: 'non-12-step'>
    """
    resolved = _resolve(model)
    pipeline = resolved.pipeline
    texts = [text if isinstance(text, str) else "" for text in texts]
    if not texts:
        return []
    features = sparse.csr_matrix(pipeline[:-1].transform(texts))
    estimator = pipeline[-1]
    probabilities = estimator.predict_proba(features)
    classes = [Label(value) for value in estimator.classes_]
    names = resolved.feature_names
    coefficients = estimator.coef_
    urls = list(urls) if urls is not None else [None] * len(texts)
    predictions = []
    for row_index, text in enumerate(texts):
        matches = find_cues(text)
        row = probabilities[row_index]
        label, confidence = _decide(row, classes, matches)
        explained = classes[int(np.argmax(row))]
        weights = coefficients[classes.index(explained)]
        stance_probs = {stance: float(row[classes.index(stance)]) if stance in classes else 0.0 for stance in STANCES}
        predictions.append(
            Prediction(
                label=label,
                confidence=round(confidence, 4),
                probabilities={k: round(v, 4) for k, v in stance_probs.items()},
                evidence=_evidence(matches, label, urls[row_index]),
                top_features=_top_features(features[row_index], weights, names),
                url=urls[row_index],
                p_unknown=round(float(row[classes.index(Label.UNKNOWN)]) if Label.UNKNOWN in classes else 0.0, 4),
            )
        )
    return predictions


def classify_text(text: str, *, model: Model | Pipeline | None = None) -> Prediction:
    """Return the ``Prediction`` for one text (see ``classify_texts``).

    Examples
    --------
    >>> classify_text("Our program is built on the Twelve Steps and the Big Book.").label  # doctest: +SKIP
    <Label.BASED: '12-step-based'>
    """
    return classify_texts([text], model=model)[0]


def classify_site(
    pages: Iterable[_PageLike],
    *,
    model: Model | Pipeline | None = None,
    predictions: Sequence[Prediction] | None = None,
) -> Prediction:
    """Return one provider-level ``Prediction`` from the pages of its site.

    Each readable page is classified (in one batch). Pages that take a stance vote with their
    stance probabilities, weighted by how much they speak to a stance at all (1 - p(no stance)),
    so an insurance page cannot outvote the approach page. The provider is ``unknown`` when no
    page takes a stance. ``url`` names the page that decided: the one with the largest weighted
    probability of the winning stance; its evidence comes first.

    Parameters
    ----------
    pages : iterable of Page
        Pages from ``scraper.crawl_site``; pages whose status is not ok are ignored.
    model : Model or Pipeline, optional
    predictions : sequence of Prediction, optional
        Page predictions already made (one per ok page, in order), to avoid classifying twice.
    """
    readable = [page for page in pages if page.ok]
    if predictions is None:
        predictions = classify_texts(
            [p.full_text for p in readable], model=model, urls=[p.final_url or p.url for p in readable]
        )
    if not predictions:
        return Prediction(Label.UNKNOWN, 0.0, dict.fromkeys(STANCES, 0.0), pages=0)
    weights = np.array([1.0 - p.p_unknown for p in predictions])
    stance_matrix = np.array([[p.probabilities[s] for s in STANCES] for p in predictions])
    total = weights.sum()
    combined = (weights @ stance_matrix) / total if total > 0 else np.zeros(len(STANCES))
    stance_pages = [i for i, p in enumerate(predictions) if p.label is not Label.UNKNOWN]
    if not stance_pages:
        best = int(np.argmax([p.p_unknown for p in predictions]))
        decider = predictions[best]
        label, confidence = Label.UNKNOWN, decider.confidence
    else:
        mass = {s: float(sum(weights[i] * stance_matrix[i, k] for i in stance_pages)) for k, s in enumerate(STANCES)}
        label = max(mass, key=mass.__getitem__)
        k = STANCES.index(label)
        best = max(stance_pages, key=lambda i: weights[i] * stance_matrix[i, k])
        decider = predictions[best]
        confidence = mass[label] / sum(mass.values())
    others = [e for i, p in enumerate(predictions) if i != best for e in p.evidence if e.supports is label]
    evidence = (*decider.evidence, *others)[:_MAX_EVIDENCE]
    return Prediction(
        label=label,
        confidence=round(float(confidence), 4),
        probabilities={s: round(float(combined[k]), 4) for k, s in enumerate(STANCES)},
        evidence=evidence,
        top_features=decider.top_features,
        url=decider.url,
        pages=len(predictions),
        p_unknown=round(float(np.mean([p.p_unknown for p in predictions])), 4),
    )
