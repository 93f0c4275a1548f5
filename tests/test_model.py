"""The model: hard sentences, abstention, evidence, persistence, the default model's freshness."""

import json

import numpy as np
import pytest
import sklearn
from sklearn.pipeline import FeatureUnion

from classifier import (
    STANCES,
    Label,
    ModelError,
    baseline_report,
    classify_site,
    classify_text,
    classify_texts,
    load_corpus,
    load_model,
    save_model,
    train_model,
)
from classifier.model import corpus_sha256, feature_code_sha256, normalize_text
from scraper import Page, Status

HARD = [
    (
        "We are not a 12-Step program. Our clinicians use CBT, DBT and motivational interviewing, and no one will ask "
        "you to admit you are powerless or to surrender to a Higher Power.",
        Label.NON,
    ),
    (
        "Our program does not follow the Twelve Steps. We do not discourage clients from going to AA meetings on "
        "their own time, but our therapy is built on SMART Recovery tools and cognitive behavioral therapy.",
        Label.NON,
    ),
    (
        "Our partial hospitalization program offers individual therapy, CBT, DBT, EMDR, medication management and "
        "family sessions. Twice a week clients take part in a Twelve Step Facilitation group and our van drives them "
        "to local AA and NA meetings in the evening.",
        Label.FACILITATED,
    ),
    (
        "Every resident works the Steps with a counselor and a sponsor. Mornings start with Big Book study, and "
        "surrender to a Higher Power is the heart of our Minnesota Model program.",
        Label.BASED,
    ),
    (
        "We accept most major insurance plans, including Aetna, Cigna and Blue Cross Blue Shield. Fill out the form "
        "to verify your benefits, or call our admissions team 24/7 for a free, confidential assessment.",
        Label.UNKNOWN,
    ),
    (
        "Our detox unit is staffed around the clock by nurses and physicians. Medical detox keeps withdrawal safe and "
        "comfortable, and prepares you for the next level of care.",
        Label.UNKNOWN,
    ),
]


@pytest.mark.parametrize(("text", "label"), HARD, ids=[f"{i}-{label}" for i, (_, label) in enumerate(HARD)])
def test_hard_sentences_get_the_right_label(default_model, text, label):
    assert classify_text(text, model=default_model).label is label


def test_prediction_explains_itself(default_model):
    prediction = classify_text(HARD[2][0], model=default_model)
    assert set(prediction.probabilities) == set(STANCES)
    assert 0 < prediction.confidence <= 1
    assert abs(sum(prediction.probabilities.values()) + prediction.p_unknown - 1) < 1e-3
    assert prediction.evidence and prediction.evidence[0].supports is Label.FACILITATED
    assert "Twelve Step Facilitation" in prediction.evidence[0].sentence
    first = prediction.evidence[0]
    sentence_start = HARD[2][0].index(first.sentence)
    assert sentence_start <= first.position < sentence_start + len(first.sentence)
    names = set(default_model.feature_names)
    assert prediction.top_features and all(name in names and weight > 0 for name, weight in prediction.top_features)


def test_top_features_come_from_the_model_weights(default_model):
    prediction = classify_text(HARD[0][0], model=default_model)
    estimator = default_model.pipeline[-1]
    row = default_model.pipeline[:-1].transform([HARD[0][0]])
    column = list(default_model.feature_names).index(prediction.top_features[0][0])
    weights = estimator.coef_[list(estimator.classes_).index(Label.NON.value)]
    assert prediction.top_features[0][1] == pytest.approx(row[0, column] * weights[column], abs=1e-4)


@pytest.mark.parametrize("text", ["", "Contact us", "Lorem ipsum dolor sit amet, consectetur adipiscing elit."])
def test_texts_without_stance_are_unknown(default_model, text):
    assert classify_text(text, model=default_model).label is Label.UNKNOWN


def test_classify_texts_transforms_once_for_the_whole_batch(default_model, monkeypatch):
    calls = []
    original = FeatureUnion.transform
    monkeypatch.setattr(FeatureUnion, "transform", lambda self, X: calls.append(len(X)) or original(self, X))
    predictions = classify_texts([text for text, _ in HARD], model=default_model)
    assert calls == [len(HARD)] and [p.label for p in predictions] == [label for _, label in HARD]


def test_normalisation_keeps_non_12_step_distinct():
    assert normalize_text("Non-12-Step") == "non12step" and normalize_text("12 Step") == "12step"
    assert "not" in normalize_text("We are NOT a twelve step program").split()


def page(url, text):
    return Page(url=url, final_url=url, status=Status.OK, text=text)


