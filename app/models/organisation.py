"""The municipality, its portfolios (departments) and its users."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.roles import Role

# The words a municipality uses for its own structure. Bergen says "byråd", most say
# "kommunalsjef"; the app never hard-codes them.
LABEL_KEYS = (
    "portfolio_label",
    "portfolio_label_plural",
    "head_label",
    "head_label_plural",
    "council_label",
    "council_office_label",
)
DEFAULT_LABELS = {
    "portfolio_label": {"nb": "Avdeling", "en": "Department"},
    "portfolio_label_plural": {"nb": "Avdelinger", "en": "Departments"},
    "head_label": {"nb": "Kommunalsjef", "en": "Head of department"},
    "head_label_plural": {"nb": "Kommunalsjefer", "en": "Heads of department"},
    "council_label": {"nb": "Kommunestyret", "en": "Municipal council"},
    "council_office_label": {"nb": "Politisk sekretariat", "en": "Council office"},
}


class Organisation(db.Model):
    """The one municipality this installation serves, and its vocabulary."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    labels: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    def label(self, key: str, locale: str = "nb") -> str:
        """The municipality's word for `key` in `locale`, falling back to the defaults."""
        entry = (self.labels or {}).get(key) or DEFAULT_LABELS[key]
        return entry.get(locale) or entry.get("nb") or DEFAULT_LABELS[key]["nb"]


user_portfolios = sa.Table(
    "user_portfolios",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("portfolio_id", sa.ForeignKey("portfolios.id"), primary_key=True),
)


class Portfolio(db.Model):
    """A department (byrådsavdeling) that follows up arenas; headed by a byråd or similar."""

    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_nb: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_nb: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    is_archived: Mapped[bool] = mapped_column(default=False)

    members: Mapped[list[User]] = relationship(
        secondary=user_portfolios, back_populates="portfolios", order_by="User.name"
    )

    def name(self, locale: str = "nb") -> str:
        """The portfolio's name in `locale`."""
        return (self.name_en if locale == "en" else self.name_nb) or self.name_nb

    def head_title(self, locale: str = "nb") -> str:
        """The title of the portfolio's head, e.g. "Byråd for kultur"."""
        return (self.head_title_en if locale == "en" else self.head_title_nb) or self.head_title_nb

    @property
    def contacts(self) -> list[User]:
        """Active users who answer for this portfolio."""
        return [u for u in self.members if u.is_active and Role.CONTACT in u.roles]


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)


class User(UserMixin, db.Model):
    """Someone who logs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    is_active_user: Mapped[bool] = mapped_column("is_active", default=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="nb")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id in every session cookie; raising it (at logout) ends all of them.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # The identity provider's subject ("sub"), stored at the first single sign-on
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    # TOTP second factor (app/auth/totp.py): the shared secret, when it was confirmed, and
    # the last time step used (a code is accepted once).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    portfolios: Mapped[list[Portfolio]] = relationship(
        secondary=user_portfolios, back_populates="members", lazy="selectin",
        order_by="Portfolio.code",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_user

    def get_id(self) -> str:
        """What the session cookie holds: the id and the session epoch ("12:3")."""
        return f"{self.id}:{self.session_epoch}"

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this user holds."""
        return frozenset(r.role for r in self.role_rows)

    @property
    def portfolio_ids(self) -> frozenset[int]:
        """Ids of the portfolios this user belongs to."""
        return frozenset(p.id for p in self.portfolios)

    @property
    def has_totp(self) -> bool:
        """True when sign-in asks for a code from the user's authenticator app."""
        return self.totp_enabled_at is not None

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds any of `roles`."""
        return bool(self.roles & set(roles))
