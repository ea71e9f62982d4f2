"""Logging in and out."""

from app.auth.views import bp

__all__ = ["bp"]