def test_site_label_comes_from_the_deciding_page(default_model):
    pages = [
        page("http://x/", "Welcome to Cedar Hollow. Call us today to start your journey."),
        page("http://x/insurance", HARD[4][0]),
        page("http://x/approach", HARD[1][0]),
        Page(url="http://x/broken", status=Status.HTTP_ERROR, error="404"),
    ]
    prediction = classify_site(pages, model=default_model)
    assert prediction.label is Label.NON and prediction.url == "http://x/approach" and prediction.pages == 3
    assert prediction.evidence[0].url == "http://x/approach"


def test_site_without_any_stance_is_unknown(default_model):
    prediction = classify_site([page("http://x/", HARD[4][0]), page("http://x/detox", HARD[5][0])], model=default_model)
    assert prediction.label is Label.UNKNOWN


def test_model_beats_the_cue_baseline_under_grouped_cv(default_model):
    corpus = load_corpus()
    baseline = baseline_report(corpus["text"].tolist(), corpus["label"].tolist())
    cv = default_model.manifest["cv_metrics"]
    assert cv["name"].startswith("model, provider-grouped 5-fold")
    assert cv["macro_f1_stances"] > baseline.macro_f1 + 0.05


def test_default_model_is_built_from_the_bundled_corpus(default_model):
    manifest = default_model.manifest
    assert manifest["corpus_sha256"] == corpus_sha256()
    assert manifest["code_sha256"] == feature_code_sha256()
    assert manifest["sklearn_version"] == sklearn.__version__
    assert manifest["n_documents"] == len(load_corpus())
    assert load_model().version == default_model.version  # served from the cache, same model


@pytest.fixture(scope="module")
def small_model():
    corpus = load_corpus()
    sample = corpus.groupby("label").head(25)
    return train_model(sample["text"].tolist(), sample["label"].tolist(), C=5.0)


def test_save_and_load_round_trip(small_model, tmp_path):
    path = save_model(small_model, tmp_path / "m.joblib")
    loaded = load_model(path)
    texts = [text for text, _ in HARD]
    before = np.array([[*p.probabilities.values(), p.p_unknown] for p in classify_texts(texts, model=small_model)])
    after = np.array([[*p.probabilities.values(), p.p_unknown] for p in classify_texts(texts, model=loaded)])
    assert np.allclose(before, after)
    manifest = json.loads((tmp_path / "m.joblib.json").read_text())
    assert {"schema_version", "sklearn_version", "trained_at", "model_sha256", "params"} <= set(manifest)


def test_tampered_model_is_refused(small_model, tmp_path):
    path = save_model(small_model, tmp_path / "m.joblib")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_model(path)


def test_model_from_another_sklearn_is_refused_with_how_to_retrain(small_model, tmp_path):
    path = save_model(small_model, tmp_path / "m.joblib")
    manifest_path = tmp_path / "m.joblib.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["sklearn_version"] = "0.0.1"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="stepcheck train"):
        load_model(path)


@pytest.mark.parametrize("name", ["missing.joblib", "no-manifest.joblib"])
def test_unusable_model_files_give_clear_errors(tmp_path, name):
    if name == "no-manifest.joblib":
        (tmp_path / name).write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"stepcheck train|manifest"):
        load_model(tmp_path / name)


def test_training_is_deterministic():
    corpus = load_corpus().groupby("label").head(15)
    first = train_model(corpus["text"].tolist(), corpus["label"].tolist())
    second = train_model(corpus["text"].tolist(), corpus["label"].tolist())
    assert np.array_equal(first.pipeline[-1].coef_, second.pipeline[-1].coef_)
    assert first.manifest["fingerprint"] == second.manifest["fingerprint"]


@pytest.fixture
def tiny_bundled_corpus(monkeypatch):
    """Stand in a small corpus for the bundled one, so the default model builds in seconds."""
    import classifier.model as model_module

    small = load_corpus().groupby("label").head(12).to_json(orient="records", lines=True).encode()
    monkeypatch.setattr(model_module, "_corpus_bytes", lambda path=None: small)
    return small


def test_default_model_is_rebuilt_when_its_cached_file_is_damaged(tiny_bundled_corpus, tmp_path, caplog):
    first = load_model(cache_dir=tmp_path)
    (cached,) = tmp_path.glob("default-*.joblib")
    cached.write_bytes(cached.read_bytes()[:-10] + b"0123456789")
    second = load_model(cache_dir=tmp_path)
    assert "rebuilding the default model" in caplog.text
    assert second.manifest["model_sha256"] != "" and second.version == first.version


def test_default_model_is_rebuilt_for_another_sklearn(tiny_bundled_corpus, tmp_path, caplog):
    load_model(cache_dir=tmp_path)
    (manifest_path,) = tmp_path.glob("default-*.joblib.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["sklearn_version"] = "0.0.1"
    manifest_path.write_text(json.dumps(manifest))
    rebuilt = load_model(cache_dir=tmp_path)
    assert "scikit-learn 0.0.1" in caplog.text and rebuilt.manifest["sklearn_version"] == sklearn.__version__
