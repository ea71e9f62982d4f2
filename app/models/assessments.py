"""Assessments: one per arena per cycle, with the answers to the cycle's criteria."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import today
from app.extensions import db
from app.models.arenas import Arena
from app.models.cycles import CriterionKind, Cycle
from app.models.organisation import User
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.assessment import AssessmentState


class Recommendation(str, Enum):
    """What the department recommends; the council's outcomes use the same words."""

    CONTINUE = "continue"
    CONTINUE_AND_STRENGTHEN = "continue_and_strengthen"
    TERMINATE = "terminate"
    JOIN = "join"
    CONSIDER_JOINING = "consider_joining"


class DecisionOutcome(str, Enum):
    """What was decided: a recommendation's outcome, or no change when every proposal fell."""

    CONTINUE = "continue"
    CONTINUE_AND_STRENGTHEN = "continue_and_strengthen"
    TERMINATE = "terminate"
    JOIN = "join"
    CONSIDER_JOINING = "consider_joining"
    NO_CHANGE = "no_change"


class Participation(str, Enum):
    ACTIVE = "active"
    PASSIVE = "passive"


class Rating(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"


PARTICIPANT_GROUPS = ("political", "administrative", "professional")
WITH_CONTACT = (AssessmentState.DRAFT, AssessmentState.RETURNED)


def overdue_states(deadline: date | None, on: date) -> tuple[AssessmentState, ...]:
    """The states in which an assessment is overdue on day `on`: still with the contact
    after the submission deadline (none before it, or without one)."""
    return WITH_CONTACT if deadline and on > deadline else ()


def is_overdue(state: AssessmentState, deadline: date | None, on: date) -> bool:
    """Still with the contact after the submission deadline (`on` is today)."""
    return state in overdue_states(deadline, on)


def decision_differs(outcome: Recommendation | None,
                     recommendation: Recommendation | None) -> bool:
    """The council decided otherwise than the department recommended."""
    return bool(outcome and recommendation and outcome != recommendation)


def decision_differs_sql(outcome: sa.ColumnElement, recommendation: sa.ColumnElement):
    """`decision_differs` as an SQL expression over the two columns (for list queries)."""
    return sa.and_(outcome.is_not(None), recommendation.is_not(None),
                   outcome != recommendation)


class Assessment(db.Model):
    """The yearly assessment (vurdering) of one arena in one cycle."""

    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "arena_id"),
                      # the scheduler's daily look for decisions taking effect (few rows)
                      sa.Index("ix_assessments_decision_outcome", "decision_outcome"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    arena_id: Mapped[int] = mapped_column(sa.ForeignKey("arenas.id"), index=True)
    state: Mapped[AssessmentState] = mapped_column(
        enum_column(AssessmentState, "assessment_state"), default=AssessmentState.DRAFT,
        index=True,
    )
    version: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    yearly_cost: Mapped[int | None]
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "recommendation")
    )
    recommendation_reason: Mapped[str] = mapped_column(sa.Text, default="")
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_carried_forward: Mapped[bool] = mapped_column(default=False)
    # Set when the contact confirmed last year's assessment as this year's, with why.
    unchanged_comment: Mapped[str | None] = mapped_column(sa.Text)
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    routed_to_council: Mapped[bool | None]
    decision_outcome: Mapped[DecisionOutcome | None] = mapped_column(
        enum_column(DecisionOutcome, "decision_outcome")
    )
    decision_text: Mapped[str] = mapped_column(sa.Text, default="")
    decision_effective_date: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    arena: Mapped[Arena] = relationship(lazy="joined")
    contact: Mapped[User | None] = relationship(foreign_keys=[contact_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    # Optimistic concurrency: every UPDATE checks and bumps `version`, so a write based on a
    # stale read fails instead of silently overwriting someone else's answers.
    __mapper_args__ = {"version_id_col": version}

    # --- what the workflow table asks of an assessment ---------------------------------
    @property
    def portfolio_ids(self) -> frozenset[int]:
        return self.arena.portfolio_ids

    @property
    def cycle_is_open(self) -> bool:
        return self.cycle.accepts_answers

    @property
    def sign_off_required(self) -> bool:
        return self.cycle.requires_sign_off

    @property
    def missing_fields(self) -> list[str]:
        """Form field names of required answers that are still empty."""
        missing = []
        for criterion in self.cycle.criteria_set.criteria:
            if not criterion.is_required:
                continue
            answer = (self.answers or {}).get(criterion.key) or {}
            if criterion.kind != CriterionKind.TEXT and not answer.get("value"):
                missing.append(f"{criterion.key}_value")
            if not (answer.get("text") or "").strip():
                missing.append(f"{criterion.key}_text")
        if self.recommendation is None:
            missing.append("recommendation")
        if not self.recommendation_reason.strip():
            missing.append("recommendation_reason")
        return missing

    @property
    def is_overdue(self) -> bool:
        """Still with the contact after the cycle's submission deadline."""
        return is_overdue(self.state, self.cycle.submission_deadline, today())

    @property
    def decision_differs(self) -> bool:
        """The council decided otherwise than the department recommended."""
        return decision_differs(self.decision_outcome, self.recommendation)

    def answer(self, key: str) -> dict:
        """The stored answer to criterion `key` (an empty dict when unanswered)."""
        return dict((self.answers or {}).get(key) or {})
