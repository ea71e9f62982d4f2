"""The scheduler's jobs against a real SMTP server, travelling in time with tick(now)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Arena, Assessment, AuditEvent, CycleStatus, Portfolio, Reminder
from app.scheduler import jobs
from tests.conftest import COMMISSIONER, CONTACT, OFFICE, OTHER_CONTACT
from tests.scheduler.conftest import (
    UNFINISHED,
    body,
    open_cycle,
    open_cycle_assessments,
    received,
    recipients,
    set_deadline,
    tick_at,
    unfinished_by_contact,
    user,
)
from workflows.assessment import AssessmentState
from workflows.reminders import REMINDER_KINDS, ReminderKind
from workflows.roles import Role


def reminder_days(runner, first: str, last: str) -> list[str]:
    """Tick at 08:00 every day from `first` to `last` (every other day through the CLI);
    the days on which reminders were queued."""
    days, day = [], date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        if day.toordinal() % 2:
            result = runner.invoke(args=["scheduler", "tick", "--now", f"{day}T08:00"])
            assert result.exit_code == 0, result.output
            db.session.rollback()
            sent = " reminders=0 " not in result.output
        else:
            sent = tick_at(f"{day}T08:00")["reminders"] > 0
        if sent:
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


def test_first_reminder_goes_out_at_eight_to_every_unfinished_contact(app, smtp_server):
    expected = unfinished_by_contact()
    assert len(expected) >= 3
    assert tick_at("2026-03-02T07:59")["reminders"] == 0
    assert smtp_server.messages == []
    summary = tick_at("2026-03-02T08:00")
    assert summary["reminders"] == summary["sent"] == len(expected)
    assert recipients(smtp_server) == {email: 1 for email in expected}
    for to, message in received(smtp_server):
        text = body(message)
        listed = {line[2:] for line in text.splitlines() if line.startswith("- ")}
        assert listed == expected[to]  # all their unfinished arenas, in one mail
        assert "Fristen er 9. mars 2026. Dager igjen til fristen: 7" in text
        assert "https://arenaer.bergen.example/assessments/" in text
    again = tick_at("2026-03-02T08:00")
    assert (again["reminders"], again["sent"]) == (0, 0)
    assert len(smtp_server.messages) == len(expected)


def test_reminders_fall_on_the_right_days_around_a_weekend(app, smtp_server, runner):
    # Deadline Monday 9 March: 7 days before (2 March), 2 days before is a Saturday -> Friday
    # 6 March, then the first working day after the deadline (10 March).
    assert reminder_days(runner, "2026-02-27", "2026-03-12") == [
        "2026-03-02", "2026-03-06", "2026-03-10"]
    rows = db.session.execute(sa.select(Reminder.kind, Reminder.due_date).distinct()
                              .where(Reminder.kind.in_(REMINDER_KINDS))).all()
    assert sorted((d.isoformat(), k.value) for k, d in rows) == [
        ("2026-03-02", "reminder_before"), ("2026-03-06", "reminder_before"),
        ("2026-03-10", "reminder_overdue")]
    overdue = [m for _to, m in received(smtp_server, "reminder_overdue")]
    assert len(overdue) == len(unfinished_by_contact())
    assert all(m["Subject"].startswith("Fristen gikk ut 9. mars 2026") for m in overdue)
    assert not any("Dager igjen" in body(m) or "-1" in body(m) for m in overdue)


def test_reminders_around_easter(app, smtp_server, runner):
    set_deadline("2026-04-01")  # the Wednesday before Maundy Thursday
    assert reminder_days(runner, "2026-03-24", "2026-04-16") == [
        "2026-03-25", "2026-03-30", "2026-04-07", "2026-04-10", "2026-04-15"]


def test_reminders_around_17_may(app, smtp_server, runner):
    set_deadline("2026-05-19")  # two days before is 17 May (a Sunday): moved to Friday 15th
    assert reminder_days(runner, "2026-05-11", "2026-05-29") == [
        "2026-05-12", "2026-05-15", "2026-05-20", "2026-05-26", "2026-05-29"]


def test_a_reminder_missed_while_down_is_sent_late_but_only_the_latest(app, smtp_server):
    summary = tick_at("2026-03-11T12:00")  # nothing ran since before 2 March
    assert summary["reminders"] == len(unfinished_by_contact())
    kinds = set(db.session.scalars(sa.select(Reminder.due_date).where(
        Reminder.kind != ReminderKind.INVITATION)))
    assert kinds == {date(2026, 3, 10)}


def test_no_reminder_for_those_who_submitted(app, smtp_server):
    kmb_arenas = sa.select(Arena.id).where(Arena.portfolios.any(Portfolio.code == "KMB"))
    for assessment in open_cycle_assessments():
        if assessment.arena_id in set(db.session.scalars(kmb_arenas)):
            assessment.state = AssessmentState.SUBMITTED
    kari = sorted(unfinished_by_contact()[CONTACT])
    done = db.session.scalar(sa.select(Assessment).join(Assessment.arena)
                             .where(Arena.name == kari[0], Assessment.cycle == open_cycle()))
    done.state = AssessmentState.IN_REVIEW
    db.session.commit()
    tick_at("2026-03-02T08:00")
    assert OTHER_CONTACT not in recipients(smtp_server)
    (mail,) = [m for to, m in received(smtp_server) if to == CONTACT]
    assert kari[0] not in body(mail) and kari[1] in body(mail)
    reminded = set(db.session.scalars(sa.select(Reminder.assessment_id).where(
        Reminder.kind == ReminderKind.REMINDER_BEFORE)))
    states = {a.id: a.state for a in open_cycle_assessments()}
    assert reminded and all(states[i] in UNFINISHED for i in reminded)


def test_escalation_goes_to_the_byrad_of_each_portfolio_then_the_office(
        app, smtp_server, make_user):
    kmb_head = make_user(roles={Role.COMMISSIONER}, portfolios=["KMB"], name="Klara Klimabyråd",
                         email="byrad.kmb@bergen.example")
    returned = [a for a in open_cycle_assessments() if a.state == AssessmentState.RETURNED][0]
    returned.submitted_at = open_cycle().opened_at + timedelta(days=3)  # handed in once
    db.session.commit()
    assert tick_at("2026-03-11T08:00")["escalations"] == 0
    assert tick_at("2026-03-12T08:00")["escalations"] == 3  # 3 working days after Monday 9th
    # portfolios with nobody in the head's role: the council office is told instead
    assert recipients(smtp_server, "escalation") == {COMMISSIONER: 1, kmb_head.email: 1,
                                                     OFFICE: 1}
    mails = dict(received(smtp_server, "escalation"))
    kmb_text = body(mails[kmb_head.email])
    late_kmb = [a for a in open_cycle_assessments() if a.state in UNFINISHED
                and "KMB" in {p.code for p in a.arena.portfolios} and a.submitted_at is None]
    assert late_kmb and all(a.arena.name in kmb_text for a in late_kmb)
    assert "Kjell Klima" in kmb_text and "3 dager" in kmb_text
    assert returned.arena.name not in body(mails[COMMISSIONER])
    assert tick_at("2026-03-13T08:00")["escalations"] == 0
    summary = tick_at("2026-03-16T08:00")  # 5 working days: the council office
    assert summary["escalations"] == 1
    assert recipients(smtp_server, "escalation")[OFFICE] == 2
    assert "https://arenaer.bergen.example/cycles/2026" in body(
        [m for to, m in received(smtp_server, "escalation") if to == OFFICE][-1])


def test_weekly_digest_on_mondays_tells_the_office_what_is_late_per_portfolio(
        app, smtp_server):
    assert tick_at("2026-03-09T08:00")["digests"] == 0  # the deadline is today: nothing late
    assert tick_at("2026-03-13T08:00")["digests"] == 0  # a Friday
    assert tick_at("2026-03-16T07:59")["digests"] == 0
    assert tick_at("2026-03-16T08:00")["digests"] == 1
    assert tick_at("2026-03-16T15:00")["digests"] == 0
    ((to, mail),) = received(smtp_server, "weekly_digest")
    assert to == OFFICE
    text = body(mail)
    late = [a for a in open_cycle_assessments() if a.state in UNFINISHED]
    for portfolio in {p for a in late for p in a.arena.portfolios}:
        names = sorted(a.arena.name for a in late if portfolio in a.arena.portfolios)
        assert f"{portfolio.name_nb} ({len(names)}): {', '.join(names)}" in text
    assert tick_at("2026-03-23T08:00")["digests"] == 1


def test_invitations_when_a_cycle_opens(app, smtp_server):
    from app.cycles.lifecycle import clone_cycle
    from app.cycles.lifecycle import open_cycle as open_it

    assert tick_at("2026-03-02T08:01")["invitations"] == 0  # the demo's were sent on opening
    office = user(OFFICE)
    cycle = clone_cycle(office, open_cycle(), 2027)
    open_it(office, cycle)
    db.session.commit()
    summary = tick_at("2026-03-03T10:00")
    invited = recipients(smtp_server, "invitation")
    contacts = {u.email for p in {p for a in cycle.arenas for p in a.portfolios}
                for u in p.contacts}
    assert set(invited) == contacts | {COMMISSIONER}
    assert set(invited.values()) == {1} and summary["invitations"] == len(invited)
    mails = dict(received(smtp_server, "invitation"))
    assert "/assessments/sign-off" in body(mails[COMMISSIONER])
    assert "Gjennomgang 2027" in mails[CONTACT]["Subject"]
    rows = db.session.scalars(sa.select(Reminder).join(Assessment, Assessment.id ==
                                                        Reminder.assessment_id)
                              .where(Assessment.cycle_id == cycle.id)).all()
    assert {r.kind for r in rows} == {ReminderKind.INVITATION} and len(rows) == len(cycle.arenas)
    assert tick_at("2026-03-03T10:05")["invitations"] == 0
    assert len(received(smtp_server, "invitation")) == len(invited)


def test_a_contact_added_later_is_invited_once(app, smtp_server, make_user):
    newcomer = make_user(roles={Role.CONTACT}, portfolios=["KMB"], email="ny@bergen.example")
    assert tick_at("2026-03-03T10:00")["invitations"] == 1
    assert tick_at("2026-03-04T10:00")["invitations"] == 0
    assert recipients(smtp_server, "invitation") == {newcomer.email: 1}


def test_the_jobs_write_an_audit_row_per_mail(app, smtp_server):
    tick_at("2026-03-02T08:00")
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "reminder_queued")).all()
    assert len(events) == len(unfinished_by_contact())
    assert all(e.entity_type == "cycle" and e.actor_id is None for e in events)


def test_extra_jobs_run_in_each_tick(app, smtp_server, monkeypatch):
    seen = []

    def effective_dates(now):
        seen.append(now)
        return {"effective": 2}

    monkeypatch.setattr(jobs, "EXTRA_JOBS", [effective_dates])
    summary = tick_at("2026-03-04T08:00")
    assert summary["effective"] == 2 and len(seen) == 1


def test_a_failing_job_does_not_stop_the_others(app, smtp_server, monkeypatch, runner):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "EXTRA_JOBS", [broken])
    summary = tick_at("2026-03-02T08:00")
    assert summary["errors"] == 1 and summary["reminders"] > 0 and summary["sent"] > 0
    result = runner.invoke(args=["scheduler", "tick", "--now", "2026-03-02T08:00"])
    assert result.exit_code == 1 and "errors=1" in result.output


def test_cli_refuses_a_bad_moment(runner):
    result = runner.invoke(args=["scheduler", "tick", "--now", "den andre mars"])
    assert result.exit_code == 2 and "not an ISO date-time" in result.output


def test_a_published_cycle_gets_nothing(app, smtp_server):
    open_cycle().status = CycleStatus.PUBLISHED
    db.session.commit()
    summary = tick_at("2026-03-16T08:00")
    assert [summary[k] for k in ("invitations", "reminders", "escalations", "digests")] == [
        0, 0, 0, 0]
    assert smtp_server.messages == []
