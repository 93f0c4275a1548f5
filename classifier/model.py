"""Build, train, save and load the model: a scikit-learn ``Pipeline`` and its JSON manifest.

The model reads a page through four TF-IDF views, joined by a ``FeatureUnion``:

- ``words``: word 1-2-grams of the normalised text (no stop-word list, so "not" and "no" stay);
- ``chars``: character 3-5-grams, robust to spelling and marketing typos;
- ``cue_sentences``: word 1-3-grams of only the sentences that carry a cue from ``cues.py``,
  because real pages bury the stance in one or two sentences of a long page;
- ``cue_owners``: one token per cue found, and another when "we/our" owns it, because explainer
  pages are full of 12-Step words that are not tied to the provider.

then a multinomial ``LogisticRegression`` with balanced class weights over four classes: the
three stances and ``unknown`` (the corpus's ``no-stance``).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from scraper import __version__

from .cues import cue_sentences, cue_tokens
from .errors import InputError, ModelError
from .labels import Label, parse_label

__all__ = [
    "DEFAULT_PARAMS",
    "SCHEMA_VERSION",
    "Model",
    "build_pipeline",
    "corpus_sha256",
    "load_corpus",
    "load_model",
    "normalize_text",
    "save_model",
    "train_model",
]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
SEED = 0
# Chosen by provider-grouped 5-fold cross-validation on the corpus (see README.md and
# benchmarks/tune_model.py); change them only with a measurement.
DEFAULT_PARAMS: dict[str, Any] = {
    "C": 30.0,
    "word_ngrams": (1, 2),
    "char_ngrams": (3, 5),
    "min_df": 2,
    "max_features": 200_000,
    "char_weight": 1.0,
    "cue_weight": 1.0,
    "owner_weight": 1.0,
}
CORPUS_COLUMNS = ("id", "text", "label", "page_type", "setting", "provider", "hard", "source", "modeled_on")

_NON_STEP = re.compile(r"\bnon[\s\-\u2010-\u2013]?(?:12|twelve)[\s\-\u2010-\u2013]?steps?\b", re.IGNORECASE)
_STEP = re.compile(r"\b(?:12|twelve)[\s\-\u2010-\u2013]?steps?\b", re.IGNORECASE)
_PHONE = re.compile(r"\(?\b\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}\b")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_TOKEN = r"(?u)\b\w[\w']*\b"


def normalize_text(text: str) -> str:
    """Return ``text`` lower-cased with one token for each spelling of "12-Step" and "non-12-Step".

    Negations are never dropped, and "non-12-Step" stays distinct from "12-Step".

    Examples
    --------
    >>> normalize_text("We're a Non 12-Step program, not a Twelve Step one. Call (555) 010-2000")
    "we're a non12step program, not a 12step one. call phonenumber"
    """
    text = text.translate(_QUOTES)
    text = _NON_STEP.sub(" non12step ", text)
    text = _STEP.sub(" 12step ", text)
    text = _PHONE.sub(" phonenumber ", text)
    return " ".join(text.lower().split())


def _cue_sentences_all(texts: Iterable[str]) -> list[str]:
    return [cue_sentences(text) for text in texts]


def _cue_tokens_all(texts: Iterable[str]) -> list[str]:
    return [cue_tokens(text) for text in texts]


def build_pipeline(
    *,
    C: float = DEFAULT_PARAMS["C"],
    word_ngrams: tuple[int, int] = DEFAULT_PARAMS["word_ngrams"],
    char_ngrams: tuple[int, int] = DEFAULT_PARAMS["char_ngrams"],
    min_df: int = DEFAULT_PARAMS["min_df"],
    max_features: int = DEFAULT_PARAMS["max_features"],
    char_weight: float = DEFAULT_PARAMS["char_weight"],
    cue_weight: float = DEFAULT_PARAMS["cue_weight"],
    owner_weight: float = DEFAULT_PARAMS["owner_weight"],
) -> Pipeline:
    """Return an unfitted model ``Pipeline`` (see the module docstring for its views).

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    word_ngrams, char_ngrams : tuple of int
        n-gram ranges of the word and character views.
    min_df : int
        Ignore terms found in fewer documents.
    max_features : int
        Vocabulary cap of each TF-IDF view.
    char_weight, cue_weight, owner_weight : float
        Weights of the character, cue-sentence and cue-ownership views in the feature union
        (0 leaves the view out).
    """

    def tfidf(**kwargs: Any) -> TfidfVectorizer:
        return TfidfVectorizer(sublinear_tf=True, dtype=np.float64, min_df=min_df, max_features=max_features, **kwargs)

    words = {"preprocessor": normalize_text, "token_pattern": _TOKEN}
    views = [
        ("words", 1.0, tfidf(ngram_range=word_ngrams, **words)),
        ("chars", char_weight, tfidf(preprocessor=normalize_text, analyzer="char_wb", ngram_range=char_ngrams)),
        ("cue_sentences", cue_weight,
         Pipeline([("select", FunctionTransformer(_cue_sentences_all)),
                   ("tfidf", tfidf(ngram_range=(1, 3), **words))])),
        ("cue_owners", owner_weight,
         Pipeline([("select", FunctionTransformer(_cue_tokens_all)),
                   ("tfidf", TfidfVectorizer(sublinear_tf=True, dtype=np.float64, token_pattern=r"\S+",
                                             lowercase=False))])),
    ]  # fmt: skip
    features = FeatureUnion(
        [(name, view) for name, weight, view in views if weight],
        transformer_weights={name: weight for name, weight, _ in views if weight},
    )
    classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=SEED)
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass(frozen=True)
class Model:
    """A fitted pipeline and its manifest (provenance, versions, metrics, file hash)."""

    pipeline: Pipeline
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """A short identifier: the first 12 hex digits of the training fingerprint."""
        return str(self.manifest.get("fingerprint", "unsaved"))[:12]

    @cached_property
    def feature_names(self) -> np.ndarray:
        """Names of the model's features, ``view__term``, in column order."""
        names = []
        for view, transformer in self.pipeline.named_steps["features"].transformer_list:
            vectorizer = transformer[-1] if isinstance(transformer, Pipeline) else transformer
            names.append(np.char.add(f"{view}__", vectorizer.get_feature_names_out().astype(str)))
        return np.concatenate(names)

    @property
    def classes(self) -> list[Label]:
        """The classes the pipeline predicts, in column order of ``predict_proba``."""
        return [Label(value) for value in self.pipeline.classes_]


