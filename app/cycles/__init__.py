"""Cycles: the yearly review, its progress dashboard and the office's steering pages."""

from app.cycles import steering  # noqa: F401  (adds the steering routes to bp)
from app.cycles.views import bp

__all__ = ["bp"]
