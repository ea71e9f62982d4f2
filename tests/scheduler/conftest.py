"""Scheduler tests: the app sends to the real SMTP server fixture; time travels by `tick(now)`.

The demo's open cycle (2026) opened on 9 February and its deadline is Monday 9 March 2026.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Assessment, Cycle, OutboxMessage, User
from app.scheduler.jobs import tick
from tests.conftest import running_app
from workflows.assessment import AssessmentState
from workflows.reminders import OSLO
from workflows.roles import Role

OPEN_YEAR = 2026
UNFINISHED = (AssessmentState.DRAFT, AssessmentState.RETURNED)


def mail_settings(port: int) -> dict:
    """create_app overrides that send mail to the test SMTP server on `port`."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_TIMEOUT": 5,
            "BASE_URL": "https://arenaer.bergen.example"}


@pytest.fixture()
def app(database_url, smtp_server) -> Iterator[Flask]:
    """The app on a fresh demo database, sending mail to `smtp_server`."""
    with running_app(database_url, **mail_settings(smtp_server.port)) as application:
        yield application


def oslo(text: str) -> datetime:
    """'2026-03-02T08:00' as an aware moment in Oslo."""
    return datetime.fromisoformat(text).replace(tzinfo=OSLO)


def tick_at(text: str) -> dict[str, int]:
    """Run one scheduler pass as of `text` (Oslo time); the test's session sees the result."""
    summary = tick(oslo(text))
    db.session.rollback()
    return summary


def open_cycle() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def set_deadline(day: str | date) -> None:
    cycle = open_cycle()
    cycle.submission_deadline = date.fromisoformat(day) if isinstance(day, str) else day
    db.session.commit()


def unfinished_by_contact(year: int = OPEN_YEAR) -> dict[str, set[str]]:
    """{contact e-mail: names of their unfinished arenas}, worked out here, not by the app."""
    result: dict[str, set[str]] = {}
    for assessment in open_cycle_assessments(year):
        if assessment.state not in UNFINISHED:
            continue
        people = ([assessment.contact] if assessment.contact else
                  [u for p in assessment.arena.portfolios for u in p.members
                   if Role.CONTACT in u.roles and u.is_active])
        for person in people:
            result.setdefault(person.email, set()).add(assessment.arena.name)
    return result


def open_cycle_assessments(year: int = OPEN_YEAR) -> list[Assessment]:
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).where(Cycle.year == year)))


def outbox_row(message) -> OutboxMessage:
    """The outbox row a received mail came from (its Message-ID names the row)."""
    match = re.match(r"<outbox-(\d+)\.", message["Message-ID"])
    return db.session.get(OutboxMessage, int(match.group(1)))


def received(smtp_server, template: str | None = None) -> list:
    """(recipient, message) pairs the SMTP server got, optionally of one outbox template."""
    pairs = [(rcpts[0], message) for rcpts, message in smtp_server.messages]
    return [(to, m) for to, m in pairs
            if template is None or outbox_row(m).template_key == template]


def recipients(smtp_server, template: str | None = None) -> Counter:
    """How many mails each address got."""
    return Counter(to for to, _m in received(smtp_server, template))


def body(message) -> str:
    return message.get_body(("plain",)).get_content()
