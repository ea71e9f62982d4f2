"""The user's own page: who they are, their language and their calendar address."""

from app.profile.views import bp

__all__ = ["bp"]
