"""Scheduler job: decisions take effect on their effective date (leaving → left,
proposed → member). Idempotent: a second run on the same day changes nothing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.clock import OSLO
from app.council.operations import change_arena_status
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment
from app.models.council import CaseItem, CouncilCase, Decision
from workflows import arena_status

WAITING = (ArenaStatus.LEAVING, ArenaStatus.PROPOSED)
COUNTS = ("arenas_left", "arenas_joined")


def _latest_decisions() -> dict[int, Decision]:
    """The current decision of the latest case per arena still waiting for a change."""
    rows = db.session.execute(
        sa.select(Assessment.arena_id, Decision)
        .join(CaseItem, CaseItem.id == Decision.item_id)
        .join(CouncilCase, CouncilCase.id == CaseItem.case_id)
        .join(Assessment, Assessment.id == CaseItem.assessment_id)
        .join(Arena, Arena.id == Assessment.arena_id)
        .where(Arena.status.in_(WAITING))
        .order_by(CouncilCase.meeting_date, Decision.item_id, Decision.revision))
    latest: dict[int, Decision] = {}
    for arena_id, decision in rows:
        latest[arena_id] = decision  # later meetings and later revisions overwrite earlier
    return latest


def apply_effective_status_changes(now: datetime) -> dict[str, int]:
    """Move arenas whose decision takes effect by `now`; returns how many left and joined
    (only counts above zero, so a quiet day adds nothing to the scheduler's summary).

    Flushes, never commits: the scheduler tick (or the CLI) commits once.
    """
    day = now.astimezone(OSLO).date()
    changed = dict.fromkeys(COUNTS, 0)
    for decision in _latest_decisions().values():
        arena = decision.item.assessment.arena
        target = arena_status.status_due(decision.outcome.value, arena.status.value,
                                         decision.effective_date, day)
        if target and change_arena_status(None, arena, ArenaStatus(target), decision):
            changed["arenas_left" if target == ArenaStatus.LEFT else "arenas_joined"] += 1
    return {key: count for key, count in changed.items() if count}
