"""An arena's membership status after a decision, and the council office's task it brings,
by the table in workflows/arena_status.py.

Both ways an assessment gets decided lead here: the council's decision on a case item
(app/council) and the recommendation standing without the council (app/assessments). Flushes,
never commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from app import audit
from app.clock import today
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, CaseItem
from app.models.council import FollowUp, FollowUpKind
from workflows import arena_status


def change_arena_status(actor: Any, arena: Arena, status: ArenaStatus, effective_date: date,
                        **reference: Any) -> bool:
    """Set the arena's status as a decision requires; False when it already has it.

    `reference` names the decision in the audit row (decision_id= or assessment_id=).
    """
    if arena.status == status:
        return False
    before = arena.status
    arena.status = status
    audit.record(actor, "arena", arena.id, "arena_status_changed", from_state=before,
                 to_state=status, effective_date=effective_date.isoformat(), **reference)
    db.session.flush()
    return True


def apply_outcome(actor: Any, arena: Arena, outcome: str, baseline: ArenaStatus,
                  effective_date: date, **reference: Any) -> bool:
    """Move the arena from `baseline` as `outcome` says, as of today; False when unchanged."""
    target = arena_status.status_after_decision(outcome, baseline.value, effective_date,
                                                today())
    return change_arena_status(actor, arena, ArenaStatus(target), effective_date, **reference)


def add_follow_up(assessment: Assessment, outcome: str, item: CaseItem | None = None) -> None:
    """The office's task after a decision with `outcome` (send the notice, apply, ...), unless
    the outcome needs none or the assessment has that task already. `item` is the council case
    item that decided, None when the recommendation stood."""
    kind = arena_status.follow_up_for(outcome)
    if kind is None:
        return
    exists = db.session.scalar(sa.select(FollowUp.id).where(
        FollowUp.assessment_id == assessment.id, FollowUp.kind == FollowUpKind(kind)))
    if exists is None:
        db.session.add(FollowUp(assessment=assessment, item=item, kind=FollowUpKind(kind)))
    db.session.flush()
