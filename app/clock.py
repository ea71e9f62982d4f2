"""The one place that asks what time it is, so tests and the scheduler can travel in time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def now() -> datetime:
    """The current moment, aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Norway."""
    return now().astimezone(OSLO).date()
