"""Scheduler job: decisions take effect on their effective date (leaving → left,
proposed → member), the council's and those where the recommendation stood. Idempotent: a
second run on the same day changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from app.arena_status import change_arena_status
from app.clock import OSLO
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, Recommendation
from app.models.council import CaseItem, CouncilCase, Decision
from workflows import arena_status

WAITING = (ArenaStatus.LEAVING, ArenaStatus.PROPOSED)
# Outcomes that change an arena on their effective date (terminate, join).
EFFECTIVE_OUTCOMES = [Recommendation(o) for o, e in arena_status.OUTCOME_EFFECTS.items()
                      if e.from_effective]
COUNTS = ("arenas_left", "arenas_joined")


@dataclass(frozen=True)
class _Due:
    """The decision an arena waits on: its outcome, date and what the audit row names.

    Plain values, not loaded rows: most passes change nothing, and the arena is loaded only
    when it does."""

    arena_id: int
    status: ArenaStatus
    outcome: str
    effective_date: date
    decided_on: date
    reference: dict[str, int]


def _waiting_ids() -> sa.Select:
    return sa.select(Arena.id).where(Arena.status.in_(WAITING))


def _council_decisions() -> list[_Due]:
    """Council decisions on arenas still waiting for a change, oldest meeting first."""
    rows = db.session.execute(
        sa.select(Arena.id, Arena.status, Decision.id, Decision.outcome,
                  Decision.effective_date, CouncilCase.meeting_date)
        .select_from(Decision)
        .join(CaseItem, CaseItem.id == Decision.item_id)
        .join(CouncilCase, CouncilCase.id == CaseItem.case_id)
        .join(Assessment, Assessment.id == CaseItem.assessment_id)
        .join(Arena, Arena.id == Assessment.arena_id)
        # Also as a subquery: the database then starts from the few waiting arenas.
        .where(Arena.status.in_(WAITING), Assessment.arena_id.in_(_waiting_ids()))
        .order_by(CouncilCase.meeting_date, Decision.item_id, Decision.revision))
    return [_Due(arena_id, status, outcome.value, effective, meeting, {"decision_id": d_id})
            for arena_id, status, d_id, outcome, effective, meeting in rows]


def _arenas_with_standing_effects() -> sa.Select:
    """Arenas with a standing recommendation that can move them: few rows, found through
    ix_assessments_decision_outcome, so the daily pass does not read every arena's history."""
    return sa.select(Assessment.arena_id).where(
        Assessment.decision_outcome.in_(EFFECTIVE_OUTCOMES),
        Assessment.routed_to_council.is_(False))


def _standing_recommendations() -> list[_Due]:
    """Assessments settled without the council on arenas still waiting, oldest first.

    Only each arena's latest (an earlier one never wins in _latest_decisions), found by the
    database from the waiting arenas' rows alone: years of history are not loaded on every
    pass.
    """
    ranked = (
        sa.select(Assessment.id, Assessment.arena_id, Assessment.decision_outcome,
                  Assessment.decision_effective_date, Assessment.decided_at,
                  sa.func.row_number().over(partition_by=Assessment.arena_id,
                                            order_by=Assessment.decided_at.desc()).label("rank"))
        .where(Assessment.arena_id.in_(_waiting_ids()), Assessment.routed_to_council.is_(False),
               Assessment.arena_id.in_(_arenas_with_standing_effects()),
               Assessment.decision_outcome.is_not(None),
               Assessment.decision_effective_date.is_not(None),
               Assessment.decided_at.is_not(None))
        .subquery())
    rows = db.session.execute(
        sa.select(Arena.id, Arena.status, ranked.c.id, ranked.c.decision_outcome,
                  ranked.c.decision_effective_date, ranked.c.decided_at)
        .join(ranked, ranked.c.arena_id == Arena.id)
        .where(ranked.c.rank == 1, Arena.status.in_(WAITING))
        .order_by(ranked.c.decided_at))
    return [_Due(arena_id, status, outcome.value, effective,
                 decided_at.astimezone(OSLO).date(), {"assessment_id": assessment_id})
            for arena_id, status, assessment_id, outcome, effective, decided_at in rows]


def _latest_decisions() -> dict[int, _Due]:
    """The latest decision per arena still waiting for a change (by the day it was made)."""
    latest: dict[int, _Due] = {}
    # A stable sort keeps a meeting's corrections in revision order; later ones overwrite.
    for due in sorted(_council_decisions() + _standing_recommendations(),
                      key=lambda d: d.decided_on):
        latest[due.arena_id] = due
    return latest


def apply_effective_status_changes(now: datetime) -> dict[str, int]:
    """Move arenas whose decision takes effect by `now`; returns how many left and joined
    (only counts above zero, so a quiet day adds nothing to the scheduler's summary).

    Flushes, never commits: the scheduler tick (or the CLI) commits once.
    """
    day = now.astimezone(OSLO).date()
    changed = dict.fromkeys(COUNTS, 0)
    for due in _latest_decisions().values():
        target = arena_status.status_due(due.outcome, due.status.value,
                                         due.effective_date, day)
        if target and change_arena_status(None, db.session.get(Arena, due.arena_id),
                                          ArenaStatus(target), due.effective_date,
                                          **due.reference):
            changed["arenas_left" if target == ArenaStatus.LEFT else "arenas_joined"] += 1
    return {key: count for key, count in changed.items() if count}
