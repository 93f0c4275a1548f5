"""stepcheck's classifier: labels, cues, model, evidence, batch runs and the command line.

May import ``scraper``; ``scraper`` never imports this package.
"""

import logging

from .batch import RESULT_COLUMNS, SiteResult, classify_frame, classify_local, classify_urls
from .cues import CUES, Cue, CueMatch, find_cues, rule_label
from .errors import InputError, LabelError, ModelError, StepcheckError
from .evaluate import Report, baseline_report, cross_validate, evaluate
from .labels import STANCES, Label, parse_label
from .model import Model, build_pipeline, load_corpus, load_model, save_model, train_model
from .predict import Evidence, Prediction, classify_site, classify_text, classify_texts

__all__ = [
    "CUES",
    "RESULT_COLUMNS",
    "STANCES",
    "Cue",
    "CueMatch",
    "Evidence",
    "InputError",
    "Label",
    "LabelError",
    "Model",
    "ModelError",
    "Prediction",
    "Report",
    "SiteResult",
    "StepcheckError",
    "baseline_report",
    "build_pipeline",
    "classify_frame",
    "classify_local",
    "classify_site",
    "classify_text",
    "classify_texts",
    "classify_urls",
    "cross_validate",
    "evaluate",
    "find_cues",
    "load_corpus",
    "load_model",
    "parse_label",
    "rule_label",
    "save_model",
    "train_model",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
