"""Read-only queries for the assessment pages (each a fixed number of SQL statements)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.clock import today
from app.extensions import db
from app.models import Arena, Assessment, AuditEvent, Cycle, CycleStatus, arena_portfolios
from app.models.assessments import is_overdue
from workflows.assessment import AssessmentState

ACTIVE_CYCLE_STATES = (CycleStatus.OPEN, CycleStatus.IN_REVIEW, CycleStatus.AWAITING_DECISION)


def _in_portfolios(portfolio_ids):
    return Assessment.arena_id.in_(
        sa.select(arena_portfolios.c.arena_id).where(
            arena_portfolios.c.portfolio_id.in_(list(portfolio_ids))
        )
    )


def _answered_by(user):
    """Assessments the user answers for: assigned to them, or unassigned in their portfolios."""
    return sa.or_(
        Assessment.contact_id == user.id,
        sa.and_(Assessment.contact_id.is_(None), _in_portfolios(user.portfolio_ids)),
    )


def assessments_for_contact(user) -> list[Assessment]:
    """The user's assessments in active cycles: assigned to them, or to their portfolios."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Assessment.cycle)
            .join(Assessment.arena)
            .where(_answered_by(user), Cycle.status.in_(ACTIVE_CYCLE_STATES))
            .order_by(Cycle.year.desc(), Arena.name)
        )
    )


class ContactRow(NamedTuple):
    """One of the contact's assessments as their list shows it."""

    id: int
    arena: str
    year: int
    state: AssessmentState
    deadline: date | None
    returned_with_comment: bool
    overdue: bool


def contact_rows(user) -> list[ContactRow]:
    """`assessments_for_contact` as plain rows from one Core query (for the long list)."""
    on = today()
    result = db.session.execute(
        sa.select(Assessment.id, Arena.name, Cycle.year, Assessment.state,
                  Cycle.submission_deadline,
                  sa.func.coalesce(Assessment.review_comment, "") != "")
        .join(Cycle, Cycle.id == Assessment.cycle_id)
        .join(Arena, Arena.id == Assessment.arena_id)
        .where(_answered_by(user), Cycle.status.in_(ACTIVE_CYCLE_STATES))
        .order_by(Cycle.year.desc(), Arena.name)
    )
    rows = [ContactRow(ident, name, year, state, deadline,
                       bool(commented) and state == AssessmentState.RETURNED,
                       is_overdue(state, deadline, on))
            for ident, name, year, state, deadline, commented in result]
    return sorted(rows, key=_needs_doing_first)


_STATE_ORDER = {AssessmentState.RETURNED: 0, AssessmentState.DRAFT: 1}


def _needs_doing_first(row: ContactRow) -> tuple:
    """Returned ones first, then drafts by deadline, then those already handed in."""
    return (_STATE_ORDER.get(row.state, 2), row.deadline or date.max, -row.year, row.arena)


def next_waiting(user, after_id: int | None = None) -> sa.Row | None:
    """(id, name) of the first assessment (by arena name) still waiting for `user`'s sign-off,
    other than `after_id`: where the commissioner goes after signing one off. One statement,
    whether or not one waits (nothing more is loaded for the link)."""
    return db.session.execute(
        sa.select(Assessment.id, Arena.name)
        .select_from(Assessment)
        .join(Assessment.cycle)
        .join(Assessment.arena)
        .where(_in_portfolios(user.portfolio_ids), Cycle.status.in_(ACTIVE_CYCLE_STATES),
               Assessment.state == AssessmentState.SUBMITTED, Assessment.id != (after_id or 0))
        .order_by(Arena.name)
        .limit(1)
    ).first()


def assessments_awaiting_sign_off(user) -> list[Assessment]:
    """Submitted assessments of the commissioner's portfolios."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Assessment.cycle)
            .join(Assessment.arena)
            .where(_in_portfolios(user.portfolio_ids),
                   Cycle.status.in_(ACTIVE_CYCLE_STATES))
            .order_by((Assessment.state != AssessmentState.SUBMITTED), Arena.name)
        )
    )


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The same arena's assessment in the most recent earlier cycle."""
    return db.session.scalar(
        sa.select(Assessment)
        .join(Assessment.cycle)
        .where(Assessment.arena_id == assessment.arena_id, Cycle.year < assessment.cycle.year)
        .order_by(Cycle.year.desc())
        .limit(1)
    )


def audit_trail(assessment: Assessment) -> list[AuditEvent]:
    """The assessment's audit rows, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == "assessment", AuditEvent.entity_id == assessment.id)
            .options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.id.desc())
        )
    )
