"""Pages about the service itself, open to everyone: the accessibility statement and /healthz."""

from app.about.views import bp

__all__ = ["bp"]
