"""Cycles: the yearly review and its progress dashboard."""

from app.cycles.views import bp

__all__ = ["bp"]
