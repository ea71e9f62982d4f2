"""Sign-in throttling that holds across workers and machines: counters in the database.

Two rules, both kept in `sign_in_throttles` so every gunicorn worker (and every machine of
the installation) sees the same numbers, and a restart forgets nothing:

- per address: at most LOGIN_RATE_LIMIT password attempts ("10 per minute;50 per hour") from
  one client address, in fixed windows;
- per account: after ACCOUNT_LOCK_FAILURES wrong passwords in a row, password sign-in to that
  account is held for ACCOUNT_LOCK_MINUTES from any address; the owner is told by e-mail, and
  a successful sign-in resets the count.

Each counter changes in one atomic upsert in the sign-in request's own transaction, which the
view commits whatever the outcome: a concurrent attempt in another worker waits for the row
(PostgreSQL) or the write lock (SQLite) and then counts on from there.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from limits import parse_many
from sqlalchemy.dialects import postgresql, sqlite

from app import audit
from app.clock import now
from app.extensions import db
from app.models import SignInThrottle, User
from app.notifications.outbox import absolute_link, queue_mail

TABLE = SignInThrottle.__table__
FOREVER = timedelta(days=36500)  # the account count is "in a row", not per window


def _bump(key: str, window: timedelta, moment: datetime) -> int:
    """Add one to `key`'s count (a new window once the old one is over); the new count."""
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    expired = TABLE.c.window_started_at <= moment - window
    statement = insert(TABLE).values(key=key, failures=1, window_started_at=moment)
    statement = statement.on_conflict_do_update(index_elements=["key"], set_={
        "failures": sa.case((expired, 1), else_=TABLE.c.failures + 1),
        "window_started_at": sa.case((expired, moment), else_=TABLE.c.window_started_at),
    }).returning(TABLE.c.failures)
    return db.session.execute(statement).scalar_one()


def _set(key: str, **values) -> None:
    db.session.execute(sa.update(TABLE).where(TABLE.c.key == key).values(**values))


def address_allowed(address: str) -> bool:
    """Count one attempt from `address`; False when it is over any of the configured limits."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    moment = now()
    allowed = True
    for item in parse_many(current_app.config["LOGIN_RATE_LIMIT"]):
        window = timedelta(seconds=item.get_expiry())
        count = _bump(f"address:{address}:{item.get_expiry()}", window, moment)
        allowed = allowed and count <= item.amount
    return allowed


def held_until(user: User) -> datetime | None:
    """When password sign-in to `user` opens again (None: it is open now)."""
    until = db.session.scalar(sa.select(TABLE.c.locked_until).where(
        TABLE.c.key == f"account:{user.id}"))
    return until if until is not None and until > now() else None


def record_failure(user: User, address: str) -> bool:
    """One more wrong password for `user`; holds the account (and queues the e-mail) at the
    limit. True when this failure started the hold."""
    limit = current_app.config["ACCOUNT_LOCK_FAILURES"]
    minutes = current_app.config["ACCOUNT_LOCK_MINUTES"]
    key = f"account:{user.id}"
    if _bump(key, FOREVER, now()) < limit:
        return False
    _set(key, failures=0, locked_until=now() + timedelta(minutes=minutes))
    audit.record(None, "user", user.id, "login_held", failures=limit, minutes=minutes,
                 address=address)
    queue_mail(kind="security", template="sign_in_held", to_user=user,
               context={"failures": str(limit), "minutes": str(minutes),
                        "link": absolute_link("auth.login")})
    return True


def record_success(user: User) -> None:
    """A right password: the account's count of failures in a row starts again."""
    db.session.execute(sa.delete(TABLE).where(TABLE.c.key == f"account:{user.id}"))
