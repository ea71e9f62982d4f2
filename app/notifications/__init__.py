"""Mail: the outbox, its deliverer, the templates and the council office's mail log."""

from app.notifications.views import bp

__all__ = ["bp"]
