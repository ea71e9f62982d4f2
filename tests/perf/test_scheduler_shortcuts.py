"""The scheduler's short cuts for a quiet tick (issue 7) give the same answers as the long way.

A tick with nothing due must not load the open cycle: invitations are checked by ids alone,
reminders and escalations load only assessments without a reminder row for the date, and
the effective-date job reads only each waiting arena's latest standing recommendation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.council.jobs import apply_effective_status_changes
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, Cycle, CycleStatus, Recommendation, User
from app.scheduler.jobs import tick
from app.scheduler.recipients import cycle_assessments, invitee_ids, invitees
from tests.conftest import COMMISSIONER, DEMO_TODAY
from workflows.assessment import AssessmentState
from workflows.reminders import OSLO, Due, ReminderKind
from workflows.roles import Role

REMINDER_DAY = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)  # "7 days before" the 9 March deadline


def open_cycle() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN))


def invitee_id_set(cycle: Cycle) -> set[int]:
    return {user.id for user in invitees(cycle)}


def test_invitee_ids_names_the_people_invitees_names(app, make_user):
    cycle = open_cycle()
    assert invitee_ids(cycle) == invitee_id_set(cycle) != set()

    rows = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == cycle.id)
                              .order_by(Assessment.id)).all()
    draft = next(a for a in rows if a.state == AssessmentState.DRAFT)
    helper = make_user(roles={Role.CONTACT}, portfolios=["FNE"])
    draft.contact_id = helper.id  # an assigned contact, from another portfolio
    make_user(roles={Role.COMMISSIONER}, portfolios=["KMB"])  # a second byråd
    gone = db.session.scalar(sa.select(User).where(User.email == COMMISSIONER))
    gone.is_active_user = False
    db.session.commit()
    cycle = open_cycle()
    expected = invitee_id_set(cycle)
    assert helper.id in expected and gone.id not in expected
    assert invitee_ids(cycle) == expected


def test_a_pass_after_the_reminders_went_out_loads_no_assessment(app):
    cycle = open_cycle()
    due = Due(date(2026, 3, 2), ReminderKind.REMINDER_BEFORE)
    unfinished = cycle_assessments(cycle)
    assert cycle_assessments(cycle, not_reminded=due) == unfinished != []

    assert tick(REMINDER_DAY)["reminders"] > 0
    db.session.rollback()
    assert cycle_assessments(open_cycle(), not_reminded=due) == []
    assert tick(REMINDER_DAY + timedelta(hours=1))["reminders"] == 0


def settle(assessment: Assessment, outcome: Recommendation, effective: date,
           decided: datetime) -> None:
    assessment.state, assessment.routed_to_council = AssessmentState.DECIDED, False
    assessment.decision_outcome, assessment.decision_effective_date = outcome, effective
    assessment.decided_at = decided


def leaving_arena_with_two_standing_decisions(older: Recommendation, newer: Recommendation):
    """A leaving arena settled in 2021 with `older` and this year with `newer`."""
    arena = db.session.scalar(sa.select(Arena).where(Arena.status == ArenaStatus.MEMBER)
                              .order_by(Arena.id).limit(1))
    arena.status = ArenaStatus.LEAVING
    past, current = sorted(db.session.scalars(sa.select(Assessment).where(
        Assessment.arena_id == arena.id)), key=lambda a: a.cycle.year)
    yesterday = DEMO_TODAY - timedelta(days=1)
    settle(past, older, yesterday, datetime(2021, 5, 4, 10, tzinfo=UTC))
    settle(current, newer, yesterday, datetime(2026, 3, 1, 10, tzinfo=UTC))
    db.session.commit()
    return arena.id


def test_only_the_latest_standing_recommendation_moves_a_waiting_arena(app):
    stays = leaving_arena_with_two_standing_decisions(Recommendation.TERMINATE,
                                                      Recommendation.CONTINUE)
    now = datetime(2026, 3, 2, 9, tzinfo=OSLO)
    assert "arenas_left" not in apply_effective_status_changes(now)
    db.session.commit()
    assert db.session.get(Arena, stays).status == ArenaStatus.LEAVING

    leaves = leaving_arena_with_two_standing_decisions(Recommendation.CONTINUE,
                                                       Recommendation.TERMINATE)
    assert apply_effective_status_changes(now) == {"arenas_left": 1}
    db.session.commit()
    assert db.session.get(Arena, leaves).status == ArenaStatus.LEFT
    assert db.session.get(Arena, stays).status == ArenaStatus.LEAVING
