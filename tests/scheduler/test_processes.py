"""Several schedulers at once, for real: `flask scheduler run` processes and parallel ticks.

Exactly one process is active; when it is killed (SIGKILL: no clean-up) another takes over
within the lease; two ticks at the same moment queue each reminder once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.database import read_only_transactions
from app.extensions import db
from app.models import OutboxMessage, Reminder, SchedulerLease
from app.scheduler.jobs import tick
from config import TestConfig
from tests.conftest import IS_POSTGRES, build_database
from tests.scheduler.conftest import oslo, recipients, unfinished_by_contact
from workflows.reminders import REMINDER_KINDS

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 8  # short for the test, yet long enough for a busy CI machine to renew it
ACTIVE = re.compile(r"scheduler (\S+:(\d+):\w+): ACTIVE")


class Scheduler:
    """One `flask scheduler run` process writing to a log file."""

    def __init__(self, url: str, smtp_port: int, log: Path):
        self.log = log
        env = {**os.environ, "DATABASE_URL": url, "APP_CONFIG": "development",
               "SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS), "SCHEDULER_DELIVERY_SECONDS": "1",
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
               "PYTHONUNBUFFERED": "1"}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app:create_app()", "scheduler", "run"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    @property
    def output(self) -> str:
        return self.log.read_text()

    @property
    def activations(self) -> list[str]:
        return [m.group(2) for m in ACTIVE.finditer(self.output)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(params=["sqlite", "postgresql"])
def scheduler_db(request, database_url, tmp_path) -> str:
    """A demo database of the requested kind (PostgreSQL only when TEST_DATABASE_URL is set)."""
    if request.param == "postgresql":
        if not IS_POSTGRES:
            pytest.skip("set TEST_DATABASE_URL to run against PostgreSQL")
        return database_url
    if not IS_POSTGRES:
        return database_url
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    build_database(url)
    return url


@pytest.fixture()
def inspect_app(scheduler_db, smtp_server):
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=scheduler_db)
    with application.app_context(), read_only_transactions():  # never block the schedulers
        yield application
        db.session.remove()
        db.engine.dispose()


def delivered_messages() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.claimed_by.is_not(None))))


def test_two_scheduler_processes_one_active_and_takeover_after_kill(
        scheduler_db, inspect_app, smtp_server, tmp_path):
    procs = [Scheduler(scheduler_db, smtp_server.port, tmp_path / f"s{i}.log") for i in (1, 2)]
    try:
        leader = wait_for(lambda: [p for p in procs if p.activations], 30, "a leader")[0]
        standby = next(p for p in procs if p is not leader)
        wait_for(lambda: "STARTED" in standby.output, 30, "the second process")
        wait_for(lambda: smtp_server.messages, 20, "the leader's catch-up mail")
        time.sleep(LEASE_SECONDS)  # three renewals: the standby must stay quiet
        assert [len(p.activations) for p in (leader, standby)] == [1, 0], (
            leader.output + standby.output)
        (pid,) = leader.activations
        sent = delivered_messages()
        assert sent and all(f":{pid}:" in m.claimed_by for m in sent)
        assert db.session.get(SchedulerLease, "scheduler").holder.split(":")[1] == pid
        before = len(smtp_server.messages)

        killed_at = time.monotonic()
        leader.process.send_signal(signal.SIGKILL)
        wait_for(lambda: standby.activations, 30, "the takeover")
        assert time.monotonic() - killed_at < LEASE_SECONDS + 7  # well within 60 s
        time.sleep(2)  # the new leader's catch-up finds everything done
        assert len(smtp_server.messages) == before
        ids = [m["Message-ID"] for _r, m in smtp_server.messages]
        assert len(ids) == len(set(ids))

        standby.process.send_signal(signal.SIGTERM)
        assert standby.process.wait(15) == 0
        assert "STOPPED" in standby.output
        db.session.rollback()
        assert db.session.get(SchedulerLease, "scheduler", populate_existing=True).holder is None
    finally:
        for p in procs:
            p.stop()


def test_two_ticks_at_once_queue_each_reminder_once(app, smtp_server):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(tick(oslo("2026-03-02T08:00")))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    expected = unfinished_by_contact()
    assert sum(r["reminders"] for r in results) == len(expected)
    assert sum(r["sent"] for r in results) == len(expected)
    assert recipients(smtp_server) == dict.fromkeys(expected, 1)
    db.session.rollback()
    keys = db.session.execute(sa.select(Reminder.assessment_id, Reminder.kind,
                                        Reminder.due_date)
                              .where(Reminder.kind.in_(REMINDER_KINDS))).all()
    assert keys and max(Counter(keys).values()) == 1


def test_the_database_refuses_a_second_reminder_with_the_same_key(app):
    existing = db.session.scalars(sa.select(Reminder).limit(1)).one()
    db.session.add(Reminder(assessment_id=existing.assessment_id, kind=existing.kind,
                            due_date=existing.due_date, queued_at=existing.queued_at))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
