"""The classifier's exceptions: one root; input errors also subclass ``ValueError``."""

from __future__ import annotations

__all__ = ["InputError", "LabelError", "ModelError", "StepcheckError"]


class StepcheckError(Exception):
    """Root of the exceptions ``classifier`` raises on purpose."""


class LabelError(StepcheckError, ValueError):
    """A value is not one of stepcheck's labels."""


class ModelError(StepcheckError):
    """A model file cannot be used: missing, tampered with, or from another scikit-learn."""


class InputError(StepcheckError, ValueError):
    """Input a user gave cannot be read (a file, a column, a labelled set); the message says the fix."""
