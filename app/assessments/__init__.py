"""The yearly assessment: list, form, sign-off and review transitions."""

from app.assessments.views import bp

__all__ = ["bp"]
