"""When reminders and escalations fall due: Norwegian working days and a cycle's schedule.

Pure: no Flask, no database. A schedule says how many calendar days before the deadline the
contacts are reminded, how often (in working days) after it, and when the byråd and the council
office are told. Dates on a weekend or a public holiday move to the previous working day before
the deadline and to the next one after it. Everything is sent at 08:00 Europe/Oslo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from workflows.assessment import EDITABLE_STATES

OSLO = ZoneInfo("Europe/Oslo")
SEND_AT = time(8, 0)  # reminders for a date go out from 08:00 Oslo time that day


class ReminderKind(str, Enum):
    """What a scheduled message is; stored with each reminder row."""

    INVITATION = "invitation"
    REMINDER_BEFORE = "reminder_before"
    REMINDER_OVERDUE = "reminder_overdue"
    ESCALATION_COMMISSIONER = "escalation_commissioner"
    ESCALATION_OFFICE = "escalation_office"


REMINDER_KINDS = (ReminderKind.REMINDER_BEFORE, ReminderKind.REMINDER_OVERDUE)
ESCALATION_KINDS = (ReminderKind.ESCALATION_COMMISSIONER, ReminderKind.ESCALATION_OFFICE)

# Limits the settings form enforces, so a schedule can never run away.
MAX_DAYS_BEFORE = 60
MAX_BEFORE_REMINDERS = 5
MAX_OVERDUE_EVERY = 20
MAX_OVERDUE_REMINDERS = 10
MAX_ESCALATION_DAYS = 30


@dataclass(frozen=True)
class ReminderSchedule:
    """A cycle's reminder settings (stored as JSON on the cycle; None means these defaults)."""

    days_before: tuple[int, ...] = (7, 2)
    overdue_every: int = 3
    max_overdue: int = 5
    escalate_commissioner_after: int = 3
    escalate_office_after: int = 5

    @classmethod
    def from_dict(cls, data: dict | None) -> ReminderSchedule:
        """The schedule stored in `data`; missing keys take the defaults."""
        data = dict(data or {})
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if "days_before" in known:
            known["days_before"] = tuple(int(d) for d in known["days_before"])
        return cls(**known)

    def to_dict(self) -> dict:
        """The JSON form stored on the cycle."""
        values = asdict(self)
        values["days_before"] = list(self.days_before)
        return values

    def problems(self) -> list[str]:
        """Names of the settings that are out of range (empty when the schedule is usable)."""
        limits = {"overdue_every": (1, MAX_OVERDUE_EVERY),
                  "max_overdue": (0, MAX_OVERDUE_REMINDERS),
                  "escalate_commissioner_after": (1, MAX_ESCALATION_DAYS),
                  "escalate_office_after": (1, MAX_ESCALATION_DAYS)}
        bad = [name for name, (low, high) in limits.items()
               if not low <= getattr(self, name) <= high]
        if (len(self.days_before) > MAX_BEFORE_REMINDERS
                or any(not 1 <= d <= MAX_DAYS_BEFORE for d in self.days_before)):
            bad.insert(0, "days_before")
        return bad


@dataclass(frozen=True, order=True)
class Due:
    """One scheduled message: on `day`, of `kind`."""

    day: date
    kind: ReminderKind


# --- working days ------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Norway(years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_day_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the closest working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_day_on_or_after(day: date) -> date:
    """`day` itself when it is a working day, else the closest working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (count >= 1; `day` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    for _ in range(count):
        day = working_day_on_or_after(day + timedelta(days=1))
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


# --- the schedule ----------------------------------------------------------------------------
def reminder_dates(deadline: date, schedule: ReminderSchedule | None = None) -> list[Due]:
    """Reminders to contacts for `deadline`: before it, then overdue ones; sorted, no repeats."""
    schedule = schedule or ReminderSchedule()
    before = {working_day_on_or_before(deadline - timedelta(days=n))
              for n in schedule.days_before if n > 0}
    dues = {Due(d, ReminderKind.REMINDER_BEFORE) for d in before if d < deadline}
    for k in range(schedule.max_overdue):
        day = add_working_days(deadline, 1 + k * schedule.overdue_every)
        dues.add(Due(day, ReminderKind.REMINDER_OVERDUE))
    return sorted(dues)


def escalation_dates(deadline: date, schedule: ReminderSchedule | None = None) -> list[Due]:
    """When the byråd and then the council office are told that an assessment is late."""
    schedule = schedule or ReminderSchedule()
    return sorted([
        Due(add_working_days(deadline, schedule.escalate_commissioner_after),
            ReminderKind.ESCALATION_COMMISSIONER),
        Due(add_working_days(deadline, schedule.escalate_office_after),
            ReminderKind.ESCALATION_OFFICE),
    ])


def latest_due(dues: list[Due], day: date, *, after: date | None = None) -> Due | None:
    """The last of `dues` on or before `day` (and after `after`), or None.

    Only the latest counts: a reminder missed while the scheduler was down is superseded by the
    next one rather than sent late on top of it.
    """
    candidates = [d for d in dues if d.day <= day and (after is None or d.day > after)]
    return max(candidates) if candidates else None


def send_day(moment: datetime) -> date:
    """The last date whose 08:00 Oslo time is at or before `moment` (an aware datetime)."""
    local = moment.astimezone(OSLO)
    return local.date() if local.time() >= SEND_AT else local.date() - timedelta(days=1)


def days_left(deadline: date, day: date) -> int:
    """Calendar days from `day` to the deadline; negative when it has passed."""
    return (deadline - day).days


# --- mail whose reason went away ----------------------------------------------------------
# Every scheduled mail is about assessments the contact has still to send in: the invitation,
# the reminders, both escalations and the weekly digest. Queued, it can wait (a relay down over
# a weekend); once none of its assessments is still with the contact, sending it would be wrong.
EDITABLE_STATE_VALUES = frozenset(state.value for state in EDITABLE_STATES)
SCHEDULED_MAIL_KINDS = frozenset({kind.value for kind in ReminderKind}
                                 | {"weekly_digest", "escalation_rerouted"})


def reason_still_holds(kind: str, states: Iterable[str]) -> bool:
    """Whether a queued mail of `kind` about assessments in `states` should still go out.

    Mail that is not scheduled (or is about no assessment) always goes; scheduled mail goes
    while at least one of its assessments is still being written (draft or returned).
    """
    states = [str(getattr(state, "value", state)) for state in states]
    if kind not in SCHEDULED_MAIL_KINDS or not states:
        return True
    return any(state in EDITABLE_STATE_VALUES for state in states)
