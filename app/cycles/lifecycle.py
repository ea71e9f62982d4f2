"""Operations that steer a cycle through its year: clone, open, and the lifecycle table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.clock import now
from app.cycles.operations import register_arenas, year_taken
from app.documents.operations import carry_forward_settings
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, Assessment, Cycle, User, UserRole
from app.models.organisation import user_portfolios
from workflows.assessment import EDITABLE_STATES, AssessmentState
from workflows.cycle import CYCLE_WORKFLOW, CycleStatus
from workflows.roles import Role
from workflows.workdays import previous_working_day, same_day_in_year

DEADLINES = ("submission_deadline", "review_deadline", "council_meeting_date")
# Copied from last year's cycle when present (other features add their per-cycle settings).
COPIED_SETTINGS = ("requires_sign_off", "introduction_nb", "introduction_en",
                   "reminder_schedule")


@dataclass
class CycleSubject:
    """What the cycle workflow table asks of a cycle, gathered by one query each."""

    cycle: Cycle
    problems: list[str] = field(default_factory=list)
    undecided_count: int = 0
    has_document: bool = False

    @property
    def state(self) -> CycleStatus:
        return self.cycle.status

    @state.setter
    def state(self, value: CycleStatus) -> None:
        self.cycle.status = value


def cycle_problems(cycle: Cycle) -> list[str]:
    """What must be fixed before `cycle` can open (Norwegian, one line per problem)."""
    from app.templating import org_label  # the municipality's own word for a portfolio

    word = org_label("portfolio_label")
    problems = [_("Arenaen «%(name)s» har ingen ansvarlig %(label)s.", name=a.name,
                  label=word.lower()) for a in cycle.arenas if not a.portfolios]
    portfolios = {p.id: p for a in cycle.arenas for p in a.portfolios}
    staffed = _portfolios_with_contacts(set(portfolios))
    problems += [_("%(label)s «%(name)s» har ingen kontaktperson.", label=word, name=p.name_nb)
                 for pid, p in sorted(portfolios.items()) if pid not in staffed]
    if not cycle.arenas:
        problems.append(_("Gjennomgangen har ingen arenaer."))
    return problems


def _portfolios_with_contacts(portfolio_ids: set[int]) -> set[int]:
    rows = db.session.execute(
        sa.select(user_portfolios.c.portfolio_id)
        .join(User, User.id == user_portfolios.c.user_id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(user_portfolios.c.portfolio_id.in_(portfolio_ids),
               UserRole.role == Role.CONTACT, User.is_active_user.is_(True))
    )
    return {pid for (pid,) in rows}


def subject_for(cycle: Cycle) -> CycleSubject:
    """The cycle with the facts its workflow conditions need."""
    undecided = db.session.scalar(
        sa.select(sa.func.count()).select_from(Assessment)
        .where(Assessment.cycle_id == cycle.id, Assessment.state != AssessmentState.DECIDED)
    )
    return CycleSubject(cycle, cycle_problems(cycle) if cycle.status == CycleStatus.PLANNED
                        else [], undecided, _has_document(cycle))


def not_submitted(cycle: Cycle) -> list[Assessment]:
    """The cycle's assessments still with their contacts (draft or returned)."""
    return list(db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle.id,
                                    Assessment.state.in_(list(EDITABLE_STATES)))
        .order_by(Assessment.id)))


def _has_document(cycle: Cycle) -> bool:
    try:
        from app.models.documents import DocumentVersion
    except ImportError:  # the document feature is not installed
        return False
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(DocumentVersion)
        .where(DocumentVersion.cycle_id == cycle.id)) > 0


def transition_cycle(actor: Any, cycle: Cycle, name: str, comment: str = "") -> None:
    """Take a lifecycle transition on `cycle` (raises TransitionNotAllowed with reasons)."""
    transition = CYCLE_WORKFLOW.get(name)
    if transition.needs_comment and not comment.strip():
        raise ValidationFailed({"comment": "required"})
    source, target = CYCLE_WORKFLOW.apply(name, subject_for(cycle), actor)
    details = {"comment": comment.strip()} if comment.strip() else {}
    audit.record(actor, "cycle", cycle.id, name, from_state=source, to_state=target, **details)
    db.session.flush()


