"""Only one scheduler is active: a PostgreSQL advisory lock, or on SQLite a leased row.

PostgreSQL: the active process holds `pg_try_advisory_lock` on a connection of its own; when
the process dies the server drops the connection and with it the lock, and a waiting instance
gets it on its next try. SQLite (no such lock across processes): the `scheduler_leases` row
names the holder and an expiry; the holder renews it, and anyone may take it once it expired.
Both also write the row, so the holder and the last run can be seen from any process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app.clock import now as clock_now
from app.extensions import db
from app.models.scheduling import SchedulerLease

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
DEFAULT_LEASE_SECONDS = 45.0  # renewed every third of it: a dead holder is replaced in < 60 s


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock, derived from `name`."""
    digest = hashlib.sha256(f"samarbeidsarenaer:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def new_holder_id() -> str:
    """host:pid:random, unique per process start."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _utcnow() -> datetime:
    return clock_now()


class RowLease:
    """The SQLite lease: a row with holder and expiry, taken by a conditional UPDATE."""

    def __init__(self, name: str = LEASE_NAME, holder: str | None = None,
                 seconds: float = DEFAULT_LEASE_SECONDS):
        self.name = name
        self.holder = holder or new_holder_id()
        self.seconds = seconds

    def acquire(self) -> bool:
        """Take or renew the lease; True when this process holds it afterwards."""
        now = _utcnow()
        row = SchedulerLease.__table__
        free = sa.or_(row.c.holder == self.holder, row.c.holder.is_(None),
                      row.c.lease_until.is_(None), row.c.lease_until < now)
        taken = db.session.execute(
            sa.update(row).where(row.c.name == self.name, free)
            .values(holder=self.holder, lease_until=now + timedelta(seconds=self.seconds))
        ).rowcount
        if not taken and db.session.get(SchedulerLease, self.name) is None:
            taken = self._insert(now)
        db.session.commit()
        return bool(taken)

    def _insert(self, now: datetime) -> bool:
        try:
            with db.session.begin_nested():
                db.session.add(SchedulerLease(
                    name=self.name, holder=self.holder,
                    lease_until=now + timedelta(seconds=self.seconds)))
            return True
        except IntegrityError:  # another process created it first
            return False

    def still_held(self) -> bool:
        """True when the row still names this process and has not expired."""
        row = db.session.get(SchedulerLease, self.name, populate_existing=True)
        held = bool(row and row.holder == self.holder and row.lease_until
                    and row.lease_until > _utcnow())
        db.session.rollback()
        return held

    def release(self) -> None:
        """Give the lease up at once (on a clean shutdown)."""
        row = SchedulerLease.__table__
        db.session.execute(sa.update(row).where(row.c.name == self.name,
                                                row.c.holder == self.holder)
                           .values(holder=None, lease_until=None))
        db.session.commit()


class AdvisoryLease(RowLease):
    """The PostgreSQL lock: a session-level advisory lock on a dedicated connection."""

    def __init__(self, engine: sa.Engine, name: str = LEASE_NAME, holder: str | None = None,
                 seconds: float = DEFAULT_LEASE_SECONDS):
        super().__init__(name, holder, seconds)
        self.engine = engine
        self.key = advisory_key(name)
        self.connection: sa.Connection | None = None

    def acquire(self) -> bool:
        """Hold the advisory lock (checking the connection is alive); record it in the row."""
        if self.connection is not None and not self._alive():
            self._drop_connection()
        if self.connection is None:
            self._try_lock()
        if self.connection is not None:
            self._record_holder()
        return self.connection is not None

    def _try_lock(self) -> None:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
        if got:
            self.connection = connection
        else:
            connection.close()

    def _alive(self) -> bool:
        try:
            self.connection.exec_driver_sql("SELECT 1")
            return True
        except OperationalError:
            return False

    def _drop_connection(self) -> None:
        try:
            self.connection.invalidate()
            self.connection.close()
        finally:
            self.connection = None

    def _record_holder(self) -> None:
        _upsert(self.name, holder=self.holder,
                lease_until=_utcnow() + timedelta(seconds=self.seconds))

    def still_held(self) -> bool:
        """True while the locking connection is open (the lease job checks it is alive)."""
        return self.connection is not None

    def release(self) -> None:
        """Unlock and close the dedicated connection."""
        if self.connection is None:
            return
        try:
            self.connection.scalar(sa.text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": self.key})
            self.connection.close()
        except OperationalError:
            pass
        self.connection = None
        super().release()


def make_lease(seconds: float = DEFAULT_LEASE_SECONDS) -> RowLease:
    """The right lease for the database in use."""
    if db.engine.dialect.name == "postgresql":
        return AdvisoryLease(db.engine, seconds=seconds)
    return RowLease(seconds=seconds)


def _upsert(name: str, **values) -> None:
    """Update the lease row `name` with `values`, creating it when missing; commits."""
    row = SchedulerLease.__table__
    if not db.session.execute(sa.update(row).where(row.c.name == name)
                              .values(**values)).rowcount:
        try:
            with db.session.begin_nested():
                db.session.add(SchedulerLease(name=name, **values))
        except IntegrityError:  # created by another process meanwhile: it holds the news
            pass
    db.session.commit()


def record_run(summary: str, at: datetime | None = None) -> None:
    """Note the last run and its summary on the lease row (for operators and the tests)."""
    _upsert(LEASE_NAME, last_tick_at=at or _utcnow(), last_summary=summary)