def _labels(labels: Iterable[object]) -> list[str]:
    return [parse_label(label).value for label in labels]


def train_model(texts: Sequence[str], labels: Sequence[object], **params: Any) -> Model:
    """Return a model fitted on ``texts`` and their ``labels``.

    Parameters
    ----------
    texts : sequence of str
        Page texts.
    labels : sequence
        One label per text: ``Label`` values or strings (``no-stance`` means ``unknown``).
    **params
        Passed to ``build_pipeline``; unspecified ones keep ``DEFAULT_PARAMS``.

    Returns
    -------
    Model
        Its manifest records the parameters, versions and training date (no file hash until saved).

    Examples
    --------
    >>> model = train_model(["we are not 12-step", "our program is the 12 steps",  # doctest: +SKIP
    ...                      "clients attend AA meetings", "insurance"] * 5,
    ...                     ["non-12-step", "12-step-based", "12-step-facilitated", "no-stance"] * 5)
    """
    if len(texts) != len(labels):
        raise InputError(f"got {len(texts)} texts but {len(labels)} labels; give one label per text")
    unknown_params = set(params) - set(DEFAULT_PARAMS)
    if unknown_params:
        raise InputError(f"unknown model parameter(s) {sorted(unknown_params)}; use {sorted(DEFAULT_PARAMS)}")
    y = _labels(labels)
    if len(set(y)) < 2:
        raise InputError("training needs at least two different labels")
    settings = {**DEFAULT_PARAMS, **params}
    pipeline = build_pipeline(**settings)
    pipeline.fit(list(texts), y)
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "stepcheck_version": __version__,
        "sklearn_version": sklearn.__version__,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "params": {key: list(value) if isinstance(value, tuple) else value for key, value in settings.items()},
        "labels": [label.value for label in Label],
        "n_documents": len(y),
        "fingerprint": _fingerprint(texts, y, settings),
    }
    return Model(pipeline, manifest)


