"""Nothing is silently dropped: escalations without a head go to the council office, and the
scheduler's mails go out on working days only (the demo: deadline Monday 9 March 2026)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage, UserRole
from app.scheduler.jobs import digest_day
from tests.conftest import COMMISSIONER, OFFICE
from tests.scheduler.conftest import (
    UNFINISHED,
    body,
    open_cycle_assessments,
    received,
    recipients,
    tick_at,
    user,
)
from workflows.roles import Role


def visible(page: str) -> str:
    """The page's main part without attribute values (option values are keys by design)."""
    return re.sub(r'="[^"]*"', "", page.split("<main")[1])


def drop_role(email: str, role: Role) -> None:
    db.session.execute(sa.delete(UserRole).where(
        UserRole.user_id == user(email).id, UserRole.role == role))
    db.session.commit()


def late_of(codes: set[str]) -> list[str]:
    return sorted(a.arena.name for a in open_cycle_assessments() if a.state in UNFINISHED
                  and a.submitted_at is None and codes & {p.code for p in a.arena.portfolios})


def test_an_escalation_nobody_can_receive_goes_to_the_office_and_the_log_says_so(
        app, smtp_server, login_as):
    drop_role(COMMISSIONER, Role.COMMISSIONER)  # KML and ASB now have no head
    assert tick_at("2026-03-12T08:00")["escalations"] >= 1
    assert COMMISSIONER not in recipients(smtp_server, "escalation")
    mails = dict(received(smtp_server, "escalation"))
    text = body(mails[OFFICE])
    late = late_of({"KML", "ASB"})
    assert late and all(name in text for name in late)
    row = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "escalation_rerouted"))
    assert row is not None and row.to_email == OFFICE
    page = login_as(OFFICE).get("/mail/").get_data(as_text=True)
    assert "Varsel til bystyrets kontor fordi ingen har rollen byråd" in page
    assert "escalation_rerouted" not in visible(page)
    # the office's own step still comes, for everything still late
    assert tick_at("2026-03-16T08:00")["escalations"] == 1
    assert recipients(smtp_server, "escalation")[OFFICE] == 2


def test_the_mail_log_names_every_kind_in_words(app, smtp_server, login_as):
    tick_at("2026-03-02T08:00")
    tick_at("2026-03-10T08:00")
    page = login_as(OFFICE).get("/mail/").get_data(as_text=True)
    assert "Påminnelse før fristen" in page and "Påminnelse etter fristen" in page
    for key in ("reminder_before", "reminder_overdue", "escalation_", "weekly_digest"):
        assert key not in visible(page), key


def test_the_digest_waits_for_the_working_day_after_a_monday_holiday(app, smtp_server):
    assert digest_day(date(2026, 4, 7)) and not digest_day(date(2026, 4, 6))  # Easter Monday
    assert digest_day(date(2026, 5, 26)) and not digest_day(date(2026, 5, 25))  # Whit Monday
    assert not digest_day(date(2026, 4, 8))
    assert tick_at("2026-04-06T08:00")["digests"] == 0
    assert tick_at("2026-04-07T08:00")["digests"] == 1
    assert tick_at("2026-04-08T08:00")["digests"] == 0
    assert tick_at("2026-04-13T08:00")["digests"] == 1


def test_nothing_scheduled_goes_out_on_a_weekend(app, smtp_server):
    # The scheduler was down from before the 12th; it comes back on Saturday the 14th.
    summary = tick_at("2026-03-14T09:00")
    assert (summary["reminders"], summary["escalations"], summary["digests"]) == (0, 0, 0)
    assert tick_at("2026-03-15T09:00")["reminders"] == 0
    summary = tick_at("2026-03-16T08:00")  # Monday: what was due is sent now
    assert summary["reminders"] > 0 and summary["escalations"] > 0 and summary["digests"] == 1
