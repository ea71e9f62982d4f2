"""The lease (one active scheduler) and the APScheduler set-up, in one process."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from app.extensions import db
from app.models import OutboxMessage, SchedulerLease
from app.scheduler.lease import AdvisoryLease, RowLease, make_lease, record_run
from app.scheduler.runner import SchedulerProcess, SchedulerSettings
from tests.conftest import IS_POSTGRES


def lease_row() -> SchedulerLease | None:
    db.session.rollback()
    return db.session.get(SchedulerLease, "scheduler", populate_existing=True)


def test_row_lease_is_held_by_one_and_taken_over_when_it_expires(app):
    first, second = RowLease(holder="a", seconds=0.5), RowLease(holder="b", seconds=0.5)
    assert first.acquire() and first.still_held()
    assert not second.acquire() and not second.still_held()
    assert first.acquire()  # renewing
    assert lease_row().holder == "a"
    time.sleep(0.6)  # "a" died without renewing
    assert not first.still_held()
    assert second.acquire() and lease_row().holder == "b"
    assert not first.acquire()
    second.release()
    assert lease_row().holder is None
    assert first.acquire()


@pytest.mark.skipif(not IS_POSTGRES, reason="advisory locks need PostgreSQL")
def test_advisory_lock_is_held_by_one_until_its_connection_goes(app):
    first, second = AdvisoryLease(db.engine, holder="a"), AdvisoryLease(db.engine, holder="b")
    assert isinstance(make_lease(), AdvisoryLease)
    assert first.acquire() and first.acquire()  # re-checking does not stack locks
    assert not second.acquire()
    assert lease_row().holder == "a"
    backend = first.connection.scalar(sa.text("SELECT pg_backend_pid()"))
    db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    db.session.commit()  # "a" died: the server ends its session and frees the lock
    assert wait_until(second.acquire) and lease_row().holder == "b"
    assert not first.acquire() and first.connection is None
    second.release()
    third = AdvisoryLease(db.engine, holder="c")
    assert third.acquire()
    third.release()


def wait_until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite uses the lease row")
def test_sqlite_uses_the_row_lease(app):
    assert type(make_lease()) is RowLease


def test_record_run_keeps_the_last_summary(app):
    record_run("reminders=3")
    record_run("reminders=0")
    row = lease_row()
    assert row.last_summary == "reminders=0" and row.last_tick_at is not None


def test_jobs_are_set_up_with_ids_crons_and_misfire_grace(app):
    process = SchedulerProcess(app, SchedulerSettings(lease_seconds=9, delivery_seconds=60),
                               scheduler_class=BackgroundScheduler)
    process.add_jobs()
    process.scheduler.start(paused=True)
    try:
        found = {job.id: job for job in process.scheduler.get_jobs()}
    finally:
        process.scheduler.shutdown(wait=False)
    assert set(found) == {"scheduler_lease", "daily_reminders", "weekly_digest",
                          "deliver_outbox"}
    daily, weekly = str(found["daily_reminders"].trigger), str(found["weekly_digest"].trigger)
    assert daily == "cron[hour='8', minute='0']"
    assert weekly == "cron[day_of_week='mon', hour='8', minute='0']"
    for name in ("daily_reminders", "weekly_digest"):
        assert str(found[name].trigger.timezone) == "Europe/Oslo"
    assert str(found["deliver_outbox"].trigger) == "interval[0:01:00]"
    assert str(found["scheduler_lease"].trigger) == "interval[0:00:01]"
    for name in ("daily_reminders", "weekly_digest"):
        assert found[name].coalesce and found[name].misfire_grace_time == 6 * 3600
        assert found[name].max_instances == 1


def test_only_the_lease_holder_runs_jobs(app, smtp_server):
    settings = SchedulerSettings(lease_seconds=30)
    leader, other = SchedulerProcess(app, settings), SchedulerProcess(app, settings)
    try:
        leader.keep_lease()
        other.keep_lease()
        assert leader.active and not other.active
        other.guarded(SchedulerProcess.catch_up_jobs)()
        assert smtp_server.messages == []
        leader.guarded(SchedulerProcess.catch_up_jobs)()
        delivered = len(smtp_server.messages)
        assert delivered > 0  # the demo cycle's deadline is long past: overdue reminders
        assert "reminders=" in lease_row().last_summary
        leader.guarded(SchedulerProcess.catch_up_jobs)()  # idempotent: nothing new
        assert len(smtp_server.messages) == delivered
    finally:
        db.session.rollback()  # the test's read snapshot is older than the jobs' writes
        leader.lease.release()
        other.lease.release()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == "queued")) == 0


def test_settings_come_from_config_or_environment(app, monkeypatch):
    monkeypatch.setenv("SCHEDULER_LEASE_SECONDS", "6")
    settings = SchedulerSettings.from_app(app)
    assert (settings.lease_seconds, settings.renew_seconds) == (6.0, 2.0)
    app.config["SCHEDULER_LEASE_SECONDS"] = 3
    assert SchedulerSettings.from_app(app).lease_seconds == 3.0
    assert SchedulerSettings().renew_seconds == 15.0 and SchedulerSettings().poll_seconds == 5.0


@pytest.mark.skipif(IS_POSTGRES, reason="the row lease can be taken over by editing the row")
def test_a_leader_whose_lease_was_taken_steps_down(app, smtp_server):
    leader = SchedulerProcess(app, SchedulerSettings(lease_seconds=30))
    leader.keep_lease()
    assert leader.active
    db.session.execute(sa.update(SchedulerLease).values(holder="someone else"))
    db.session.commit()  # e.g. it was paused past its lease and another instance took over
    leader.guarded(SchedulerProcess.catch_up_jobs)()
    assert not leader.active and smtp_server.messages == []
    leader.renewed_at = None
    leader.keep_lease()
    assert not leader.active and lease_row().holder == "someone else"
