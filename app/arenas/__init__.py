"""The arena register."""

from app.arenas.views import bp

__all__ = ["bp"]
