"""The progress of a cycle: counts and rows from a fixed handful of queries (no N+1).

The dashboard lists every assessment of a cycle, so its rows are plain tuples from one Core
query, not ORM objects (see app/listing.py for why).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm import contains_eager, defer, lazyload, selectinload

from app.arenas.register import arena_portfolio_ids
from app.clock import today
from app.extensions import db
from app.labels import RECOMMENDATION_LABELS, STATE_COLOURS, STATE_LABELS
from app.listing import (
    EMPTY,
    Dates,
    joined,
    labels_for,
    link_pattern,
    members,
    raw,
    tag,
    tag_list,
)
from app.models import (
    Arena,
    Assessment,
    Cycle,
    Portfolio,
    Reminder,
    User,
    UserRole,
)
from app.models.assessments import decision_differs_sql, overdue_states
from app.models.organisation import user_portfolios
from workflows.assessment import AssessmentState
from workflows.cycle import CycleStatus
from workflows.reminders import REMINDER_KINDS
from workflows.roles import Role

STATE_ORDER = list(AssessmentState)
_STATE_RANK = {state: rank for rank, state in enumerate(STATE_ORDER)}
_STATE_RANK_BY_VALUE = {state.value: rank for state, rank in _STATE_RANK.items()}
_STATES = members(AssessmentState)


class Person(NamedTuple):
    """Someone who answers for assessments, as the dashboard names them."""

    id: int
    name: str


@dataclass
class Progress:
    """Counts over the whole cycle: per state, per portfolio and per contact."""

    cycle: Cycle
    portfolios: dict[int, Portfolio]  # every portfolio, by id
    portfolio_ids: dict[int, tuple[int, ...]]  # each arena's portfolios, in code order
    by_state: Counter = field(default_factory=Counter)
    by_portfolio: dict[Portfolio, Counter] = field(default_factory=dict)
    by_contact: dict[Person, Counter] = field(default_factory=dict)
    overdue: int = 0
    approved_routed: int = 0  # approved and sent to the council by the office

    @property
    def approved_waiting(self) -> int:
        """Approved assessments the office has not yet sent on to the council."""
        return self.by_state[AssessmentState.APPROVED] - self.approved_routed

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def done(self) -> int:
        """Assessments that have left the contact's hands."""
        return sum(n for s, n in self.by_state.items()
                   if s not in (AssessmentState.DRAFT, AssessmentState.RETURNED))


RUNNING_STATUSES = (CycleStatus.OPEN, CycleStatus.IN_REVIEW, CycleStatus.AWAITING_DECISION)


def running_cycle_year() -> int | None:
    """The year of the cycle the office works on now: the newest open one, else the newest
    under review or awaiting decision (None when no cycle is running)."""
    rank = sa.case((Cycle.status == CycleStatus.OPEN, 0), else_=1)
    return db.session.scalar(sa.select(Cycle.year).where(Cycle.status.in_(RUNNING_STATUSES))
                             .order_by(rank, Cycle.year.desc()).limit(1))


def load_rows(cycle: Cycle) -> list[Assessment]:
    """The cycle's assessments as ORM objects with their arenas (for forms that need them),
    overdue first, then by state and arena name."""
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
    rows = list(db.session.scalars(query))
    rows.sort(key=lambda a: (not a.is_overdue, _STATE_RANK[a.state]))
    return rows


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


_A, _ARENA = Assessment.__table__.c, Arena.__table__.c  # table columns: no ORM layer per row


def cycle_progress(cycle: Cycle,
                   records: Iterable[tuple[int | None, int, str]] | None = None) -> Progress:
    """Counts per state, portfolio and contact for `cycle`, from its assessments as
    (assigned contact id, arena id, stored state): `records` if the caller has them already,
    else read here.

    The assessments are tallied by holder and state first; a holder is (the assigned
    contact's id or None, the arena's portfolio ids). Each holder's counts then go to its
    portfolios and to the people who answer for it: the assigned contact, else the active
    contacts of the arena's portfolios, each counted once.
    """
    portfolios = {p.id: p for p in db.session.scalars(sa.select(Portfolio))}
    portfolio_ids = arena_portfolio_ids(portfolios.values())
    if records is None:
        records = db.session.execute(sa.select(_A.contact_id, _A.arena_id, raw(_A.state))
                                     .where(_A.cycle_id == cycle.id))
    tally = Counter((contact_id, portfolio_ids.get(arena_id, ()), stored)
                    for contact_id, arena_id, stored in records)
    progress = Progress(cycle=cycle, portfolios=portfolios, portfolio_ids=portfolio_ids)
    late = overdue_states(cycle.submission_deadline, today())
    holders: defaultdict[tuple[int | None, tuple[int, ...]], Counter] = defaultdict(Counter)
    for (contact_id, ids, stored), n in tally.items():
        state = _STATES[stored]
        progress.by_state[state] += n
        progress.overdue += n if state in late else 0
        holders[(contact_id, ids)][state] += n
    contacts = _portfolio_contacts()
    people = {person.id: person for persons in contacts.values() for person in persons}
    people |= _people({contact_id for contact_id, _ids in holders if contact_id} - set(people))
    by_portfolio: defaultdict[int, Counter] = defaultdict(Counter)
    by_contact: defaultdict[Person, Counter] = defaultdict(Counter)
    for (contact_id, ids), counts in holders.items():
        for portfolio_id in ids:
            by_portfolio[portfolio_id].update(counts)
        if contact_id:
            answering = [people[contact_id]]
        else:
            answering = list(dict.fromkeys(person for portfolio_id in ids
                                           for person in contacts.get(portfolio_id, ())))
        for person in answering:
            by_contact[person].update(counts)
    progress.by_portfolio = {portfolios[i]: counts for i, counts in by_portfolio.items()}
    progress.by_contact = dict(by_contact)
    return progress


