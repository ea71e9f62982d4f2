"""Writing events as an iCalendar (RFC 5545) feed that Outlook, Google and Apple subscribe to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from app.calendar.events import CalendarEvent

PRODID = "-//Samarbeidsarenaer//Kalender//NO"
REFRESH = timedelta(hours=6)  # how often subscribers should fetch again


def to_vevent(item: CalendarEvent, stamp: datetime) -> Event:
    """One all-day VEVENT that does not mark the day as busy."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.day)
    event.add("dtend", item.day + timedelta(days=1))  # DTEND of an all-day event is exclusive
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    event.add("transp", "TRANSPARENT")
    event.add("x-microsoft-cdo-alldayevent", "TRUE")
    event.add("x-microsoft-cdo-busystatus", "FREE")
    return event


def render_calendar(items: Iterable[CalendarEvent], name: str, stamp: datetime) -> bytes:
    """The whole feed as bytes; `stamp` (the DTSTAMP) is the time it was generated."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for item in items:
        calendar.add_component(to_vevent(item, stamp))
    return calendar.to_ical()
