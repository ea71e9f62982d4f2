"""Structured logs (one JSON line per request and per job, with a request id) and /healthz."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.observability import LOGGER, StderrJsonHandler, configure_logging, log_job
from app.scheduler.lease import record_run
from tests.conftest import CONTACT, login
from tests.ops.conftest import other_app


def json_lines(capsys, logger: str) -> list[dict]:
    """The JSON log lines of `logger` written to stderr since the last call."""
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()
             if line.startswith("{")]
    return [line for line in lines if line["logger"] == logger]


def request_lines(capsys) -> list[dict]:
    return json_lines(capsys, "samarbeidsarenaer.request")


def test_each_request_is_one_json_line_with_its_user_and_request_id(client, capsys):
    login(client, CONTACT)
    capsys.readouterr()
    response = client.get("/assessments/", headers={"X-Request-ID": "proxy-7f3a.1"})

    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "proxy-7f3a.1"
    [line] = request_lines(capsys)
    contact = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    assert line["method"] == "GET" and line["path"] == "/assessments/"
    assert line["status"] == 200 and line["user_id"] == contact.id
    assert line["request_id"] == "proxy-7f3a.1" and line["event"] == "request"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and datetime.fromisoformat(line["ts"]).tzinfo is not None


def test_a_request_without_a_usable_id_gets_a_new_one(client, capsys):
    capsys.readouterr()
    first = client.get("/auth/login")
    second = client.get("/auth/login", headers={"X-Request-ID": "x" * 200})
    third = client.get("/auth/login", headers={"X-Request-ID": "<script>"})
    ids = [r.headers["X-Request-ID"] for r in (first, second, third)]
    assert len(set(ids)) == 3 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert [line["request_id"] for line in request_lines(capsys)] == ids
    assert all(line["user_id"] is None for line in request_lines(capsys))


def test_refused_and_missing_pages_are_logged_too(client, capsys):
    capsys.readouterr()
    client.post("/auth/login", data={"email": CONTACT, "password": "x"})  # no CSRF token
    client.get("/finnes-ikke")
    lines = request_lines(capsys)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/auth/login", 400), ("GET", "/finnes-ikke", 404)]
    assert all(line["duration_ms"] >= 0 for line in lines)


def test_a_calendar_feed_token_never_reaches_the_log(client, capsys):
    capsys.readouterr()
    client.get("/calendar/hemmelig-feed-token-123.ics")
    [line] = request_lines(capsys)
    assert line["path"] == "/calendar/***.ics"
    assert "hemmelig-feed-token-123" not in json.dumps(line)


def test_log_job_writes_one_json_line_with_the_counts(capsys):
    configure_logging()
    capsys.readouterr()
    log_job("daily_reminders", reminders=3, escalations=0, errors=0, duration_ms=12.5)
    [line] = json_lines(capsys, "samarbeidsarenaer.job")
    assert line == {**line, "event": "job", "job": "daily_reminders", "reminders": 3,
                    "escalations": 0, "errors": 0, "duration_ms": 12.5, "level": "INFO"}


def test_logging_is_set_up_once_however_many_apps_are_made(app):
    configure_logging()
    configure_logging()
    assert sum(isinstance(h, StderrJsonHandler) for h in LOGGER.handlers) == 1
    assert LOGGER.level == logging.INFO and LOGGER.propagate is False


# --------------------------------------------------------------------------- /healthz


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["database_writable"] == "ok"
    assert set(body["scheduler"]) == {"last_tick_at", "seconds_since_last_tick", "lease_holder",
                                      "lease_age_seconds", "lease_expired"}
    assert "Set-Cookie" not in response.headers


def test_healthz_reports_the_schedulers_last_tick(client):
    tick = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    record_run("reminders=2", at=tick)
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["last_tick_at"] == tick.isoformat()
    assert body["scheduler"]["seconds_since_last_tick"] >= 0


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    not_a_database = tmp_path / "db"
    not_a_database.mkdir()  # SQLite cannot open a directory
    with other_app(f"sqlite:///{not_a_database}") as broken:
        response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable",
                                   "scheduler": None}
    assert "Traceback" not in response.get_data(as_text=True)
