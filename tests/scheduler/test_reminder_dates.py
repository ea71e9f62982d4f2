"""The reminder schedule as pure rules: working days, moved dates, Easter and 17 May."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.reminders import (
    OSLO,
    Due,
    ReminderKind,
    ReminderSchedule,
    add_working_days,
    days_left,
    escalation_dates,
    is_working_day,
    latest_due,
    reminder_dates,
    send_day,
    working_day_on_or_after,
    working_day_on_or_before,
    working_days_between,
)

BEFORE, OVERDUE = ReminderKind.REMINDER_BEFORE, ReminderKind.REMINDER_OVERDUE
D = date.fromisoformat


def days(dues: list[Due], kind: ReminderKind | None = None) -> list[str]:
    return [d.day.isoformat() for d in dues if kind is None or d.kind == kind]


@pytest.mark.parametrize("day, working", [
    ("2026-03-06", True),  # a Friday
    ("2026-03-07", False), ("2026-03-08", False),  # the weekend
    ("2026-04-01", True), ("2026-04-02", False), ("2026-04-03", False),  # Easter 2026
    ("2026-04-06", False), ("2026-04-07", True),
    ("2029-05-17", False),  # 17 May on a Thursday
    ("2026-05-14", False), ("2026-05-25", False),  # Ascension and Whit Monday 2026
    ("2026-12-24", True),  # Christmas Eve is not a public holiday
    ("2026-12-25", False), ("2027-01-01", False),
])
def test_working_days_follow_the_norwegian_calendar(day, working):
    assert is_working_day(D(day)) is working


def test_default_schedule_around_a_weekend():
    deadline = D("2026-03-09")  # a Monday
    dues = reminder_dates(deadline)
    # 7 days before is Monday 2 March; 2 days before is Saturday 7 March -> Friday 6 March
    assert days(dues, BEFORE) == ["2026-03-02", "2026-03-06"]
    # the first working day after, then every 3 working days, five in all
    assert days(dues, OVERDUE) == ["2026-03-10", "2026-03-13", "2026-03-18", "2026-03-23",
                                   "2026-03-26"]
    assert days(escalation_dates(deadline)) == ["2026-03-12", "2026-03-16"]
    assert [e.kind for e in escalation_dates(deadline)] == [
        ReminderKind.ESCALATION_COMMISSIONER, ReminderKind.ESCALATION_OFFICE]


def test_deadline_before_easter():
    deadline = D("2026-04-01")  # Wednesday before Maundy Thursday
    dues = reminder_dates(deadline)
    assert days(dues, BEFORE) == ["2026-03-25", "2026-03-30"]
    # Thursday to Monday are holidays or weekend: the first overdue reminder is Tuesday 7 April
    assert days(dues, OVERDUE)[:3] == ["2026-04-07", "2026-04-10", "2026-04-15"]
    assert days(escalation_dates(deadline)) == ["2026-04-09", "2026-04-13"]


def test_deadline_after_easter_moves_the_reminder_before_the_holidays():
    deadline = D("2026-04-07")  # the Tuesday after Easter Monday
    # 2 days before is Easter Sunday: back past Saturday, Good Friday and Maundy Thursday
    assert days(reminder_dates(deadline), BEFORE) == ["2026-03-31", "2026-04-01"]


def test_constitution_day_is_skipped_both_ways():
    # 2029: 17 May is a Thursday, and Whit Monday falls on the 21st
    assert days(reminder_dates(D("2029-05-16")), OVERDUE)[:2] == ["2029-05-18", "2029-05-24"]
    assert days(reminder_dates(D("2029-05-19")), BEFORE) == ["2029-05-11", "2029-05-16"]
    # 2026: 17 May is a Sunday, Ascension is on the 14th and Whit Monday on the 25th
    dues = reminder_dates(D("2026-05-19"))
    assert days(dues, BEFORE) == ["2026-05-12", "2026-05-15"]
    assert days(dues, OVERDUE)[:3] == ["2026-05-20", "2026-05-26", "2026-05-29"]


def test_a_custom_schedule():
    schedule = ReminderSchedule(days_before=(10, 3, 3), overdue_every=1, max_overdue=2,
                                escalate_commissioner_after=1, escalate_office_after=2)
    dues = reminder_dates(D("2026-03-09"), schedule)
    assert days(dues) == ["2026-02-27", "2026-03-06", "2026-03-10", "2026-03-11"]
    assert days(escalation_dates(D("2026-03-09"), schedule)) == ["2026-03-10", "2026-03-11"]
    assert days(reminder_dates(D("2026-03-09"), ReminderSchedule((), 3, 0))) == []


def test_schedule_round_trips_and_reports_bad_values():
    schedule = ReminderSchedule(days_before=(5,), overdue_every=2)
    assert ReminderSchedule.from_dict(schedule.to_dict()) == schedule
    assert ReminderSchedule.from_dict(None) == ReminderSchedule()
    assert ReminderSchedule.from_dict({"max_overdue": 1, "unknown": 9}).max_overdue == 1
    assert ReminderSchedule().problems() == []
    bad = ReminderSchedule(days_before=(0, 70), overdue_every=0, max_overdue=11)
    assert bad.problems() == ["days_before", "overdue_every", "max_overdue"]


@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 3, 2, 6, 59, tzinfo=UTC), "2026-03-01"),  # 07:59 in Oslo (winter)
    (datetime(2026, 3, 2, 7, 0, tzinfo=UTC), "2026-03-02"),  # 08:00 in Oslo
    (datetime(2026, 3, 30, 5, 59, tzinfo=UTC), "2026-03-29"),  # 07:59 in Oslo (summer)
    (datetime(2026, 3, 30, 6, 0, tzinfo=UTC), "2026-03-30"),
    (datetime(2026, 3, 30, 23, 30, tzinfo=UTC), "2026-03-30"),  # 01:30 on the 31st in Oslo
])
def test_send_day_starts_at_eight_in_oslo(moment, expected):
    assert send_day(moment).isoformat() == expected


def test_latest_due_takes_only_the_last_one_after_opening():
    dues = reminder_dates(D("2026-03-09"))
    assert latest_due(dues, D("2026-03-01")) is None
    assert latest_due(dues, D("2026-03-05")) == Due(D("2026-03-02"), BEFORE)
    assert latest_due(dues, D("2026-03-11")) == Due(D("2026-03-10"), OVERDUE)
    assert latest_due(dues, D("2026-03-05"), after=D("2026-03-02")) is None
    assert days_left(D("2026-03-09"), D("2026-03-02")) == 7
    assert days_left(D("2026-03-09"), D("2026-03-10")) == -1


# --- properties over many deadlines and schedules ------------------------------------------
deadlines = st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31))
schedules = st.builds(
    ReminderSchedule,
    days_before=st.lists(st.integers(1, 60), max_size=5).map(tuple),
    overdue_every=st.integers(1, 20),
    max_overdue=st.integers(0, 10),
    escalate_commissioner_after=st.integers(1, 30),
    escalate_office_after=st.integers(1, 30),
)


@given(deadlines, schedules)
def test_every_date_is_a_working_day_on_the_right_side_of_the_deadline(deadline, schedule):
    dues = reminder_dates(deadline, schedule)
    assert dues == sorted(set(dues))
    assert all(is_working_day(d.day) for d in dues)
    assert all(d.day < deadline for d in dues if d.kind == BEFORE)
    assert all(d.day > deadline for d in dues if d.kind == OVERDUE)
    for n in schedule.days_before:
        target = deadline - timedelta(days=n)
        moved = working_day_on_or_before(target)
        assert moved < deadline or Due(moved, BEFORE) not in dues
        # nothing between the moved date and the target is a working day
        assert all(not is_working_day(moved + timedelta(days=k))
                   for k in range(1, (target - moved).days + 1))


@given(deadlines, schedules)
def test_overdue_reminders_are_spaced_in_working_days(deadline, schedule):
    overdue = [d.day for d in reminder_dates(deadline, schedule) if d.kind == OVERDUE]
    assert len(overdue) == schedule.max_overdue
    if overdue:
        assert working_days_between(deadline, overdue[0]) == 1
    for earlier, later in zip(overdue, overdue[1:], strict=False):
        assert working_days_between(earlier, later) == schedule.overdue_every
    for due in escalation_dates(deadline, schedule):
        expected = (schedule.escalate_commissioner_after
                    if due.kind == ReminderKind.ESCALATION_COMMISSIONER
                    else schedule.escalate_office_after)
        assert is_working_day(due.day) and working_days_between(deadline, due.day) == expected


@given(deadlines, st.integers(1, 40))
def test_adding_and_counting_working_days_agree(day, count):
    later = add_working_days(day, count)
    assert is_working_day(later)
    assert working_days_between(day, later) == count
    assert working_day_on_or_after(later) == later == working_day_on_or_before(later)


def test_add_working_days_refuses_zero():
    with pytest.raises(ValueError):
        add_working_days(D("2026-03-09"), 0)


def test_send_day_accepts_any_zone():
    moment = datetime(2026, 3, 2, 8, 0, tzinfo=OSLO)
    assert send_day(moment) == send_day(moment.astimezone(UTC)) == D("2026-03-02")
