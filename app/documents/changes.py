"""What changed since last year's review (three queries, whatever the number of arenas)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.documents.builder import norwegian_key
from app.extensions import db
from app.models import Assessment, Cycle, Recommendation


@dataclass(frozen=True)
class RecommendationChange:
    """One arena whose recommendation differs from last year's (or from the decision)."""

    name: str
    before: Recommendation | None
    after: Recommendation | None


@dataclass(frozen=True)
class YearChanges:
    """The differences between a cycle and the one before it."""

    previous_year: int | None
    new: tuple[str, ...]
    left: tuple[str, ...]
    changed: tuple[RecommendationChange, ...]
    against: tuple[RecommendationChange, ...]  # decided otherwise than recommended

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to report."""
        return not (self.new or self.left or self.changed or self.against)


def _assessments(cycle_id: int) -> dict[int, Assessment]:
    rows = db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == cycle_id))
    return {a.arena_id: a for a in rows}


def _names(assessments) -> tuple[str, ...]:
    return tuple(sorted((a.arena.name for a in assessments), key=norwegian_key))


def changes_since_last_year(cycle: Cycle) -> YearChanges:
    """New and left arenas, changed recommendations, decisions against the recommendation."""
    previous = db.session.scalar(
        sa.select(Cycle).where(Cycle.year < cycle.year).order_by(Cycle.year.desc()).limit(1))
    now = _assessments(cycle.id)
    before = _assessments(previous.id) if previous else {}
    against = [RecommendationChange(a.arena.name, a.recommendation, a.decision_outcome)
               for a in now.values() if a.decision_differs]
    changed = [RecommendationChange(a.arena.name, before[i].recommendation, a.recommendation)
               for i, a in now.items()
               if i in before and a.recommendation and a.recommendation != before[i].recommendation]
    return YearChanges(
        previous_year=previous.year if previous else None,
        new=_names(a for i, a in now.items() if previous and i not in before),
        left=_names(a for i, a in before.items() if i not in now),
        changed=tuple(sorted(changed, key=lambda c: norwegian_key(c.name))),
        against=tuple(sorted(against, key=lambda c: norwegian_key(c.name))),
    )
