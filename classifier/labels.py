"""The label vocabulary, shared by everything that reads or writes a label."""

from __future__ import annotations

from enum import StrEnum

from .errors import LabelError

__all__ = ["STANCES", "Label", "parse_label"]


class Label(StrEnum):
    """What a page or provider says about its own program; prints as the label string.

    The corpus and labelled files may write ``no-stance`` for ``unknown``.
    """

    BASED = "12-step-based"
    FACILITATED = "12-step-facilitated"
    NON = "non-12-step"
    UNKNOWN = "unknown"


STANCES: tuple[Label, ...] = (Label.BASED, Label.FACILITATED, Label.NON)

_ALIASES = {
    "no-stance": Label.UNKNOWN,
    "nostance": Label.UNKNOWN,
    "none": Label.UNKNOWN,
    "based": Label.BASED,
    "facilitated": Label.FACILITATED,
    "non": Label.NON,
    "non-12step": Label.NON,
    "non12step": Label.NON,
}


def parse_label(value: object) -> Label:
    """Return the ``Label`` that ``value`` names (case, spaces and underscores forgiven).

    Examples
    --------
    >>> parse_label("No Stance"), parse_label("12_step_based")
    (<Label.UNKNOWN: 'unknown'>, <Label.BASED: '12-step-based'>)
    """
    if isinstance(value, Label):
        return value
    key = str(value).strip().lower().replace("_", "-").replace(" ", "-").replace("twelve", "12")
    try:
        return Label(key)
    except ValueError:
        pass
    if key in _ALIASES:
        return _ALIASES[key]
    allowed = ", ".join([*(label.value for label in Label), "no-stance"])
    raise LabelError(f"{value!r} is not a label; use one of: {allowed}")
