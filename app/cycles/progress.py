"""The progress of a cycle, computed from one load of its assessments (no N+1)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defer, lazyload, selectinload

from app.extensions import db
from app.models import Arena, Assessment, Cycle, Portfolio, Reminder, User
from workflows.assessment import AssessmentState
from workflows.reminders import REMINDER_KINDS

STATE_ORDER = list(AssessmentState)


@dataclass
class Progress:
    """Counts and rows for the dashboard."""

    cycle: Cycle
    rows: list[Assessment]
    by_state: Counter = field(default_factory=Counter)
    by_portfolio: dict[Portfolio, Counter] = field(default_factory=dict)
    by_contact: dict[User, Counter] = field(default_factory=dict)
    overdue: int = 0
    last_reminder: dict[int, datetime] = field(default_factory=dict)  # assessment id -> when

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        """Assessments that have left the contact's hands."""
        return sum(n for s, n in self.by_state.items()
                   if s not in (AssessmentState.DRAFT, AssessmentState.RETURNED))


def contacts_of(assessment: Assessment,
                known: dict[int, list[User]] | None = None) -> list[User]:
    """Who answers for an assessment: the assigned contact, else its portfolios' contacts
    (`known` keeps each portfolio's contacts, worked out once for a whole page)."""
    if assessment.contact is not None:
        return [assessment.contact]
    known = {} if known is None else known
    seen: dict[int, User] = {}
    for portfolio in assessment.arena.portfolios:
        if portfolio.id not in known:
            known[portfolio.id] = portfolio.contacts
        for user in known[portfolio.id]:
            seen.setdefault(user.id, user)
    return list(seen.values())


def load_rows(cycle: Cycle, state: AssessmentState | None = None) -> list[Assessment]:
    """The cycle's assessments with everything the dashboard shows, overdue first."""
    query = (
        sa.select(Assessment)
        .join(Assessment.arena)
        .where(Assessment.cycle_id == cycle.id)
        .options(
            # The arena from the join above; the cycle is the one in hand (no SQL to reach it).
            contains_eager(Assessment.arena).selectinload(Arena.portfolios)
            .selectinload(Portfolio.members),
            lazyload(Assessment.cycle), defer(Assessment.answers),
            selectinload(Assessment.contact),
        )
        .order_by(Arena.name)
    )
    if state is not None:
        query = query.where(Assessment.state == state)
    rows = list(db.session.scalars(query))
    rows.sort(key=lambda a: (not a.is_overdue, STATE_ORDER.index(a.state)))
    return rows


def last_reminders(cycle: Cycle) -> dict[int, datetime]:
    """When each of the cycle's assessments was last reminded (one query for all of them)."""
    rows = db.session.execute(
        sa.select(Reminder.assessment_id, sa.func.max(Reminder.queued_at))
        .join(Assessment, Assessment.id == Reminder.assessment_id)
        .where(Assessment.cycle_id == cycle.id, Reminder.kind.in_(REMINDER_KINDS))
        .group_by(Reminder.assessment_id)
    )
    return dict(rows.all())


def cycle_progress(cycle: Cycle, state: AssessmentState | None = None) -> Progress:
    """Counts per state, per portfolio and per contact for `cycle`."""
    progress = Progress(cycle=cycle, rows=load_rows(cycle, state),
                        last_reminder=last_reminders(cycle))
    known: dict[int, list[User]] = {}
    for a in progress.rows:
        progress.by_state[a.state] += 1
        progress.overdue += a.is_overdue
        for portfolio in a.arena.portfolios:
            progress.by_portfolio.setdefault(portfolio, Counter())[a.state] += 1
        for user in contacts_of(a, known):
            progress.by_contact.setdefault(user, Counter())[a.state] += 1
    return progress
