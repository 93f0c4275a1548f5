import pytest

from classifier import CUES, Label, LabelError, find_cues, parse_label, rule_label
from classifier.cues import cue_tokens, split_sentences


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("12-step-based", Label.BASED),
        ("12_Step_Facilitated", Label.FACILITATED),
        ("Non 12 Step", Label.NON),
        ("no-stance", Label.UNKNOWN),
        ("unknown", Label.UNKNOWN),
        ("twelve-step-based", Label.BASED),
    ],
)
def test_parse_label_forgives_spelling(value, label):
    assert parse_label(value) is label


def test_bad_label_names_the_allowed_values():
    with pytest.raises(LabelError, match=r"12-step-based.*no-stance") as caught:
        parse_label("maybe")
    assert isinstance(caught.value, ValueError)


def test_labels_print_as_their_strings():
    assert f"{Label.NON}" == "non-12-step" and str(Label.UNKNOWN) == "unknown"


REQUIRED_CUES = [
    "12-step based",
    "12-step facilitation",
    "non-12-step",
    "Higher Power",
    "surrender and powerlessness",
    "sponsor",
    "step work",
    "Big Book",
    "fellowship meetings",
    "Minnesota Model",
    "SMART Recovery",
    "secular",
    "empowerment",
    "CBT/DBT",
    "holistic",
    "alternative to 12-step",
    "not a 12-step program",
    "without the steps",
]


def test_cue_table_covers_the_seed_cues():
    names = {cue.name for cue in CUES}
    assert set(REQUIRED_CUES) <= names
    assert all(cue.note for cue in CUES)


@pytest.mark.parametrize("spelling", ["12-Step", "12 step", "12step", "twelve-step", "Twelve Steps", "12-steps"])
def test_spelling_variants_are_one_cue(spelling):
    assert [m.cue.name for m in find_cues(f"Our program is based on the {spelling}.")] == ["12-step based"]


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("We are not a 12-Step program.", "not a 12-step program"),
        ("Recovery without the Twelve Steps.", "without the steps"),
        ("No Higher Power is required here.", "no higher power"),
        ("We don't require belief in a higher power.", "no higher power"),
        ("No one here will ask you to admit you are powerless.", "powerlessness rejected"),
        ("Our non-12-step rehab", "non-12-step"),
    ],
)
def test_negations_claim_their_span(sentence, cue):
    names = [m.cue.name for m in find_cues(sentence)]
    assert names[0] == cue
    assert "12-step based" not in names and "Higher Power" not in names


def test_acronyms_must_be_capitals():
    assert find_cues("Mañana, na, aa.") == []
    assert [m.cue.name for m in find_cues("Clients attend AA meetings.")] == ["fellowship meetings"]


def test_ownership_marks_we_and_our():
    owned = [
        m.owned for m in find_cues("Our program uses the Big Book. AA has a Big Book too.") if m.cue.name == "Big Book"
    ]
    assert owned == [True, False]
    tokens = cue_tokens("We offer SMART Recovery. SMART Recovery started in 1994.").split()
    assert tokens.count("cue_smart_recovery") == 2 and tokens.count("own_smart_recovery") == 1


def test_sentences_keep_their_offsets():
    text = "First one. Second one!\nThird"
    assert [(text[o : o + len(s)], s) for o, s in split_sentences(text)] == [(s, s) for _, s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Our program is an alternative to 12-Step programs, with SMART Recovery.", Label.NON),
        ("We use Twelve Step Facilitation and drive clients to AA meetings.", Label.FACILITATED),
        ("Our residents work the steps with a sponsor and study the Big Book.", Label.BASED),
        ("Verify your insurance online or call our admissions team today.", Label.UNKNOWN),
    ],
)
def test_rule_baseline(text, label):
    assert rule_label(text) is label
