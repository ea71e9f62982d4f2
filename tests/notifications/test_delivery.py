"""Delivery over a real SMTP server: once, retried when it can wait, failed when it can not."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import MessageStatus, OutboxMessage
from app.notifications.delivery import deliver_pending
from tests.conftest import CONTACT, OFFICE, OTHER_CONTACT, login
from tests.notifications.conftest import T0, closed_port, outbox, queue_approved, statuses, user

Q, SENT, FAILED = MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.FAILED


def test_queued_mail_is_delivered_once(app, smtp_server):
    queue_approved(user(CONTACT), 2)
    first = deliver_pending(T0)
    again = deliver_pending(T0 + timedelta(hours=1))
    assert (first.sent, first.retried, first.failed) == (2, 0, 0)
    assert (again.sent, again.retried, again.failed, again.console) == (0, 0, 0, 0)
    assert len(smtp_server.messages) == 2
    assert statuses() == [SENT, SENT]
    assert all(m.sent_at == T0 and m.attempts == 1 for m in outbox())


def test_the_received_mail_is_proper_multipart_utf8(app, smtp_server):
    queue_approved(user(CONTACT), 1, arena="Kulturby Ålesund")
    deliver_pending(T0)
    (recipients, mail), = smtp_server.messages
    assert recipients == [CONTACT]
    assert mail["To"] == f"Kari Kontakt <{CONTACT}>"
    assert mail["From"] == "Samarbeidsarenaer <noreply@bergen.example>"
    assert mail["Subject"] == "Vurderingen av Kulturby Ålesund 0 er godkjent"
    assert mail["Message-ID"].startswith(f"<outbox-{outbox()[0].id}.")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text.get_content_charset() == "utf-8"
    assert "Hei Kari Kontakt," in text.get_content()
    assert '<a href="https://x.example/a">' in html.get_content()


def test_a_refused_message_waits_for_its_backoff_and_goes_out_later(app, smtp_server):
    queue_approved(user(CONTACT), 3)
    smtp_server.reply = "451 4.3.0 try later"
    result = deliver_pending(T0)
    assert result.sent == 0 and result.failed == 0 and result.retried >= 1
    assert statuses() == [Q, Q, Q]
    tried = [m for m in outbox() if m.attempts]
    assert tried and all(m.next_attempt_at == T0 + timedelta(minutes=1) for m in tried)
    assert all(m.last_error.startswith("451") for m in tried)
    attempts = [m.attempts for m in outbox()]
    deliver_pending(T0 + timedelta(seconds=30))  # still refused, and the tried ones must wait
    assert [m.attempts for m in outbox() if m.id in {t.id for t in tried}] == [1] * len(tried)
    assert statuses() == [Q, Q, Q] and sum(m.attempts for m in outbox()) >= sum(attempts)
    smtp_server.reply = None
    later = deliver_pending(T0 + timedelta(minutes=2))
    assert later.sent == 3 and statuses() == [SENT, SENT, SENT]
    assert [r for r, _m in smtp_server.messages] == [[CONTACT]] * 3  # none lost, none doubled
    assert deliver_pending(T0 + timedelta(hours=1)).sent == 0


def test_mail_goes_out_at_the_first_pass_after_the_relay_is_back(app, smtp_server):
    queue_approved(user(CONTACT), 3)
    port = smtp_server.port
    app.config["MAIL_PORT"] = closed_port()
    for minutes in range(0, 90, 5):  # an hour and a half down: one try per pass, no backoff
        result = deliver_pending(T0 + timedelta(minutes=minutes))
        assert (result.sent, result.retried, result.failed) == (0, 1, 0)
    first = outbox()[0]
    assert first.attempts == 18 and first.next_attempt_at <= T0 + timedelta(minutes=85)
    assert [m.attempts for m in outbox()[1:]] == [0, 0]  # the others were never tried
    app.config["MAIL_PORT"] = port
    back = deliver_pending(T0 + timedelta(minutes=90))  # the very next pass, not an hour later
    assert back.sent == 3 and statuses() == [SENT, SENT, SENT]
    assert [r for r, _m in smtp_server.messages] == [[CONTACT]] * 3


def test_a_server_that_is_down_stops_the_pass(app, smtp_server):
    queue_approved(user(CONTACT), 3)
    app.config["MAIL_PORT"] = closed_port()
    result = deliver_pending(T0)
    assert (result.sent, result.retried, result.failed) == (0, 1, 0)
    assert [m.attempts for m in outbox()] == [1, 0, 0]  # the rest were not even tried
    assert "ConnectionRefused" in outbox()[0].last_error or "refused" in outbox()[0].last_error


def test_backoff_doubles(app, smtp_server):
    queue_approved(user(CONTACT), 1)
    smtp_server.reply = "421 4.7.0 busy"
    moment, waits = T0, []
    for _ in range(4):
        assert deliver_pending(moment).retried == 1
        message = outbox()[0]
        waits.append(message.next_attempt_at - moment)
        moment = message.next_attempt_at
    assert waits == [timedelta(minutes=n) for n in (1, 2, 4, 8)]
    assert outbox()[0].attempts == 4 and smtp_server.messages == []


def test_5xx_marks_the_message_failed_and_the_log_shows_it(app, client, smtp_server):
    queue_approved(user(CONTACT), 1)
    smtp_server.reply = "550 5.1.1 no such user"
    result = deliver_pending(T0)
    assert (result.sent, result.retried, result.failed) == (0, 0, 1)
    message, = outbox()
    assert message.status == FAILED and message.last_error == "550 5.1.1 no such user"
    smtp_server.reply = None
    assert deliver_pending(T0 + timedelta(days=1)).sent == 0  # failed is final
    login(client, OFFICE)
    html = client.get("/mail/?status=failed").get_data(as_text=True)
    assert "550 5.1.1 no such user" in html and "Feilet" in html


def test_a_message_left_sending_by_a_dead_deliverer_is_sent_again(app, smtp_server):
    stale, fresh = queue_approved(user(CONTACT), 2)
    from app.clock import now

    for message_id, minutes in ((stale, 11), (fresh, 5)):
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status=MessageStatus.SENDING, claimed_by="dead",
            claimed_at=now() - timedelta(minutes=minutes)))
    db.session.commit()
    assert deliver_pending(T0).sent == 1
    by_id = {m.id: m for m in outbox()}
    assert by_id[stale].status == SENT and by_id[fresh].status == MessageStatus.SENDING
    assert len(smtp_server.messages) == 1


def test_without_a_mail_server_mail_goes_to_the_log(app, smtp_server, caplog):
    app.config["MAIL_SERVER"] = ""
    queue_approved(user(CONTACT), 1, arena="Konsollbyen")
    with caplog.at_level(logging.INFO, logger="app.mail"):
        result = deliver_pending(T0)
    assert (result.console, result.sent) == (1, 0)
    assert statuses() == [MessageStatus.CONSOLE] and outbox()[0].sent_at == T0
    assert any("Konsollbyen 0" in r.getMessage() for r in caplog.records if r.name == "app.mail")
    assert smtp_server.messages == []
    assert deliver_pending(T0).console == 0


def _deliver_in_thread(app, moment, barrier, results, errors):
    try:
        with app.app_context():
            barrier.wait(timeout=10)
            results.append(deliver_pending(moment))
            db.session.remove()
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)


def test_two_deliverers_at_once_send_every_message_exactly_once(app, smtp_server):
    count = 40
    queue_approved(user(CONTACT), count // 2)
    queue_approved(user(OTHER_CONTACT), count // 2)
    barrier, results, errors = threading.Barrier(2), [], []
    threads = [threading.Thread(target=_deliver_in_thread,
                                args=(app, T0, barrier, results, errors)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in results) == count
    ids = [mail["Message-ID"] for _r, mail in smtp_server.messages]
    assert len(ids) == count and len(set(ids)) == count
    assert statuses() == [SENT] * count
    assert len({m.claimed_by for m in outbox()}) in (1, 2)
