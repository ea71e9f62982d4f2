"""What a decision does to an arena's status (workflows/arena_status.py), with no app."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.arena_status import (
    LEAVING,
    LEFT,
    MEMBER,
    OUTCOME_EFFECTS,
    PROPOSED,
    follow_up_for,
    status_after_decision,
    status_due,
)

TODAY = date(2026, 3, 2)
LATER, EARLIER = TODAY + timedelta(days=30), TODAY - timedelta(days=1)


@pytest.mark.parametrize(("outcome", "before", "effective", "after"), [
    ("terminate", MEMBER, LATER, LEAVING),  # leaving until the effective date
    ("terminate", MEMBER, TODAY, LEFT),  # takes effect today
    ("join", PROPOSED, LATER, PROPOSED),  # member only from the effective date
    ("join", PROPOSED, EARLIER, MEMBER),
    ("consider_joining", PROPOSED, TODAY, PROPOSED),  # stays proposed, with a follow-up
    ("continue", MEMBER, TODAY, MEMBER),
    ("continue_and_strengthen", MEMBER, TODAY, MEMBER),
    ("join", MEMBER, TODAY, MEMBER),  # already a member: nothing to do
    ("terminate", PROPOSED, TODAY, PROPOSED),  # never joined: nothing to leave
])
def test_status_when_the_decision_is_recorded(outcome, before, effective, after):
    assert status_after_decision(outcome, before, effective, TODAY) == after


@pytest.mark.parametrize(("outcome", "status", "effective", "due"), [
    ("terminate", LEAVING, TODAY, LEFT),
    ("terminate", LEAVING, LATER, None),
    ("terminate", LEFT, EARLIER, None),
    ("join", PROPOSED, TODAY, MEMBER),
    ("join", PROPOSED, LATER, None),
    ("join", MEMBER, EARLIER, None),
    ("consider_joining", PROPOSED, EARLIER, None),
    ("continue", MEMBER, EARLIER, None),
])
def test_status_due_on_a_day(outcome, status, effective, due):
    assert status_due(outcome, status, effective, TODAY) == due


@given(st.sampled_from(list(OUTCOME_EFFECTS)), st.sampled_from([PROPOSED, MEMBER, LEAVING, LEFT]),
       st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.dates(date(2020, 1, 1),
                                                                date(2030, 12, 31)))
def test_the_job_is_idempotent_and_ends_where_the_decision_says(outcome, before, effective, day):
    recorded = status_after_decision(outcome, before, effective, day)
    moved = status_due(outcome, recorded, effective, day) or recorded
    assert status_due(outcome, moved, effective, day) is None  # a second run changes nothing
    # once the effective date has passed, recording late or running the job lands the same
    later = max(day, effective)
    assert (status_due(outcome, moved, effective, later) or moved) == status_after_decision(
        outcome, before, effective, later)


def test_follow_ups():
    assert follow_up_for("terminate") == "send_termination_notice"
    assert follow_up_for("join") == "apply_for_membership"
    assert follow_up_for("consider_joining") == "consider_joining"
    assert follow_up_for("continue") is None
