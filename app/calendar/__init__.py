"""The personal calendar: a private ICS feed of each user's deadlines and council meetings."""

from app.calendar.views import bp

__all__ = ["bp"]