def _table_query(cycle: Cycle):
    """The dashboard's rows, overdue first, then by state and arena name, with their flags
    and last reminder worked out by the database (and the assigned contact, for the counts)."""
    late = [s.value for s in overdue_states(cycle.submission_deadline, today())]
    reminded = (
        sa.select(Reminder.assessment_id, sa.func.max(Reminder.queued_at).label("last"))
        .where(Reminder.kind.in_(REMINDER_KINDS))
        .group_by(Reminder.assessment_id)
        .subquery()
    )
    overdue = (_A.state.in_(late) if late else sa.false()).label("overdue")
    return (
        sa.select(_A.id, _A.arena_id, _ARENA.name, raw(_A.state), raw(_A.recommendation),
                  raw(_A.updated_at), overdue,
                  decision_differs_sql(_A.decision_outcome, _A.recommendation),
                  sa.func.coalesce(_A.unchanged_comment, "") != "", raw(reminded.c.last),
                  _A.contact_id, sa.func.coalesce(_A.routed_to_council, sa.false()))
        .join(Arena.__table__, _ARENA.id == _A.arena_id)
        .outerjoin(reminded, reminded.c.assessment_id == _A.id)
        .where(_A.cycle_id == cycle.id)
        .order_by(sa.desc("overdue"), sa.case(_STATE_RANK_BY_VALUE, value=_A.state), _ARENA.name)
    )


def previous_year(cycle: Cycle) -> int | None:
    """The year of the cycle before `cycle` (what it is compared with), if any."""
    return db.session.scalar(sa.select(sa.func.max(Cycle.year)).where(Cycle.year < cycle.year))


def dashboard_table(cycle: Cycle, state: AssessmentState | None = None) -> tuple[Progress, list]:
    """The dashboard's counts (the whole cycle) and its table (only assessments in `state`,
    if given), from one read of the cycle's assessments."""
    records = db.session.execute(_table_query(cycle)).all()
    progress = cycle_progress(cycle, [(r[10], r[1], r[3]) for r in records])
    approved = AssessmentState.APPROVED.value
    progress.approved_routed = sum(1 for r in records if r[3] == approved and r[11])
    if state is not None:
        records = [record for record in records if record[3] == state.value]
    return progress, table_rows(progress, records)


def table_rows(progress: Progress, records: list) -> list[tuple]:
    """The dashboard's table as ready, escaped cells, one tuple per row: the assessment's
    link, arena, portfolio codes, tags (state, overdue, differs, unchanged), recommendation,
    last change and last reminder."""
    link = link_pattern("assessments.detail", "assessment_id")
    dates = Dates()
    states = labels_for(STATE_LABELS)
    recommendations = {None: EMPTY} | {
        r.value: label for r, label in labels_for(RECOMMENDATION_LABELS).items()}
    earlier = previous_year(progress.cycle)
    unchanged_tag = (_("Uendret fra i fjor") if earlier == progress.cycle.year - 1
                     else _("Uendret fra %(year)s", year=earlier))
    flags = ((tag("danger", _("Forfalt")), tag("warning", _("Avvik fra anbefaling")),
              tag("info", unchanged_tag)))
    tags: dict[tuple, Markup] = {}
    arena_portfolio_ids = progress.portfolio_ids
    codes: dict[tuple[int, ...], Markup] = {}  # by portfolio ids (few distinct ones)
    cells = []
    for (ident, arena_id, name, stored_state, recommended, updated_at, overdue, differs,
         unchanged, reminded, _contact_id, _routed) in records:
        key = (stored_state, overdue, differs, unchanged)  # 1 == True: one key either way
        if key not in tags:
            row_state = _STATES[stored_state]
            tags[key] = tag_list(tag(STATE_COLOURS[row_state], states[row_state]),
                                 *(flag if on else None
                                   for flag, on in zip(flags, key[1:], strict=True)))
        ids = arena_portfolio_ids.get(arena_id, ())
        if ids not in codes:
            codes[ids] = joined([progress.portfolios[i].code for i in ids], ", ")
        cells.append((link(ident), escape(name), codes[ids], tags[key],
                      recommendations[recommended], dates.datetime(updated_at),
                      dates.datetime(reminded)))
    return cells


def contact_rows(progress: Progress) -> list[tuple]:
    """The per-contact table, by name: the escaped name, then the count per state in
    STATE_ORDER."""
    people = sorted(progress.by_contact.items(), key=lambda item: item[0].name.lower())
    return [(escape(person.name), *(counts[s] for s in STATE_ORDER)) for person, counts in people]
