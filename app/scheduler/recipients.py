"""Who the scheduler writes to, and what it has already written (read-only queries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.clock import OSLO
from app.extensions import db
from app.models import (
    Arena,
    Assessment,
    Cycle,
    CycleStatus,
    OutboxMessage,
    Portfolio,
    User,
    UserRole,
    arena_portfolios,
)
from app.models.organisation import user_portfolios
from app.models.scheduling import Reminder
from app.notifications.outbox import assessment_recipients
from workflows.assessment import EDITABLE_STATES
from workflows.reminders import Due, ReminderKind
from workflows.roles import Role

# Cycles whose contacts can still write (returned assessments come back during review).
REMINDING_STATUSES = (CycleStatus.OPEN, CycleStatus.IN_REVIEW)

ReminderKey = tuple[int, ReminderKind, date]


def cycles_with_deadline(statuses: Iterable[CycleStatus] = REMINDING_STATUSES) -> list[Cycle]:
    """Cycles in `statuses` that have a submission deadline, oldest first."""
    return list(db.session.scalars(
        sa.select(Cycle)
        .where(Cycle.status.in_(list(statuses)), Cycle.submission_deadline.is_not(None))
        .order_by(Cycle.year)
    ))


def cycle_assessments(cycle: Cycle, *, unfinished_only: bool = True,
                      not_reminded: Due | None = None) -> list[Assessment]:
    """The cycle's assessments (those still with the contact), with their people loaded;
    with `not_reminded`, only those that have no reminder row for that due yet (so a pass
    after the work is done loads nothing)."""
    query = (
        sa.select(Assessment).join(Assessment.arena)
        .where(Assessment.cycle_id == cycle.id)
        .options(selectinload(Assessment.arena).selectinload(Arena.portfolios)
                 .selectinload(Portfolio.members),
                 selectinload(Assessment.contact))
        .order_by(Arena.name)
    )
    if unfinished_only:
        query = query.where(Assessment.state.in_(list(EDITABLE_STATES)))
    if not_reminded is not None:
        query = query.where(~sa.exists().where(
            Reminder.assessment_id == Assessment.id, Reminder.kind == not_reminded.kind,
            Reminder.due_date == not_reminded.day))
    return list(db.session.scalars(query))


def contacts_of(assessment: Assessment) -> list[User]:
    """The active contacts who answer for `assessment`."""
    return assessment_recipients(assessment)


def commissioners_of(assessment: Assessment) -> list[User]:
    """The active byråd (or delegates) of the arena's portfolios."""
    seen: dict[int, User] = {}
    for portfolio in assessment.arena.portfolios:
        for user in portfolio.members:
            if user.is_active and Role.COMMISSIONER in user.roles:
                seen.setdefault(user.id, user)
    return sorted(seen.values(), key=lambda u: (u.name, u.id))


def council_office() -> list[User]:
    """The active users of the council office."""
    return list(db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.is_active_user.is_(True), UserRole.role == Role.COUNCIL_OFFICE)
        .order_by(User.name, User.id)))


def group_by_person(assessments: Iterable[Assessment], people) -> dict[User, list[Assessment]]:
    """{person: their assessments}, where `people(assessment)` says who is concerned."""
    grouped: dict[User, list[Assessment]] = {}
    for assessment in assessments:
        for user in people(assessment):
            grouped.setdefault(user, []).append(assessment)
    return grouped


def invitees(cycle: Cycle) -> dict[User, list[Assessment]]:
    """Contacts with their unfinished arenas, and the byråd with all of their portfolios'."""
    everything = cycle_assessments(cycle, unfinished_only=False)
    grouped = group_by_person([a for a in everything if a.state in EDITABLE_STATES],
                              contacts_of)
    for user, items in group_by_person(everything, commissioners_of).items():
        known = grouped.setdefault(user, [])
        known += [a for a in items if a not in known]
    return grouped


def invitee_ids(cycle: Cycle) -> set[int]:
    """Ids of the people invitees(cycle) names, by SQL alone (no assessment is loaded): one
    pass over the cycle for its portfolios and assigned contacts, one query for the people."""
    editable = Assessment.state.in_(list(EDITABLE_STATES))
    rows = db.session.execute(
        sa.select(arena_portfolios.c.portfolio_id, Assessment.contact_id, editable).distinct()
        .select_from(Assessment)
        .outerjoin(arena_portfolios, arena_portfolios.c.arena_id == Assessment.arena_id)
        .where(Assessment.cycle_id == cycle.id)).all()
    answering = {p for p, contact, is_open in rows if is_open and contact is None}
    assigned = {contact for _p, contact, is_open in rows if is_open and contact is not None}
    active = User.is_active_user.is_(True)

    def members(role: Role, portfolio_ids: set) -> sa.Select:
        return (sa.select(User.id).join(UserRole, UserRole.user_id == User.id)
                .join(user_portfolios, user_portfolios.c.user_id == User.id)
                .where(active, UserRole.role == role,
                       user_portfolios.c.portfolio_id.in_(portfolio_ids - {None})))

    return set(db.session.scalars(sa.union(
        sa.select(User.id).where(User.id.in_(assigned), active),
        members(Role.CONTACT, answering), members(Role.COMMISSIONER, {p for p, _c, _o in rows}))))


def sent_reminders(cycle_ids: Iterable[int]) -> set[ReminderKey]:
    """The natural keys of every reminder row already written for these cycles."""
    rows = db.session.execute(
        sa.select(Reminder.assessment_id, Reminder.kind, Reminder.due_date)
        .join(Assessment, Assessment.id == Reminder.assessment_id)
        .where(Assessment.cycle_id.in_(list(cycle_ids)))
    )
    return {(a, k, d) for a, k, d in rows}


def taken_keys(keys: Iterable[str]) -> set[str]:
    """Those of `keys` that are already dedupe keys in the outbox."""
    keys = list(keys)
    if not keys:
        return set()
    return set(db.session.scalars(
        sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))


def opening_day(cycle: Cycle) -> date | None:
    """The date (Oslo) the cycle opened, when known."""
    return cycle.opened_at.astimezone(OSLO).date() if cycle.opened_at else None
