"""Arenas: the organisations, networks and friendship cities the municipality takes part in."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import Portfolio
from app.models.types import UTCDateTime, enum_column, utcnow


class ArenaKind(str, Enum):
    """What sort of arena it is; friendship cities form part 2 of the review."""

    ORGANISATION = "organisation"
    NETWORK = "network"
    PROGRAMME = "programme"
    FRIENDSHIP_CITY = "friendship_city"


class ArenaStatus(str, Enum):
    """Membership status; it changes only through decisions."""

    PROPOSED = "proposed"
    MEMBER = "member"
    LEAVING = "leaving"
    LEFT = "left"


arena_portfolios = sa.Table(
    "arena_portfolios",
    db.metadata,
    sa.Column("arena_id", sa.ForeignKey("arenas.id"), primary_key=True),
    sa.Column("portfolio_id", sa.ForeignKey("portfolios.id"), primary_key=True),
)


class Arena(db.Model):
    """One membership, network, programme or friendship city (samarbeidsarena)."""

    __tablename__ = "arenas"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    kind: Mapped[ArenaKind] = mapped_column(enum_column(ArenaKind, "arena_kind"))
    description_nb: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    executing_unit: Mapped[str] = mapped_column(sa.String(300), default="")
    via: Mapped[str] = mapped_column(sa.String(300), default="")
    membership_type: Mapped[str] = mapped_column(sa.String(200), default="")
    member_since: Mapped[int | None]
    yearly_cost: Mapped[int | None]
    contact_persons: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ArenaStatus] = mapped_column(
        enum_column(ArenaStatus, "arena_status"), default=ArenaStatus.MEMBER
    )
    sort_order: Mapped[int | None]
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    portfolios: Mapped[list[Portfolio]] = relationship(
        secondary=arena_portfolios, lazy="selectin", order_by=Portfolio.code
    )

    @property
    def part(self) -> int:
        """1 for organisations and networks, 2 for friendship cities."""
        return 2 if self.kind == ArenaKind.FRIENDSHIP_CITY else 1

    @property
    def portfolio_ids(self) -> frozenset[int]:
        return frozenset(p.id for p in self.portfolios)

    def description(self, locale: str = "nb") -> str:
        """The description in `locale`, Norwegian when there is no translation."""
        return (self.description_en if locale == "en" else self.description_nb) or (
            self.description_nb
        )
