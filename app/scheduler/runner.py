"""`flask scheduler run`: APScheduler 3 in a process of its own, active only with the lease.

Never started inside a web worker (each job would run once per worker). Every instance runs
the lease job; the others do nothing unless their process holds the lease. When a process
becomes active it first catches up (the jobs are idempotent), so nothing due while no
scheduler ran is lost; a missed 08:00 run also fires late within the misfire grace time.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from app.clock import OSLO
from app.clock import now as clock_now
from app.documents.jobs import run_pending_assembly_jobs
from app.extensions import db
from app.scheduler import jobs
from app.scheduler.lease import DEFAULT_LEASE_SECONDS, RowLease, make_lease, record_run

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600}


@dataclass(frozen=True)
class SchedulerSettings:
    """How long a lease lasts and how often mail is delivered (env vars override)."""

    lease_seconds: float = DEFAULT_LEASE_SECONDS
    delivery_seconds: float = 60.0

    @property
    def renew_seconds(self) -> float:
        """The holder renews this often: three chances before the lease runs out."""
        return self.lease_seconds / 3

    @property
    def poll_seconds(self) -> float:
        """How often the lease job runs (a waiting instance tries to take over)."""
        return max(self.lease_seconds / 9, 0.2)

    @classmethod
    def from_app(cls, app: Flask) -> SchedulerSettings:
        """Settings from app.config or the environment (SCHEDULER_LEASE_SECONDS, ...)."""
        def value(name: str, default: float) -> float:
            return float(app.config.get(name) or os.environ.get(name) or default)

        return cls(value("SCHEDULER_LEASE_SECONDS", DEFAULT_LEASE_SECONDS),
                   value("SCHEDULER_DELIVERY_SECONDS", 60.0))


def summary_line(summary: dict[str, int]) -> str:
    """`name=count` pairs on one line."""
    return " ".join(f"{name}={count}" for name, count in summary.items())


class SchedulerProcess:
    """One `flask scheduler run` process: the APScheduler jobs behind the lease."""

    def __init__(self, app: Flask, settings: SchedulerSettings | None = None,
                 scheduler_class: type[BaseScheduler] = BlockingScheduler):
        self.app = app
        self.settings = settings or SchedulerSettings.from_app(app)
        with app.app_context():
            self.lease: RowLease = make_lease(self.settings.lease_seconds)
        self.active = False
        self.renewed_at: datetime | None = None
        self.lock = threading.Lock()
        self.scheduler = scheduler_class(timezone=OSLO, job_defaults=JOB_DEFAULTS)

    def add_jobs(self) -> None:
        """The lease job, 08:00 daily jobs, the Monday digest and the delivery loop."""
        add = self.scheduler.add_job
        add(self.keep_lease, IntervalTrigger(seconds=self.settings.poll_seconds),
            id="scheduler_lease", replace_existing=True, next_run_time=datetime.now(OSLO),
            misfire_grace_time=None)
        add(self.guarded(jobs.daily_jobs), CronTrigger(hour=8, minute=0, timezone=OSLO),
            id="daily_reminders", name="daily_reminders", replace_existing=True)
        add(self.guarded(lambda: [jobs.send_weekly_digest]),
            CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=OSLO),
            id="weekly_digest", name="weekly_digest", replace_existing=True)
        # Every minute: invitations, assembly jobs queued from the document page (so the
        # office does not wait for 08:00), then delivery of whatever was queued.
        add(self.guarded(lambda: [jobs.send_invitations, run_pending_assembly_jobs,
                                  jobs.deliver_outbox]),
            IntervalTrigger(seconds=self.settings.delivery_seconds),
            id="deliver_outbox", name="deliver_outbox", replace_existing=True,
            misfire_grace_time=int(self.settings.delivery_seconds) + 60)

    def keep_lease(self) -> None:
        """Take, renew or lose the lease; catch up right after becoming active."""
        with self.app.app_context():
            try:
                if self.active and not self._renewal_due():
                    return
                held = self.lease.acquire()
            except Exception:
                log.exception("scheduler %s: lease check failed", self.lease.holder)
                held = False
            finally:
                db.session.remove()
        self.renewed_at = clock_now() if held else None
        self._set_active(held)

    def _renewal_due(self) -> bool:
        elapsed = (clock_now() - self.renewed_at).total_seconds() if self.renewed_at else 1e9
        return elapsed >= self.settings.renew_seconds

    def _set_active(self, held: bool) -> None:
        if held == self.active:
            return
        self.active = held
        if held:
            log.warning("scheduler %s: ACTIVE", self.lease.holder)
            self.scheduler.add_job(self.guarded(self.catch_up_jobs), id="catch_up",
                                   name="catch_up", replace_existing=True)
        else:
            log.warning("scheduler %s: STANDBY (lease lost)", self.lease.holder)

    @staticmethod
    def catch_up_jobs() -> list:
        """Everything, once: what fell due while no scheduler was active."""
        return [*jobs.daily_jobs(), jobs.send_weekly_digest, jobs.deliver_outbox]

    def guarded(self, job_list):
        """A job that runs `job_list()` only while this process holds the lease."""
        def run() -> None:
            if not self.active:
                return
            with self.app.app_context():
                try:
                    if not self.lease.still_held():
                        self._set_active(False)
                        return
                    self.run_jobs(job_list())
                finally:
                    db.session.remove()
        return run

    def run_jobs(self, job_list) -> None:
        """Run jobs under the process lock and note the result."""
        with self.lock:
            summary = jobs.run_jobs(job_list, clock_now())
            line = summary_line(summary)
            level = logging.INFO if any(summary.values()) else logging.DEBUG
            log.log(level, "scheduler %s: ran %s", self.lease.holder, line)
            record_run(line)

    def stop(self, *_args) -> None:
        """Shut down (SIGTERM/SIGINT): let the lease go so another instance starts at once."""
        self.scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Block, running jobs while active, until stopped."""
        self.add_jobs()
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.warning("scheduler %s: STARTED (lease %.1f s)", self.lease.holder,
                    self.settings.lease_seconds)
        try:
            self.scheduler.start()
        finally:
            with self.app.app_context():
                self.lease.release()
                db.session.remove()
            log.warning("scheduler %s: STOPPED", self.lease.holder)
