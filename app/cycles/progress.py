"""The progress of a cycle: counts and rows from a fixed handful of queries (no N+1).

The dashboard lists every assessment of a cycle, so its rows are plain tuples from one Core
query, not ORM objects (see app/listing.py for why).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm import contains_eager, defer, lazyload, selectinload

from app.clock import today
from app.extensions import db
from app.labels import RECOMMENDATION_LABELS, STATE_COLOURS, STATE_LABELS
from app.listing import EMPTY, Dates, joined, labels_for, link_pattern, tag
from app.models import (
    Arena,
    Assessment,
    Cycle,
    Portfolio,
    Recommendation,
    Reminder,
    User,
    UserRole,
    arena_portfolios,
)
from app.models.assessments import decision_differs, is_overdue
from app.models.organisation import user_portfolios
from workflows.assessment import AssessmentState
from workflows.reminders import REMINDER_KINDS
from workflows.roles import Role

STATE_ORDER = list(AssessmentState)
_STATE_RANK = {state: rank for rank, state in enumerate(STATE_ORDER)}


class Person(NamedTuple):
    """Someone who answers for assessments, as the dashboard names them."""

    id: int
    name: str


class ProgressRow(NamedTuple):
    """One assessment as the dashboard lists it."""

    id: int
    arena: str
    state: AssessmentState
    recommendation: Recommendation | None
    updated_at: datetime
    overdue: bool
    differs: bool  # the council decided otherwise than recommended
    unchanged: bool  # confirmed as unchanged since last year
    portfolio_ids: tuple[int, ...]


@dataclass
class Progress:
    """Counts over the whole cycle, and the rows the dashboard lists (perhaps filtered)."""

    cycle: Cycle
    rows: list[ProgressRow]
    portfolios: dict[int, Portfolio]
    by_state: Counter = field(default_factory=Counter)
    by_portfolio: dict[Portfolio, Counter] = field(default_factory=dict)
    by_contact: dict[Person, Counter] = field(default_factory=dict)
    overdue: int = 0
    last_reminder: dict[int, datetime] = field(default_factory=dict)  # assessment id -> when

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def done(self) -> int:
        """Assessments that have left the contact's hands."""
        return sum(n for s, n in self.by_state.items()
                   if s not in (AssessmentState.DRAFT, AssessmentState.RETURNED))


def load_rows(cycle: Cycle, state: AssessmentState | None = None) -> list[Assessment]:
    """The cycle's assessments as ORM objects with their arenas (for forms that need them)."""
    query = (
        sa.select(Assessment)
        .join(Assessment.arena)
        .where(Assessment.cycle_id == cycle.id)
        .options(
            # The arena from the join above; the cycle is the one in hand (no SQL to reach it).
            contains_eager(Assessment.arena).selectinload(Arena.portfolios),
            lazyload(Assessment.cycle), defer(Assessment.answers),
            selectinload(Assessment.contact),
        )
        .order_by(Arena.name)
    )
    if state is not None:
        query = query.where(Assessment.state == state)
    rows = list(db.session.scalars(query))
    rows.sort(key=lambda a: (not a.is_overdue, _STATE_RANK[a.state]))
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


def _arena_portfolios(cycle: Cycle, portfolios: dict[int, Portfolio]) -> dict[int, tuple[int, ...]]:
    """Each of the cycle's arenas' portfolio ids, in code order."""
    in_cycle = sa.select(Assessment.arena_id).where(Assessment.cycle_id == cycle.id)
    pairs = db.session.execute(
        sa.select(arena_portfolios.c.arena_id, arena_portfolios.c.portfolio_id)
        .where(arena_portfolios.c.arena_id.in_(in_cycle))
    )
    found: dict[int, list[int]] = {}
    for arena_id, portfolio_id in pairs:
        found.setdefault(arena_id, []).append(portfolio_id)
    code = {portfolio_id: portfolio.code for portfolio_id, portfolio in portfolios.items()}
    return {arena_id: tuple(sorted(ids, key=code.__getitem__)) for arena_id, ids in found.items()}


def _portfolio_contacts() -> dict[int, list[Person]]:
    """The active contacts of each portfolio."""
    rows = db.session.execute(
        sa.select(user_portfolios.c.portfolio_id, User.id, User.name)
        .join(User, User.id == user_portfolios.c.user_id)
        .join(UserRole, sa.and_(UserRole.user_id == User.id, UserRole.role == Role.CONTACT))
        .where(User.is_active_user.is_(True))
        .order_by(user_portfolios.c.portfolio_id, User.name)
    )
    contacts: dict[int, list[Person]] = {}
    for portfolio_id, user_id, name in rows:
        contacts.setdefault(portfolio_id, []).append(Person(user_id, name))
    return contacts


def _people(ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids)))
    return {user_id: Person(user_id, name) for user_id, name in rows}


