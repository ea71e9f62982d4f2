"""Structured logs and the health report.

One JSON line per request (method, path, status, duration, user id, request id) and per
scheduler job (`log_job`), through the standard logging module on the `samarbeidsarenaer`
loggers, written to stderr (journald or gunicorn's error log collects it). The request id comes
from the X-Request-ID header when it looks like one (a proxy's), else it is made here; the
response carries it back.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, request
from sqlalchemy.exc import SQLAlchemyError

from app.clock import now as clock_now
from app.extensions import db
from app.models import SchedulerLease
from app.scheduler.lease import DEFAULT_LEASE_SECONDS
from app.storage_faults import storage_fault

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LOGGER = logging.getLogger("samarbeidsarenaer")
request_log = LOGGER.getChild("request")
job_log = LOGGER.getChild("job")
SCHEDULER_LEASE = "scheduler"  # the row app.scheduler.lease keeps (LEASE_NAME)
MIN_FREE_BYTES = 16 * 1024 * 1024  # below this a SQLite database is as good as full


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, event and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line (no newline; the handler adds it)."""
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrJsonHandler(logging.StreamHandler):
    """JSON lines to whatever sys.stderr is when a record comes (servers and tests swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        """The current sys.stderr."""
        return sys.stderr


def configure_logging() -> None:
    """Give the `samarbeidsarenaer` loggers their one JSON handler (idempotent: tests build
    many apps in one process)."""
    if not any(isinstance(h, StderrJsonHandler) for h in LOGGER.handlers):
        LOGGER.addHandler(StderrJsonHandler())
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False  # not a second time through the root logger's handlers
    for logger in (LOGGER, request_log, job_log):  # Alembic's fileConfig disables them
        logger.disabled = False


def log_job(name: str, **counts: Any) -> None:
    """Log one scheduler job run: its name and what it did (`log_job("reminders", sent=3)`)."""
    job_log.info("job", extra={"fields": {"job": name, **counts}})


def request_id() -> str:
    """This request's id: the caller's X-Request-ID if well-formed, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def _user_id() -> int | None:
    # Only a user this request already loaded: a static file should not cost a query.
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


def _loggable_path() -> str:
    """The path with secrets in it (a calendar feed's token) masked."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if "token" in name and isinstance(value, str) and value:
            path = path.replace(value, "***")
    return path


def start_request() -> None:
    """Note when the request began and fix its id."""
    g.request_started = time.perf_counter()
    request_id()


def finish_request(response):
    """Echo the request id and log the request as one JSON line."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started", time.perf_counter())
    request_log.info("request", extra={"fields": {
        "method": request.method,
        "path": _loggable_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "user_id": _user_id(),
        "request_id": request_id(),
    }})
    return response


def init_observability(app: Flask) -> None:
    """Wire the request log into `app`."""
    configure_logging()
    # First of all before-request hooks, so a request an earlier hook refuses (CSRF) is timed.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)


def _scheduler_report() -> dict[str, Any]:
    try:
        lease = db.session.get(SchedulerLease, SCHEDULER_LEASE)
    except SQLAlchemyError:  # an older schema without the table: no scheduler to report
        db.session.rollback()
        lease = None
    last = lease.last_tick_at if lease else None
    until = lease.lease_until if lease else None
    moment = clock_now()
    renewed = until - timedelta(seconds=DEFAULT_LEASE_SECONDS) if until else None
    return {
        "last_tick_at": last.isoformat() if last else None,
        "seconds_since_last_tick": int((moment - last).total_seconds()) if last else None,
        "lease_holder": lease.holder if lease else None,
        "lease_age_seconds": int((moment - renewed).total_seconds()) if renewed else None,
        "lease_expired": bool(until and until <= moment),
    }


def _document_report() -> dict[str, Any]:
    """How many recorded document versions have no stored bytes (one query, no checksums:
    `flask backup check` also verifies each SHA-256)."""
    from app.backup.checks import missing_count  # the documents package imports this one

    return {"documents": {"missing": missing_count(db.session.connection())}}


def _mail_report() -> dict[str, Any]:
    """What waits in the outbox: a relay that is down shows as a growing count and age."""
    from app.notifications.delivery import backlog

    waiting = backlog()
    oldest = waiting.oldest_queued_at
    return {"mail": {"queued": waiting.queued,
                     "oldest_queued_at": oldest.isoformat() if oldest else None,
                     "oldest_queued_seconds": waiting.age_seconds(),
                     "piling_up": waiting.piling_up()}}


def _writable() -> str:
    """'ok', 'read_only' or 'disk_full': can the database store anything now?

    A write that changes no row still needs the database's write permission, so a read-only
    database refuses it; it is rolled back at once. SQLite's disk is checked for free space.
    """
    try:
        db.session.execute(sa.update(SchedulerLease).where(sa.false()).values(holder=None))
    except SQLAlchemyError as error:
        db.session.rollback()
        return storage_fault(error) or "unavailable"
    db.session.rollback()
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        folder = Path(url.database.removeprefix("file:").split("?")[0]).resolve().parent
        if folder.exists() and shutil.disk_usage(folder).free < MIN_FREE_BYTES:
            return "disk_full"
    return "ok"


def health_report() -> tuple[dict[str, Any], int]:
    """The database's answer to a trivial query and the scheduler's last tick, with the HTTP
    status: 200 when the database answers, 503 when not."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unavailable", "scheduler": None}, 503
    writable = _writable()
    report = {"status": "ok" if writable == "ok" else "degraded", "database": "ok",
              "database_writable": writable, "scheduler": _scheduler_report()}
    report.update(_document_report())
    report.update(_mail_report())
    if report["documents"]["missing"] or report["mail"]["piling_up"]:
        report["status"] = "degraded"
    db.session.rollback()
    return report, 200 if writable == "ok" else 503
