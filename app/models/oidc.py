"""Single sign-on: which of the identity provider's groups give which role (and portfolios)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import Portfolio
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.roles import Role

group_mapping_portfolios = sa.Table(
    "oidc_group_mapping_portfolios",
    db.metadata,
    sa.Column("mapping_id", sa.ForeignKey("oidc_group_mappings.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("portfolio_id", sa.ForeignKey("portfolios.id"), primary_key=True),
)


class OidcGroupMapping(db.Model):
    """One group of the identity provider and the role its members get here."""

    __tablename__ = "oidc_group_mappings"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "role", name="uq_oidc_group_mappings_group_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The group as the provider names it in the groups claim (Entra ID: the group's object id)
    group_id: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    # A member of this group without an account here gets one at first sign-in
    is_just_in_time: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    portfolios: Mapped[list[Portfolio]] = relationship(
        secondary=group_mapping_portfolios, lazy="selectin", order_by="Portfolio.code"
    )

    @property
    def portfolio_ids(self) -> frozenset[int]:
        """Ids of the portfolios this group's members answer for."""
        return frozenset(p.id for p in self.portfolios)