def _count(progress: Progress, assessments: list[tuple[ProgressRow, int | None]]) -> None:
    """Fill the counts from (row, assigned contact id) pairs. Rows are first counted per
    holder (the assigned contact, or else the arena's portfolios), then each holder's counts
    go to its portfolios and the people who answer for it."""
    holders: defaultdict[tuple[int | None, tuple[int, ...]], Counter] = defaultdict(Counter)
    for row, contact_id in assessments:
        progress.by_state[row.state] += 1
        progress.overdue += row.overdue
        holders[(contact_id, row.portfolio_ids)][row.state] += 1
    contacts = _portfolio_contacts()
    people = _people({contact_id for contact_id, _ids in holders if contact_id})
    by_portfolio: defaultdict[int, Counter] = defaultdict(Counter)
    by_contact: defaultdict[Person, Counter] = defaultdict(Counter)
    for (contact_id, portfolio_ids), counts in holders.items():
        for portfolio_id in portfolio_ids:
            by_portfolio[portfolio_id].update(counts)
        if contact_id:
            answering = [people[contact_id]]
        else:  # the portfolios' contacts, each counted once
            answering = list(dict.fromkeys(person for portfolio_id in portfolio_ids
                                           for person in contacts.get(portfolio_id, ())))
        for person in answering:
            by_contact[person].update(counts)
    progress.by_portfolio = {progress.portfolios[i]: counts for i, counts in by_portfolio.items()}
    progress.by_contact = dict(by_contact)


def cycle_progress(cycle: Cycle, state: AssessmentState | None = None) -> Progress:
    """Counts per state, portfolio and contact for `cycle`, and its rows (only those in
    `state`, if given), overdue first, then by state and arena name."""
    on = today()
    deadline = cycle.submission_deadline
    portfolios = {p.id: p for p in db.session.scalars(sa.select(Portfolio))}
    portfolio_ids = _arena_portfolios(cycle, portfolios)
    result = db.session.execute(
        sa.select(Assessment.id, Assessment.arena_id, Arena.name, Assessment.state,
                  Assessment.recommendation, Assessment.decision_outcome,
                  Assessment.updated_at, Assessment.contact_id,
                  sa.func.coalesce(Assessment.unchanged_comment, "") != "")
        .join(Arena, Arena.id == Assessment.arena_id)
        .where(Assessment.cycle_id == cycle.id)
        .order_by(Arena.name)
    )
    assessments = [
        (ProgressRow(ident, name, row_state, recommendation, updated_at,
                     is_overdue(row_state, deadline, on),
                     decision_differs(outcome, recommendation), bool(unchanged),
                     portfolio_ids.get(arena_id, ())), contact_id)
        for (ident, arena_id, name, row_state, recommendation, outcome, updated_at, contact_id,
             unchanged) in result
    ]
    rows = [row for row, _contact in assessments if state is None or row.state == state]
    rows.sort(key=lambda row: (not row.overdue, _STATE_RANK[row.state]))
    progress = Progress(cycle=cycle, rows=rows, portfolios=portfolios,
                        last_reminder=last_reminders(cycle))
    _count(progress, assessments)
    return progress


def table_rows(progress: Progress) -> list[tuple]:
    """The dashboard's table as ready, escaped cells (Markup), one tuple per row: the
    assessment's link, arena, portfolio codes, tags (state, overdue, differs, unchanged),
    recommendation, last change and last reminder."""
    link = link_pattern("assessments.detail", "assessment_id")
    dates = Dates()
    states, colours = labels_for(STATE_LABELS), STATE_COLOURS
    recommendations = labels_for(RECOMMENDATION_LABELS)
    flags = ((tag("danger", _("Forfalt")), tag("warning", _("Avvik fra anbefaling")),
              tag("info", _("Uendret fra i fjor"))))
    tags: dict[tuple, Markup] = {}
    codes: dict[tuple[int, ...], Markup] = {}
    reminded = progress.last_reminder
    cells = []
    for row in progress.rows:
        key = (row.state, row.overdue, row.differs, row.unchanged)
        if key not in tags:
            shown = [tag(colours[row.state], states[row.state])]
            shown += [flag for flag, on in zip(flags, key[1:], strict=True) if on]
            tags[key] = Markup(" ").join(shown)
        if row.portfolio_ids not in codes:
            codes[row.portfolio_ids] = joined(
                [progress.portfolios[i].code for i in row.portfolio_ids], ", ")
        cells.append((link(row.id), escape(row.arena), codes[row.portfolio_ids], tags[key],
                      recommendations.get(row.recommendation, EMPTY),
                      dates.datetime(row.updated_at), dates.datetime(reminded.get(row.id))))
    return cells


def contact_rows(progress: Progress) -> list[tuple[Markup, tuple[int, ...]]]:
    """The per-contact table as (escaped name, count per state in STATE_ORDER), by name."""
    people = sorted(progress.by_contact.items(), key=lambda item: item[0].name.lower())
    return [(escape(person.name), tuple(counts[s] for s in STATE_ORDER))
            for person, counts in people]
