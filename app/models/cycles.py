"""Yearly review cycles and the criteria set each one freezes."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.arenas import Arena
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.cycle import CycleStatus


class CriterionKind(str, Enum):
    """How a criterion is answered."""

    PARTICIPATION = "participation"  # active/passive, who takes part, justification
    RATING = "rating"  # high/medium/low/none plus justification
    TEXT = "text"  # free text only


class CriteriaSet(db.Model):
    """A versioned list of criteria; a cycle freezes the one it uses."""

    __tablename__ = "criteria_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="criteria_set", order_by="Criterion.position", lazy="selectin",
        cascade="all, delete-orphan",
    )

    @property
    def signature(self) -> tuple:
        """What must match for last year's answers to carry over."""
        return tuple((c.key, c.kind.value) for c in self.criteria)


class Criterion(db.Model):
    """One question of the yearly form."""

    __tablename__ = "criteria"
    __table_args__ = (sa.UniqueConstraint("criteria_set_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criteria_set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"))
    key: Mapped[str] = mapped_column(sa.String(50))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "criterion_kind"))
    label_nb: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200), default="")
    hint_nb: Mapped[str] = mapped_column(sa.Text, default="")
    hint_en: Mapped[str] = mapped_column(sa.Text, default="")
    is_required: Mapped[bool] = mapped_column(default=True)

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="criteria")

    def label(self, locale: str = "nb") -> str:
        return (self.label_en if locale == "en" else self.label_nb) or self.label_nb

    def hint(self, locale: str = "nb") -> str:
        return (self.hint_en if locale == "en" else self.hint_nb) or self.hint_nb


cycle_arenas = sa.Table(
    "cycle_arenas",
    db.metadata,
    sa.Column("cycle_id", sa.ForeignKey("cycles.id"), primary_key=True),
    sa.Column("arena_id", sa.ForeignKey("arenas.id"), primary_key=True),
)


class Cycle(db.Model):
    """One year's review (e.g. "Gjennomgang 2021")."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[CycleStatus] = mapped_column(
        enum_column(CycleStatus, "cycle_status"), default=CycleStatus.PLANNED
    )
    criteria_set_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sets.id"))
    requires_sign_off: Mapped[bool] = mapped_column(default=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submission_deadline: Mapped[date | None]
    review_deadline: Mapped[date | None]
    council_meeting_date: Mapped[date | None]
    archive_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    introduction_nb: Mapped[str] = mapped_column(sa.Text, default="")
    introduction_en: Mapped[str] = mapped_column(sa.Text, default="")
    reminder_schedule: Mapped[dict | None] = mapped_column(sa.JSON)  # None: the defaults
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria_set: Mapped[CriteriaSet] = relationship(lazy="joined")
    arenas: Mapped[list[Arena]] = relationship(secondary=cycle_arenas, order_by=Arena.name)

    @property
    def accepts_answers(self) -> bool:
        """Contacts may write while the cycle is open or under review (returned items)."""
        return self.status in (CycleStatus.OPEN, CycleStatus.IN_REVIEW)
