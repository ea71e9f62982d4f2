"""Mail that outlives a relay outage: given up after a time, not a count; out at the first pass
after the relay is back; never pushed into the future by a simulated tick; visible while it
piles up; dropped, not sent, when what it was about is done."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Assessment, MessageStatus, OutboxMessage
from app.notifications import delivery
from app.notifications.delivery import backlog, deliver_pending
from app.notifications.outbox import queue_mail
from tests.conftest import CONTACT, OFFICE, login
from tests.notifications.conftest import T0, closed_port, outbox, queue_approved, statuses, user
from workflows.assessment import AssessmentState

Q, SENT, FAILED, DROPPED = (MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.FAILED,
                            MessageStatus.DROPPED)


def tick(app, moment) -> str:
    result = app.test_cli_runner().invoke(args=["scheduler", "tick", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_relay_down_for_three_days_then_up_delivers_every_mail_once(app, smtp_server):
    ids = queue_approved(user(CONTACT), 4)
    port = smtp_server.port
    app.config["MAIL_PORT"] = closed_port()
    start = clock.now()
    for hours in range(0, 72, 3):  # a tick every three hours of a long weekend
        tick(app, start + timedelta(hours=hours))
    db.session.rollback()
    ours = [m for m in outbox() if m.id in ids]
    assert [m.status for m in ours] == [Q] * 4  # nothing given up, nothing lost
    assert ours[0].attempts >= 24 and "given up" not in ours[0].last_error
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = port
    tick(app, start + timedelta(hours=72))
    tick(app, start + timedelta(hours=73))
    ours = [m for m in outbox() if m.id in ids]
    assert [m.status for m in ours] == [SENT] * 4
    delivered = [m for r, m in smtp_server.messages if r == [CONTACT]
                 and m["Subject"] in {o.subject for o in ours}]
    assert sorted(m["Message-ID"] for m in delivered) == sorted(
        {m["Message-ID"] for m in delivered})  # each once
    assert len(delivered) == 4


def test_mail_is_given_up_after_the_configured_time_not_a_count(app, smtp_server, monkeypatch):
    queue_approved(user(CONTACT), 1)
    queued_at = outbox()[0].queued_at
    app.config["MAIL_PORT"] = closed_port()
    app.config["MAIL_GIVE_UP_AFTER_HOURS"] = 7 * 24
    for days in (1, 3, 6.9):
        moment = queued_at + timedelta(days=days)
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        assert deliver_pending(moment).retried == 1
    assert statuses() == [Q]
    moment = queued_at + timedelta(days=7, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: moment)
    result = deliver_pending(moment)
    assert (result.retried, result.failed) == (0, 1)
    message = outbox()[0]
    assert message.status == FAILED and message.attempts == 4
    assert message.last_error.startswith("given up after 168 hours of retrying; last error:")


def test_a_tick_in_the_future_does_not_push_real_retries_into_the_future(app, smtp_server):
    [ours] = queue_approved(user(CONTACT), 1)
    smtp_server.reply = "451 4.3.0 try later"
    future = clock.now() + timedelta(days=30)
    tick(app, future)
    message = db.session.get(OutboxMessage, ours)
    assert message.attempts == 1 and message.status == Q
    assert message.next_attempt_at <= clock.now() + timedelta(minutes=1, seconds=5)

    smtp_server.reply = None
    soon = clock.now() + timedelta(minutes=2)
    assert deliver_pending(soon).sent >= 1  # real time, two minutes on: out it goes
    db.session.rollback()
    assert db.session.get(OutboxMessage, ours).status == SENT


def test_a_reminder_whose_assessment_was_sent_in_meanwhile_is_dropped(app, client, smtp_server):
    contact = user(CONTACT)
    drafts = list(db.session.scalars(sa.select(Assessment).where(
        Assessment.state == AssessmentState.DRAFT).order_by(Assessment.id).limit(2)))
    assert len(drafts) == 2
    gone = queue_mail(kind="reminder_overdue", template="reminder", to_user=contact,
                      context={"cycle_title": "T", "deadline": "1. mars", "days_left": 1,
                               "arena_list": ["- A"], "link": "https://x.example/m"},
                      assessment_ids=[drafts[0].id], dedupe_key="test-gone")
    still = queue_mail(kind="reminder_overdue", template="reminder", to_user=contact,
                       context={"cycle_title": "T", "deadline": "1. mars", "days_left": 1,
                                "arena_list": ["- B"], "link": "https://x.example/m"},
                       assessment_ids=[drafts[0].id, drafts[1].id], dedupe_key="test-still")
    gone_id, still_id = gone.id, still.id
    db.session.commit()
    db.session.execute(sa.update(Assessment).where(Assessment.id == drafts[0].id)
                       .values(state=AssessmentState.SUBMITTED))
    db.session.commit()

    result = deliver_pending(T0)
    assert (result.sent, result.dropped) == (1, 1)
    by_id = {m.id: m for m in outbox()}
    assert by_id[gone_id].status == DROPPED and by_id[gone_id].attempts == 0
    assert by_id[still_id].status == SENT  # one of its two is still with the contact
    assert len(smtp_server.messages) == 1

    login(client, OFFICE)
    page = client.get("/mail/?status=dropped").get_data(as_text=True)
    assert "Ikke sendt" in page
    assert "vurderingene den gjaldt, var sendt inn før den kunne gå" in page


def test_mail_that_piles_up_shows_on_the_log_and_in_healthz(app, client, smtp_server,
                                                            monkeypatch):
    queue_approved(user(CONTACT), 3)
    app.config["MAIL_PORT"] = closed_port()
    deliver_pending()
    assert backlog().queued >= 3
    body = client.get("/healthz").get_json()
    assert body["mail"]["queued"] >= 3 and body["mail"]["piling_up"] is False
    assert body["status"] == "ok"

    later = clock.now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["mail"]["piling_up"] is True
    assert body["mail"]["oldest_queued_seconds"] >= 2 * 3600 - 5
    oldest = db.session.scalar(sa.select(sa.func.min(OutboxMessage.queued_at)).where(
        OutboxMessage.status == Q))
    assert body["mail"]["oldest_queued_at"] == oldest.isoformat()

    login(client, OFFICE)
    page = client.get("/mail/").get_data(as_text=True)
    assert 'id="mail-backlog"' in page
    assert f"{backlog().queued} e-poster venter på å bli sendt" in page
    assert "gis opp 7 dager etter at den ble lagt i kø" in page
    assert "Siste svar fra e-posttjeneren:" in page and "Connection" in page


def test_the_backlog_is_quiet_when_mail_flows(app, client, smtp_server):
    queue_approved(user(CONTACT), 2)
    deliver_pending()
    assert backlog().queued == 0 and not backlog().piling_up()
    login(client, OFFICE)
    assert 'id="mail-backlog"' not in client.get("/mail/").get_data(as_text=True)
    assert delivery.PILING_UP_AFTER == timedelta(minutes=15)