def _fingerprint(texts: Sequence[str], labels: Sequence[str], settings: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(label.encode() + b"\0" + text.encode() + b"\0")
    digest.update(json.dumps(settings, sort_keys=True, default=list).encode())
    digest.update(f"{SCHEMA_VERSION}/{sklearn.__version__}".encode())
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def save_model(model: Model, path: str | os.PathLike[str]) -> Path:
    """Write the model with joblib and its manifest beside it (``<path>.json``); return the path.

    Both files are written atomically (temporary file, then rename), so a reader never sees
    half a model. The manifest records the model file's sha256, which ``load_model`` checks.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".tmp-", suffix=".joblib", delete=False) as tmp:
        joblib.dump(model.pipeline, tmp, compress=3)
    temporary = Path(tmp.name)
    manifest = {**model.manifest, "model_sha256": _sha256_file(temporary), "model_file": target.name}
    manifest_tmp = _manifest_path(temporary)
    manifest_tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, target)
    os.replace(manifest_tmp, _manifest_path(target))
    return target


def _read_manifest(path: Path) -> dict[str, Any]:
    manifest_file = _manifest_path(path)
    if not path.is_file():
        raise ModelError(f"no model file at {path}; train one with: stepcheck train CORPUS -o {path}")
    if not manifest_file.is_file():
        raise ModelError(
            f"{path} has no manifest ({manifest_file.name}) beside it; stepcheck loads only models "
            "saved with save_model, which records the file's hash"
        )
    try:
        return json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"cannot read the manifest {manifest_file}: {error}") from None


def _load_verified(path: Path, manifest: dict[str, Any]) -> Model:
    actual = _sha256_file(path)
    if actual != manifest.get("model_sha256"):
        raise ModelError(
            f"{path} does not match the sha256 in its manifest: it was changed after it was saved. "
            "Refusing to load it (a model file is pickle, which runs code); retrain or restore it"
        )
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ModelError(
            f"{path} uses label schema {manifest.get('schema_version')}, this stepcheck uses "
            f"{SCHEMA_VERSION}; retrain it with: stepcheck train CORPUS -o {path}"
        )
    if manifest.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            f"{path} was trained with scikit-learn {manifest.get('sklearn_version')}, but "
            f"{sklearn.__version__} is installed; retrain it with: stepcheck train CORPUS -o {path}"
        )
    return Model(joblib.load(path), manifest)


def corpus_sha256(path: str | os.PathLike[str] | None = None) -> str:
    """Return the sha256 of the corpus file (the bundled one by default)."""
    return hashlib.sha256(_corpus_bytes(path)).hexdigest()


def _corpus_bytes(path: str | os.PathLike[str] | None) -> bytes:
    if path is None:
        return importlib.resources.files("stepcheck_data").joinpath("corpus.jsonl").read_bytes()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the corpus {path}: {error.strerror}") from None


def load_corpus(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the corpus (the bundled one by default) as a DataFrame, validated.

    Raises
    ------
    InputError
        A column is missing or a label is outside the vocabulary (the message names the record).
    """
    import io

    raw = _corpus_bytes(path)
    try:
        frame = pd.read_json(io.BytesIO(raw), lines=True, dtype={"id": str, "provider": str, "modeled_on": str})
    except ValueError as error:
        raise InputError(f"the corpus {path or 'bundled corpus'} is not JSON lines: {error}") from None
    missing = [column for column in CORPUS_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(f"the corpus lacks column(s) {missing}; each record needs {list(CORPUS_COLUMNS)}")
    for record_id, label in zip(frame["id"], frame["label"], strict=True):
        try:
            parse_label(label)
        except ValueError as error:
            raise InputError(f"corpus record {record_id}: {error}") from None
    frame["modeled_on"] = frame["modeled_on"].fillna("")
    return frame


def feature_code_sha256() -> str:
    """Return the sha256 of the source that turns text into features (``cues.py`` and ``model.py``)."""
    from . import cues

    digest = hashlib.sha256()
    for module_file in (cues.__file__, __file__):
        digest.update(Path(module_file).read_bytes())
    return digest.hexdigest()


def _cache_dir(cache_dir: str | os.PathLike[str] | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stepcheck"


def _default_model(cache_dir: str | os.PathLike[str] | None) -> Model:
    """Load the default model from the cache, building it from the bundled corpus when needed.

    The cache key is the corpus hash, the training parameters, the hash of the code that makes
    the features (``cues.py`` and this module), and the scikit-learn and stepcheck versions: a
    changed corpus, cue table or library builds a new model, never a stale one.
    """
    corpus_hash = corpus_sha256()
    code_hash = feature_code_sha256()
    key = hashlib.sha256(
        json.dumps(
            [corpus_hash, code_hash, DEFAULT_PARAMS, sklearn.__version__, __version__, SCHEMA_VERSION], default=list
        ).encode()
    ).hexdigest()[:16]
    path = _cache_dir(cache_dir) / f"default-{key}.joblib"
    if path.is_file() and _manifest_path(path).is_file():
        try:
            return _load_verified(path, _read_manifest(path))
        except ModelError as error:
            logger.warning("rebuilding the default model: %s", error)
    logger.warning("building the default model from the bundled corpus (once; cached in %s)", path.parent)
    corpus = load_corpus()
    model = train_model(corpus["text"].tolist(), corpus["label"].tolist())
    model.manifest.update({"corpus_sha256": corpus_hash, "code_sha256": code_hash, "default": True})
    try:
        from .evaluate import cross_validate

        report = cross_validate(
            corpus["text"].tolist(), corpus["label"].tolist(), corpus["provider"].tolist(), n_jobs=2
        )
        model.manifest["cv_metrics"] = report.summary()
    except Exception:  # metrics are informative; a failure must not block the model itself
        logger.exception("cross-validation for the default model's manifest failed")
    try:
        save_model(model, path)
        return Model(model.pipeline, _read_manifest(path))
    except OSError as error:
        logger.warning("cannot cache the default model in %s (%s); using it from memory", path.parent, error)
        return model


def load_model(path: str | os.PathLike[str] | None = None, *, cache_dir: str | os.PathLike[str] | None = None) -> Model:
    """Return a saved model, or the bundled default model when ``path`` is None.

    .. warning:: A model file is code: joblib files are pickle, and unpickling runs whatever the
       file says. Load only files you trust. stepcheck checks the file's sha256 against its
       manifest (so a file changed after saving is refused), but a manifest can be forged along
       with its file; the check guards against accidents and tampering in place, not against a
       malicious pair from an untrusted source.

    Parameters
    ----------
    path : path-like, optional
        A file written by ``save_model`` (its manifest must be beside it). ``None`` gives the
        default model, built from the bundled corpus on first use and cached.
    cache_dir : path-like, optional
        Where the default model is cached (default: ``$XDG_CACHE_HOME/stepcheck`` or
        ``~/.cache/stepcheck``).

    Raises
    ------
    ModelError
        The file is missing, has no manifest, fails its hash check, or was trained with another
        scikit-learn or label schema (the message says how to retrain).
    """
    if path is None:
        return _default_model(cache_dir)
    target = Path(path)
    return _load_verified(target, _read_manifest(target))
