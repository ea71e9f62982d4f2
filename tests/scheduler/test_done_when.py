"""The issue's "done when": a demo dated 2030 and one tick at 08:00 remind each unfinished
contact once, over SMTP; the same tick again delivers nothing."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Cycle, MessageStatus, OutboxMessage, Reminder
from config import TestConfig
from tests.scheduler.conftest import body, mail_settings, unfinished_by_contact
from workflows.reminders import ReminderKind


def test_demo_2030_then_two_ticks(empty_database_url, smtp_server):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                     **mail_settings(smtp_server.port))
    runner = app.test_cli_runner()

    def flask(*args):
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output

    flask("db", "upgrade", "heads")
    flask("demo", "load", "--today", "2030-03-01")
    first = flask("scheduler", "tick", "--now", "2030-03-01T08:00")
    with app.app_context():
        expected = unfinished_by_contact(2030)
        assert len(expected) >= 3
        assert Counter(r[0] for r, _m in smtp_server.messages) == dict.fromkeys(expected, 1)
        for (to,), mail in smtp_server.messages:
            assert {line[2:] for line in body(mail).splitlines()
                    if line.startswith("- ")} == expected[to]
        n = len(expected)
        assert first.strip() == (
            f"scheduler tick 2030-03-01T08:00+01:00: invitations=0 reminders={n} "
            f"escalations=0 digests=0 sent={n} console=0 retried=0 failed=0 dropped=0")
        second = flask("scheduler", "tick", "--now", "2030-03-01T08:00")
        assert "reminders=0" in second and "sent=0" in second
        assert len(smtp_server.messages) == n
        # the demo's invitations are in the outbox as sent on the opening day, not re-sent
        cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2030))
        invitations = db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.template_key == "invitation")).all()
        assert invitations and all(m.status == MessageStatus.SENT
                                   and m.sent_at == cycle.opened_at for m in invitations)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder).where(
            Reminder.kind == ReminderKind.INVITATION)) > 0
        db.session.remove()
        db.engine.dispose()
