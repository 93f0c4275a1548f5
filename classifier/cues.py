"""The seed article's marketing-language cues, as one readable table.

Each cue is a regular expression, the stance it supports (``None``: it only marks a sentence as
being about the Steps) and a note. The table is used three ways: to show evidence for a label, to
build the model's cue-sentence and cue-ownership views, and as a rules-only baseline
(``rule_label``) that the model must beat.

Spelling variants are one cue: ``12-Step``, ``12 step``, ``12step``, ``twelve-step`` and
``Twelve Steps`` all match ``STEP``. Cues are matched in table order and a later cue never
matches inside an earlier cue's span, so "not a 12-Step program" counts once, as a negation,
and never again as a mention of the Steps.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .labels import STANCES, Label

__all__ = [
    "CUES",
    "Cue",
    "CueMatch",
    "cue_sentences",
    "cue_tokens",
    "find_cues",
    "rule_label",
    "rule_scores",
    "split_sentences",
]

STEP = r"(?:12|twelve)[\s\-\u2010-\u2013]?steps?"
_NON = r"non[\s\-\u2010-\u2013]?"
_W = r"(?:[\w'\u2019-]+\s+)"  # one word and its space
_GROUPS = r"(?:AA|NA|CA|alcoholics anonymous|narcotics anonymous|cocaine anonymous)"


@dataclass(frozen=True)
class Cue:
    """One marketing-language cue: a pattern, the stance it supports, a weight and why."""

    name: str
    pattern: re.Pattern[str]
    supports: Label | None
    weight: float
    note: str


def _cue(name: str, pattern: str, supports: Label | None, weight: float, note: str) -> Cue:
    return Cue(name, re.compile(pattern, re.IGNORECASE), supports, weight, note)


B, F, N = Label.BASED, Label.FACILITATED, Label.NON

# fmt: off
CUES: tuple[Cue, ...] = (
    # -- both tracks first: "12-Step and SMART Recovery" is one facilitation cue, not a SMART one
    _cue("both tracks",
         rf"{STEP}\s+(?:and|or|&)\s+(?:{_NON}{STEP}|SMART|secular)|"
         rf"(?:SMART\s+Recovery|{_NON}{STEP}|secular)\s+(?:and|or|&)\s+(?:traditional\s+)?{STEP}",
         F, 2.5, "offers 12-Step and non-12-Step options"),
    # -- negations and explicit rejections next: they claim their span before any 12-Step cue
    _cue("non-12-step", _NON + STEP, N, 3.0, "calls itself non-12-Step"),
    _cue("alternative to 12-step",
         rf"alternatives?\s+(?:to|for)\s+(?:the\s+)?(?:traditional\s+)?(?:{STEP}|{_GROUPS}\b)", N, 3.0,
         "offers itself as an alternative to the Steps or AA"),
    _cue("not a 12-step program",
         rf"\b(?:not|isn['\u2019]t|aren['\u2019]t|never|neither)\s+(?:a\s+|an?\s+|based\s+on\s+(?:the\s+)?)?"
         rf"(?:traditional\s+)?{STEP}", N, 3.0, "negates being a 12-Step program"),
    _cue("without the steps",
         rf"\b(?:without|no)\s+(?:the\s+)?(?:{STEP}|{_GROUPS}\b)|\bbeyond\s+(?:the\s+)?{STEP}", N, 2.5,
         "recovery without the Steps or the fellowship"),
    _cue("no higher power",
         r"(?:\b(?:no|without(?:\s+a)?|not(?:\s+\w+){0,2}?(?:\s+a)?)|n['\u2019]t(?:\s+\w+){0,3}?(?:\s+a)?)\s+"
         r"(?:belief\s+in\s+a\s+)?higher\s+power", N, 3.0, "no Higher Power required"),
    _cue("powerlessness rejected",
         r"\b(?:don['\u2019]t|do\s+not|won['\u2019]t|will\s+not|never|not|no\s+one|nobody)\s+"
         rf"{_W}{{0,5}}?(?:admit|accept|declare|believe|label|call|see|identify)\w*\s+{_W}{{0,3}}?"
         r"(?:powerless|an?\s+addicts?\b|an?\s+alcoholics?\b|diseased|broken)", N, 3.0,
         "rejects powerlessness or the addict label"),
    _cue("instead of surrender",
         r"\b(?:instead\s+of|rather\s+than)\s+(?:\w+\s+){0,3}?(?:surrender|powerless|a\s+higher\s+power|"
         r"spiritual|the\s+steps)", N, 2.5, "contrasts itself with surrender or spirituality"),
    _cue("disease model rejected",
         r"\b(?:not|isn['\u2019]t|don['\u2019]t\s+(?:\w+\s+)?(?:view|see|treat))\s+(?:addiction\s+)?"
         r"(?:as\s+)?(?:a\s+)?(?:chronic\s+|lifelong\s+|incurable\s+)?disease|reject\w*\s+the\s+disease\s+(?:model|label)|"
         r"\b(?:do\s+not|don['\u2019]t|never|won['\u2019]t)\s+(?:tell|teach|label|call)\w*\s+(?:\w+\s+){0,4}?"
         r"(?:a\s+)?disease|\bwithout\s+(?:ever\s+)?accepting\s+the\s+disease",
         N, 2.0, "rejects the disease model"),
    _cue("meetings not required",
         r"\b(?:don['\u2019]t|do\s+not|never|won['\u2019]t)\s+(?:have\s+to|need\s+to|require\s+(?:you\s+)?to|make\s+you)\s+"
         r"(?:go\s+to|attend)\s+(?:\w+\s+){0,2}?(?:meetings|groups?)\b|\bmeetings\s+(?:are|is)\s+(?:never|not)\s+"
         r"(?:required|mandatory|a\s+condition)|\bnobody\s+(?:made|makes|will\s+make)\s+(?:me|you|anyone)\s+(?:go\s+to|attend)",
         N, 2.0, "meetings are not a condition of care"),
    _cue("SMART Recovery", r"\bSMART\s+Recovery\b", N, 2.0,
         "secular mutual help; also offered as a second track by facilitated programs"),
    _cue("other secular groups",
         r"\b(?:Refuge\s+Recovery|Recovery\s+Dharma|LifeRing|Women\s+for\s+Sobriety|Moderation\s+Management|"
         r"HAMS|Secular\s+Organizations\s+for\s+Sobriety)\b", N, 2.0, "secular or Buddhist-inspired groups"),
    _cue("Sinclair Method", r"\bSinclair\s+Method\b|\bpharmacological\s+extinction\b", N, 2.5,
         "naltrexone-based method with no abstinence requirement"),
    _cue("moderation", r"\bmoderat(?:e|ion)\s+(?:drinking|management|goals?|use)\b|\bcontrolled\s+drinking\b",
         N, 2.0, "moderation goals instead of lifelong abstinence"),
    _cue("harm reduction", r"\bharm[\s-]reduction\b", N, 1.0, "harm-reduction framing"),
    _cue("secular", r"\bsecular\b|\bnon[\s-]?religious\b|\bnon[\s-]?spiritual\b", N, 1.5, "secular approach"),
    _cue("empowerment", r"\bempower(?:ment|ing|s|ed)?\b", N, 0.5, "empowerment language (weak)"),
    _cue("root causes", r"\broot\s+causes?\b|\bunderlying\s+causes?\b", N, 0.3, "root-cause language (weak)"),
    _cue("holistic", r"\bholistic\b", N, 0.3, "holistic care (weak; 12-Step programs use it too)"),
    _cue("CBT/DBT",
         r"\bCBT\b|\bDBT\b|\bcognitive[\s-]behavio(?:u)?ral\b|\bdialectical\s+behavio(?:u)?r", N, 0.2,
         "clinical therapies (weak; facilitated programs list them too)"),
    # -- facilitation: a clinical program that connects clients to the fellowship
    _cue("12-step facilitation", rf"{STEP}\s+facilitation|\bTSF\b|{STEP}[\s-]facilitated", F, 3.0,
         "Twelve Step Facilitation (TSF)"),
    _cue("incorporates the steps",
         rf"\b(?:incorporat|integrat|includ|blend|combin|complement|infus|weav)\w*\s+{_W}{{0,4}}?{STEP}",
         F, 2.0, "incorporates 12-Step principles into clinical care"),
    _cue("introduces the fellowship",
         rf"\b(?:introduc|connect|link|expos|familiariz|familiaris)\w*\s+{_W}{{0,4}}?(?:to|with)\s+"
         rf"(?:local\s+)?(?:{_GROUPS}\b|{STEP}|the\s+fellowship|mutual[\s-]help|peer\s+support\s+groups)",
         F, 2.5, "introduces clients to AA, NA or 12-Step groups"),
    _cue("meetings on site or by van",
         rf"\b{STEP}\s+(?:programs?|meetings|groups)\s+(?:are|is)\s+(?:\w+\s+)?(?:offered|held|hosted|available)\b|"
         rf"\bon[\s-]?site\s+(?:{_GROUPS}\s+|{STEP}\s+)?meetings|\bmeetings\s+(?:are\s+)?(?:held\s+)?on[\s-]?site|"
         rf"\btransport\w*\s+{_W}{{0,3}}?(?:to\s+)?(?:local\s+|community\s+|outside\s+)?(?:{_GROUPS}\s+|{STEP}\s+)?"
         r"meetings", F, 2.5, "hosts meetings or drives clients to them"),
    _cue("find a sponsor",
         r"\b(?:find|finding|connect\w*\s+with|secure|get)\s+(?:a\s+|their\s+|your\s+)?(?:temporary\s+)?sponsor\b",
         F, 1.5, "helps clients find a sponsor"),
    _cue("encourages meetings",
         rf"\b(?:encourag|recommend|support|requir|expect)\w*\s+{_W}{{0,5}}?(?:attend\w*\s+)?{_W}{{0,2}}?"
         rf"(?:{_GROUPS}\b|{STEP}|meetings)", F, 1.5, "encourages or requires meeting attendance"),
    _cue("fellowship meetings",
         rf"\b{_GROUPS}\s+(?:(?:and|or|&|/)\s+{_GROUPS}\s+)?meetings|{STEP}\s+(?:meetings|groups|support\s+groups)",
         F, 1.0, "AA, NA or 12-Step meetings mentioned"),
    # -- 12-Step based: the program itself is the Steps
    _cue("12-step based",
         rf"{STEP}[\s-]based|\b(?:based|rooted|grounded|founded|built|centered|centred|modeled|modelled)\s+"
         rf"(?:on|in|upon|around)\s+(?:the\s+)?(?:principles\s+of\s+(?:the\s+)?)?{_W}{{0,3}}?{STEP}", B, 3.0,
         "the program is built on the Steps"),
    _cue("our 12-step program",
         rf"\b(?:our|we\s+are\s+an?)\s+(?:\w+\s+){{0,2}}?{STEP}\s+(?:program|programme|approach|model|"
         rf"philosophy|curriculum|treatment|immersion|recovery)|\bfollow(?:s|ing)?\s+(?:the\s+)?{STEP}\s+"
         r"(?:model|program|programme|principles|philosophy|approach)", B, 3.0,
         "calls its own program a 12-Step program, or follows the 12-Step model"),
    _cue("Minnesota Model", r"\bMinnesota\s+Model\b", B, 3.0, "the classic 12-Step treatment model"),
    _cue("step work",
         r"\bstep[\s-]?work\b|\bwork(?:ing|s)?\s+(?:the|through\s+the|all\s+(?:12|twelve)|the\s+first\s+\w+)\s+"
         r"(?:\w+\s+)?steps\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
         r"twelfth)\s+(?:(?:two|three|four|five|six|seven|eight|nine|ten)\s+)?steps?\b|"
         r"\bsteps?\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[1-9]|1[0-2])\b|"
         r"\bstep\s+(?:study|studies|assignments?)\b|"
         rf"\b(?:guid|walk|tak|mov|progress|lead)\w*\s+(?:\w+\s+){{0,2}}?through\s+(?:the\s+)?{STEP}",
         B, 2.0, "working the Steps"),
    _cue("Big Book", r"\bBig\s+Book\b", B, 2.5, "AA's basic text"),
    _cue("Higher Power", r"\bhigher\s+power\b|\bpower\s+greater\s+than\s+(?:ourselves|yourself|themselves)",
         B, 2.0, "spiritual core of the Steps"),
    _cue("surrender and powerlessness",
         r"\bsurrender\w*|\bpowerless\w*|\bunmanageab\w*|\bspiritual\s+(?:awakening|malady|solution|"
         r"principles|program|experience|disease|condition)", B, 1.5, "the fellowship's language"),
    _cue("sponsor", r"\bsponsor(?:s|ship|ed)?\b", B, 1.0, "sponsorship"),
    _cue("fellowship language",
         r"\bhome\s+group\b|\bthe\s+fellowship\b|\btwelve\s+traditions\b|\bcarry(?:ing)?\s+the\s+message\b|"
         r"\bmaking\s+amends\b|\bmoral\s+inventory\b|\bdefects\s+of\s+character\b|\bone\s+day\s+at\s+a\s+time\b",
         B, 1.5, "the fellowship's own phrases"),
    _cue("abstinence-based", r"\babstinence[\s-](?:based|only)\b", B, 1.0, "abstinence-based (weak)"),
    _cue("Celebrate Recovery", r"\bCelebrate\s+Recovery\b", B, 1.5, "Christ-centred 12-Step curriculum"),
    # -- mentions with no stance of their own: they mark a sentence as being about the Steps
    _cue("12-step mention", STEP, None, 0.0, "mentions the Steps"),
    _cue("fellowship mention", rf"\b{_GROUPS}\b", None, 0.0, "mentions AA, NA or CA"),
)
# fmt: on

_OWNER = re.compile(
    r"\b(?:we|we['\u2019](?:re|ve|ll)|our|ours|us|here|clients|residents|patients|guests|participants)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'\u201c(\[A-Z0-9])|\n+")
# Sentences are matched case-insensitively, except the group acronyms: "na" is a Spanish word.
_CASE_SENSITIVE = re.compile(r"\b(?:AA|NA|CA|TSF|CBT|DBT|HAMS)\b")


@dataclass(frozen=True)
class CueMatch:
    """A cue found in a text: the sentence it stands in, where, and whether "we/our" owns it."""

    cue: Cue
    sentence: str
    start: int
    owned: bool

    @property
    def supports(self) -> Label | None:
        """The stance this match supports (``None`` for a plain mention)."""
        return self.cue.supports


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Return ``(offset, sentence)`` pairs: lines and sentence ends split the text.

    Examples
    --------
    >>> split_sentences("We are not 12-Step. Call us!\\nOur Approach")
    [(0, 'We are not 12-Step.'), (20, 'Call us!'), (29, 'Our Approach')]
    """
    pieces: list[tuple[int, str]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[position : match.start()]
        if piece.strip():
            pieces.append((position + len(piece) - len(piece.lstrip()), piece.strip()))
        position = match.end()
    tail = text[position:]
    if tail.strip():
        pieces.append((position + len(tail) - len(tail.lstrip()), tail.strip()))
    return pieces


def _acronyms_ok(cue: Cue, matched: str) -> bool:
    """Acronym-only matches (AA, NA, TSF...) count only when written in capitals."""
    words = re.findall(r"\b(?:aa|na|ca|tsf|cbt|dbt|hams)\b", matched, re.IGNORECASE)
    return all(word.isupper() for word in words) or not words


def find_cues(text: str) -> list[CueMatch]:
    """Return every cue in ``text``, in reading order, one match per span.

    The model's two cue views and the evidence all need the matches of the same texts, so the
    last 1,024 texts' matches are cached (matching is most of the cost of a prediction).

    Examples
    --------
    >>> [m.cue.name for m in find_cues("We are not a 12-Step program. We offer SMART Recovery.")]
    ['not a 12-step program', 'SMART Recovery']
    """
    return list(_find_cues(text))


@functools.lru_cache(maxsize=1024)
def _find_cues(text: str) -> tuple[CueMatch, ...]:
    matches: list[CueMatch] = []
    for offset, sentence in split_sentences(text):
        taken: list[tuple[int, int]] = []
        owned = bool(_OWNER.search(sentence))
        for cue in CUES:
            for hit in cue.pattern.finditer(sentence):
                span = hit.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                if not _acronyms_ok(cue, hit.group(0)):
                    continue
                taken.append(span)
                matches.append(CueMatch(cue, sentence, offset + span[0], owned))
    matches.sort(key=lambda match: match.start)
    return tuple(matches)


def cue_sentences(text: str) -> str:
    """Return only the sentences of ``text`` that carry a cue, joined by newlines."""
    seen: dict[str, None] = {}
    for match in find_cues(text):
        seen.setdefault(match.sentence)
    return "\n".join(seen)


def cue_tokens(text: str) -> str:
    """Return one token per cue found (``cue_<name>``), plus ``own_<name>`` when "we/our" owns it.

    This is the model's view of whose program a cue belongs to: explainer pages are full of
    12-Step words, but rarely tie them to the provider.
    """
    tokens = []
    for match in find_cues(text):
        name = re.sub(r"\W+", "_", match.cue.name.lower()).strip("_")
        tokens.append(f"cue_{name}")
        if match.owned:
            tokens.append(f"own_{name}")
    return " ".join(tokens)


def rule_scores(matches: Iterable[CueMatch]) -> dict[Label, float]:
    """Return each stance's cue score: the sum of weights, doubled where "we/our" owns the cue."""
    scores = dict.fromkeys(STANCES, 0.0)
    for match in matches:
        if match.supports is not None:
            scores[match.supports] += match.cue.weight * (2.0 if match.owned else 1.0)
    return scores


def rule_label(text: str, *, threshold: float = 3.0) -> Label:
    """Return the cue-rules baseline's label: the best-scoring stance, or ``unknown`` below ``threshold``.

    Examples
    --------
    >>> rule_label("Our program is an alternative to 12-Step programs.")
    <Label.NON: 'non-12-step'>
    >>> rule_label("Verify your insurance today.")
    <Label.UNKNOWN: 'unknown'>
    """
    scores = rule_scores(find_cues(text))
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= threshold else Label.UNKNOWN
