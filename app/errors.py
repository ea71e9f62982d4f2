"""Errors that operations raise and views translate into answers (403, 409, 422)."""

from __future__ import annotations

from workflows.engine import IncompleteError, TransitionNotAllowed

__all__ = [
    "ConflictError", "IncompleteError", "NotPermitted", "TransitionNotAllowed", "ValidationFailed",
]


class NotPermitted(Exception):
    """The actor may not do this (403)."""


class ValidationFailed(Exception):
    """Input was rejected; `errors` maps field names to messages (422)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class ConflictError(Exception):
    """Someone else saved first; the caller's version is stale (409). Nothing was written."""

    def __init__(self, current_version: int, submitted_version: int):
        self.current_version = current_version
        self.submitted_version = submitted_version
        super().__init__(f"stale version {submitted_version}, current is {current_version}")
