"""Helpers for the calendar tests: get a feed address the way a user does, and read a feed."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from tests.conftest import login, post

FEED_URL_RE = re.compile(r'id="feed_url"[^>]*value="([^"]+)"')


def shown_feed_url(html: str) -> str | None:
    """The one-time feed address on a profile page, if it is there."""
    match = FEED_URL_RE.search(html)
    return match.group(1) if match else None


def new_feed(client, action: str = "/profile/calendar") -> str:
    """Press a calendar button on the profile page; returns the path of the address shown."""
    response = post(client, action)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    url = shown_feed_url(response.get_data(as_text=True))  # shown in this one answer only
    assert url, "no feed address shown after creating one"
    return urlsplit(url).path


def parse(response) -> Calendar:
    """The feed in `response`, parsed (fails if it is not a valid iCalendar)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar) -> dict[str, tuple[date, str]]:
    """UID -> (day, summary) of every VEVENT."""
    return {str(e["UID"]): (e.decoded("DTSTART"), str(e["SUMMARY"]))
            for e in calendar.walk("VEVENT")}


@pytest.fixture()
def feed_of(app):
    """`feed_of(email)`: logs a fresh client in as `email`, makes its feed; (client, path)."""

    def _make(email: str):
        client = app.test_client()
        login(client, email)
        return client, new_feed(client)

    return _make
