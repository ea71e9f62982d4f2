"""Cycles: the yearly review, its progress dashboard and the office's steering pages."""

from app.cycles import (
    create_views,  # noqa: F401  (a new cycle without an earlier one)
    order_views,  # noqa: F401  (the order of the arenas in the document)
    setup_views,  # noqa: F401  (arenas and criteria of a planned cycle)
    steering,  # noqa: F401  (adds the steering routes to bp)
)
from app.cycles.views import bp

__all__ = ["bp"]
