"""Lean rows for the long list pages: the cycle dashboard, my assessments and the register.

Those pages show every row of a cycle or of the register (2,000 in a large municipality). Built
from ORM objects, with `url_for`, a macro and a Babel call per cell, most of their time went on
that per-row machinery, not on the database. The helpers here do each piece of work once per
page: a label or tag once per value, a link from one pattern, a date through Babel once per
distinct minute. The pages fetch their rows with one Core query and hand the template tuples of
ready cells.

The contract: every cell is escaped here, in Python (Markup, an escaped link, or a number), and
the template writes the cells as they are: with `fill_rows`, one %-format per row, or inside
`{% autoescape false %}`. tests/test_listing.py holds each page's cells to what the ORM objects
and Flask-Babel say, and feeds the pages markup to show it comes out escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_time, get_datetime_format, get_time_format
from flask import url_for
from flask_babel import format_date as flask_format_date
from flask_babel import get_locale, get_timezone
from markupsafe import Markup, escape

EMPTY = Markup("")
# An id no row will have; url_for builds the link around it once, the rows fill it in.
_SENTINEL = 987654321987


def raw(column: Any) -> Any:
    """`column` read as the driver gives it, without its type's conversion per value (a
    Python call per cell); `members` and `moment` do that conversion in the row loop."""
    return sa.type_coerce(column, sa.String)


def members(enum_cls: type[Enum]) -> dict[str | None, Any]:
    """The enum's members by their stored value (and None for NULL), for `raw` columns."""
    return {None: None, **{member.value: member for member in enum_cls}}


def moment(value: datetime | str | None) -> datetime | None:
    """A `raw` timestamp, aware: SQLite gives text (always UTC here), PostgreSQL a datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def link_pattern(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """A function from an integer id to `url_for(endpoint, key=id, **values)`, escaped for
    an attribute (text that needs no more escaping: the escaped URL around a number); the
    URL is built once."""
    url = url_for(endpoint, **{key: _SENTINEL}, **values)
    head, sep, tail = url.partition(str(_SENTINEL))
    if not sep or str(_SENTINEL) in tail:
        raise ValueError(f"{endpoint}: the id must appear once in its URL ({url})")
    head, tail = str(escape(head)), str(escape(tail))
    return lambda ident: f"{head}{ident:d}{tail}"


def labels_for(mapping: Mapping[Hashable, Any]) -> dict[Hashable, Markup]:
    """Each (lazily translated) label of `mapping`, escaped, in the current language."""
    return {key: escape(str(label)) for key, label in mapping.items()}


def tag(colour: str, text: str) -> Markup:
    """A Designsystemet tag."""
    return Markup('<span class="ds-tag" data-color="{}">{}</span>').format(colour, text)


def tag_list(*tags: Markup | None) -> Markup:
    """Tags side by side; None stands for a tag the row does not have."""
    return Markup(" ").join(t for t in tags if t is not None)


def plain_time_format(locale: Any, fmt: str) -> str | None:
    """A %-format for the locale's time pattern when it is only two-digit hours, minutes (and
    seconds) with literal separators, as Norwegian's "HH:mm" (None otherwise: Babel formats
    it). A page of 2,000 distinct moments then spends no time in Babel's pattern engine."""
    pattern = get_time_format(fmt, locale=locale).pattern
    match = re.fullmatch(r"HH([^A-Za-z'%]+)mm(?:([^A-Za-z'%]+)ss)?", pattern)
    if not match:
        return None
    if match.group(2) is None:
        return f"%02d{match.group(1)}%02d"
    return f"%02d{match.group(1)}%02d{match.group(2)}%02d"


class Dates:
    """Dates and times as Babel writes them in the user's language and time zone.

    Babel's own datetime format is the locale's pattern with the date in {1} and the time in
    {0}; this does the same, but formats each distinct day and each distinct time of day
    once for the whole page.
    """

    def __init__(self, date_format: str = "long", datetime_format: str = "short") -> None:
        if datetime_format not in ("short", "medium"):  # long and full name the zone: per date
            raise ValueError(f"unsupported datetime format {datetime_format!r}")
        self.locale = get_locale()
        self.zone = ZoneInfo(str(get_timezone()))  # the same zone as Flask-Babel's, in C
        self.date_format = date_format
        self.datetime_format = datetime_format
        self.pattern = get_datetime_format(datetime_format, locale=self.locale).replace("'", "")
        self._days: dict[tuple[date, str], str] = {}
        self._times: dict[tuple[int, int, int], str] = {}
        self._shown: dict[datetime | str, Markup] = {}
        self._text_key = 16 if datetime_format == "short" else 19  # minutes, or seconds too
        self._plain_time = plain_time_format(self.locale, datetime_format)

    def _day(self, day: date, fmt: str) -> str:
        key = (day, fmt)
        if key not in self._days:
            self._days[key] = format_date(day, fmt, locale=self.locale)
        return self._days[key]

    def _format_time(self, local: datetime, parts: tuple[int, int, int]) -> str:
        if self._plain_time is not None:
            return self._plain_time % parts[:self._plain_time.count("%")]
        return format_time(local.time(), self.datetime_format, locale=self.locale)

    def date(self, value: date | None) -> Markup:
        """Like the templates' `date` filter."""
        if value is None:
            return EMPTY
        if isinstance(value, datetime):  # Flask-Babel's own rules for the day of a moment
            return escape(flask_format_date(value, self.date_format))
        return escape(self._day(value, self.date_format))

    def datetime(self, value: datetime | str | None) -> Markup:
        """Like the templates' `datetime` filter; also takes a `raw` timestamp. Text from
        SQLite (UTC, "YYYY-MM-DD HH:MM:SS...") is looked up by its leading minute (or
        second), so a page with many moments in the same minute formats it once."""
        if value is None:
            return EMPTY
        key = value[:self._text_key] if isinstance(value, str) else value
        shown = self._shown.get(key)
        if shown is None:
            local = moment(value).astimezone(self.zone)
            parts = (local.hour, local.minute, local.second if self._text_key == 19 else 0)
            if parts not in self._times:
                self._times[parts] = self._format_time(local, parts)
            shown = self._shown[key] = escape(
                self.pattern.replace("{0}", self._times[parts])
                .replace("{1}", self._day(local.date(), self.datetime_format)))
        return shown


def fill_rows(rows: Iterable[tuple], row_format: str) -> Markup:
    """The `fill_rows` template filter: each row's cells put into `row_format` (a %-format
    with one %s per cell, written in the template) and joined. The cells must be escaped
    already (Markup, or numbers); a 2,000-row table then costs one C-level format per row,
    not a dozen template steps."""
    return Markup("".join([row_format % row for row in rows]))


def joined(parts: list[str], separator: str) -> Markup:
    """`parts` escaped and joined (for a cell that lists several names)."""
    return Markup(separator).join(escape(part) for part in parts)
