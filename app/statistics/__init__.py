"""Statistics per cycle: cost, ratings, recommendations against decisions, and the trend."""

from app.statistics.views import bp

__all__ = ["bp"]