def clone_cycle(actor: Any, source: Cycle, year: int) -> Cycle:
    """Next year's cycle from `source`: arenas still members or proposed, same criteria and
    settings, every deadline moved to the same day in `year` (or the working day before)."""
    if year_taken(year):
        raise ValidationFailed({"year": "taken"})
    arenas = register_arenas()
    cycle = Cycle(year=year, title=_title_for(source, year), status=CycleStatus.PLANNED,
                  criteria_set=source.criteria_set, arenas=list(arenas),
                  archive_reference="")
    for name in COPIED_SETTINGS:
        if hasattr(source, name):
            setattr(cycle, name, getattr(source, name))
    for name in DEADLINES:
        old = getattr(source, name)
        if old is not None:
            moved = same_day_in_year(old, old.year + (year - source.year))
            setattr(cycle, name, previous_working_day(moved))
    db.session.add(cycle)
    db.session.flush()
    carry_forward_settings(source, cycle)
    audit.record(actor, "cycle", cycle.id, "cycle_cloned", to_state=cycle.status,
                 source_year=source.year, arenas=len(arenas))
    return cycle


def _title_for(source: Cycle, year: int) -> str:
    return source.title.replace(str(source.year), str(year)) if str(source.year) in \
        source.title else f"{source.title} {year}"


def open_cycle(actor: Any, cycle: Cycle) -> int:
    """Open `cycle`: one assessment per arena, carried forward from last year's for each
    criterion with the same key and kind. Refuses (with the list of problems) when something
    is missing."""
    transition_cycle(actor, cycle, "open_cycle")
    cycle.opened_at = now()
    previous = _previous_assessments(cycle)
    kinds = _kinds(cycle.criteria_set)
    shared: dict[int, set[str]] = {}  # per earlier cycle: the keys whose answers carry over
    created = 0
    for arena in cycle.arenas:
        old = previous.get(arena.id)
        if old is not None and old.cycle_id not in shared:
            shared[old.cycle_id] = {key for key, kind in _kinds(old.cycle.criteria_set).items()
                                    if kinds.get(key) == kind}
        keys = shared[old.cycle_id] if old is not None else set()
        db.session.add(_new_assessment(cycle, arena, old, keys))
        created += 1
    db.session.flush()
    audit.record(actor, "cycle", cycle.id, "assessments_created", count=created)
    return created


def _kinds(criteria_set) -> dict[str, str]:
    """Each criterion's key and kind: what must match for an answer to carry over."""
    return {c.key: c.kind.value for c in criteria_set.criteria}


def _previous_assessments(cycle: Cycle) -> dict[int, Assessment]:
    """Each arena's most recent assessment before `cycle` (one query)."""
    rows = db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Assessment.arena_id.in_([a.id for a in cycle.arenas]), Cycle.year < cycle.year)
        .order_by(Cycle.year.desc())
    )
    latest: dict[int, Assessment] = {}
    for assessment in rows:
        latest.setdefault(assessment.arena_id, assessment)
    return latest


def _new_assessment(cycle: Cycle, arena: Arena, carried: Assessment | None,
                    keys: set[str]) -> Assessment:
    """A draft for `arena`, with `carried`'s answers to the criteria in `keys`, its cost and
    its recommendation."""
    if carried is None:
        return Assessment(cycle=cycle, arena=arena, state=AssessmentState.DRAFT, answers={})
    answers = {k: dict(v) for k, v in (carried.answers or {}).items() if k in keys and v}
    anything = bool(answers or carried.yearly_cost is not None or carried.recommendation
                    or carried.recommendation_reason)
    return Assessment(
        cycle=cycle, arena=arena, state=AssessmentState.DRAFT, answers=answers,
        yearly_cost=carried.yearly_cost, recommendation=carried.recommendation,
        recommendation_reason=carried.recommendation_reason, is_carried_forward=anything,
    )
