"""Queuing: rendered in the recipient's language, in the caller's transaction, deduplicated."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assessment, MailTemplate, MessageStatus, OutboxMessage
from app.notifications.delivery import deliver_pending
from app.notifications.outbox import absolute_link, assessment_recipients, queue_mail
from tests.conftest import ADMIN, CONTACT, OFFICE, fingerprint, login
from tests.notifications.conftest import T0, outbox, user
from workflows.roles import Role

RETURNED = {"arena": "Eurocities", "comment": "Skriv mer.", "link": "https://x.example/1"}


def test_queue_mail_renders_the_default_in_norwegian(app):
    message = queue_mail(kind="returned", template="returned", context=RETURNED,
                         to_user=user(CONTACT), assessment_ids=[7], cycle_id=None)
    db.session.commit()
    assert message.subject == "Vurderingen av Eurocities er sendt tilbake til deg"
    assert message.body_text.startswith("Hei Kari Kontakt,\n\nVurderingen av Eurocities")
    assert "Skriv mer." in message.body_text and message.locale == "nb"
    assert message.status == MessageStatus.QUEUED and message.attempts == 0
    assert message.to_email == CONTACT and message.assessment_ids == [7]


def test_english_users_get_the_english_text_and_the_office_wording_wins(app):
    english = user(CONTACT)
    english.locale = "en"
    db.session.add(MailTemplate(key="returned", locale="en", subject="Back: {arena}",
                                body="Dear {recipient_name}: {comment}"))
    db.session.commit()
    message = queue_mail(kind="returned", template="returned", context=RETURNED,
                         to_user=english)
    assert (message.subject, message.body_text) == ("Back: Eurocities",
                                                     "Dear Kari Kontakt: Skriv mer.")
    nb = queue_mail(kind="returned", template="returned", context=RETURNED,
                    to_email="x@example.org")
    assert nb.subject.startswith("Vurderingen av") and nb.to_name == ""


def test_queue_mail_only_flushes_the_callers_transaction(app):
    queue_mail(kind="approved", template="approved", to_user=user(CONTACT),
               context={"arena": "A", "link": "https://x.example"})
    db.session.rollback()  # the caller's change failed: its mail goes with it
    assert outbox() == []


def test_a_dedupe_key_queues_once(app):
    args = {"kind": "approved", "template": "approved", "to_user": user(CONTACT),
            "context": {"arena": "A", "link": "https://x.example"}, "dedupe_key": "k:1"}
    first = queue_mail(**args)
    assert first is not None
    assert queue_mail(**args) is None
    db.session.commit()
    assert queue_mail(**args) is None
    assert [m.dedupe_key for m in outbox()] == ["k:1"]


def test_values_are_escaped_in_the_html_part(app, smtp_server):
    context = dict(RETURNED, comment='<script>alert("x")</script> & <b>fet</b>',
                   arena="A <i>B</i>")
    message = queue_mail(kind="returned", template="returned", context=context,
                         to_user=user(CONTACT))
    db.session.commit()
    assert "<script>" not in message.body_html and "<b>" not in message.body_html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt;" in (
        message.body_html)
    deliver_pending(T0)
    (_to, mail), = smtp_server.messages
    html = mail.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<i>" not in html
    assert '<script>alert("x")</script>' in mail.get_body(("plain",)).get_content()


def test_a_line_break_in_a_value_can_not_add_a_header(app, smtp_server):
    context = dict(RETURNED, arena="Eurocities\r\nBcc: evil@attacker.example")
    message = queue_mail(kind="returned", template="returned", context=context,
                         to_user=user(CONTACT))
    db.session.commit()
    assert "\n" not in message.subject and "\r" not in message.subject
    assert deliver_pending(T0).sent == 1
    (recipients, mail), = smtp_server.messages
    assert recipients == [CONTACT]
    assert mail["Bcc"] is None and "evil@attacker.example" not in mail.keys()
    assert mail["Subject"].strip() == (
        "Vurderingen av Eurocities Bcc: evil@attacker.example er sendt tilbake til deg")


@pytest.mark.parametrize("column, value", [
    ("to_name", "Kari\r\nBcc: evil@attacker.example"),
    ("subject", "Hei\nBcc: evil@attacker.example"),
    ("to_email", "kari@example.org\r\nBcc: evil@attacker.example"),
])
def test_a_name_subject_or_address_with_a_line_break_is_refused(app, smtp_server, column, value):
    message = queue_mail(kind="approved", template="approved", to_user=user(CONTACT),
                         context={"arena": "A", "link": "https://x.example"})
    setattr(message, column, value)  # as if stored by something that did not flatten it
    db.session.commit()
    result = deliver_pending(T0)
    assert (result.sent, result.failed) == (0, 1)
    failed, = outbox()
    assert failed.status == MessageStatus.FAILED and "line break" in failed.last_error
    assert smtp_server.messages == []


def test_a_user_named_with_a_line_break_gets_no_extra_header(app, smtp_server, make_user):
    person = make_user(roles=(Role.CONTACT,), name="Eve\r\nBcc: evil@attacker.example")
    queue_mail(kind="approved", template="approved", to_user=person,
               context={"arena": "A", "link": "https://x.example"})
    db.session.commit()
    deliver_pending(T0)
    assert smtp_server.messages == []
    assert outbox()[0].status == MessageStatus.FAILED


def test_links_are_absolute_and_carry_no_token(app):
    link = absolute_link("assessments.detail", assessment_id=12)
    assert link == "https://arenaer.bergen.example/assessments/12"


def test_an_office_link_sends_a_logged_out_reader_to_login_then_on(app, client):
    path = absolute_link("assessments.detail", assessment_id=12).split("example", 1)[1]
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_recipients_are_the_assigned_contact_else_the_portfolios_active_contacts(
        app, make_assessment, make_user):
    assessment = make_assessment(portfolio="KML")
    assert [u.email for u in assessment_recipients(assessment)] == [CONTACT]
    make_user(roles=(Role.CONTACT,), portfolios=("KML",), name="Aa Inaktiv",
              email="inaktiv@test.example").is_active_user = False
    other = make_user(roles=(Role.CONTACT,), portfolios=("KML",), name="Ab Aktiv")
    db.session.commit()
    db.session.refresh(assessment)
    assert [u.email for u in assessment_recipients(fresh(assessment.id))] == [
        other.email, CONTACT]
    assessment = fresh(assessment.id)
    assessment.contact_id = user(ADMIN).id  # an assigned contact beats the portfolio
    db.session.commit()
    assert [u.email for u in assessment_recipients(fresh(assessment.id))] == [ADMIN]


def fresh(assessment_id: int) -> Assessment:
    db.session.rollback()
    return db.session.get(Assessment, assessment_id)


def test_a_crash_between_queue_and_commit_sends_nothing(app, client, smtp_server,
                                                        make_assessment, monkeypatch):
    from app.notifications import events

    assessment = make_assessment(state="in_review", portfolio="KML")
    real = events.queue_mail

    def queue_then_crash(**kwargs):
        real(**kwargs)
        raise RuntimeError("the process fell over before the commit")

    monkeypatch.setattr(events, "queue_mail", queue_then_crash)
    login(client, OFFICE)
    before = fingerprint()
    token = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    token = token.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/assessments/{assessment.id}/transition",
                           data={"csrf_token": token, "transition": "approve"})
    assert response.status_code == 500
    assert fingerprint() == before
    result = deliver_pending(T0 + timedelta(days=1))
    assert (result.sent, result.console) == (0, 0) and smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "approved")) == 0


def test_queue_mail_refuses_a_context_that_misses_a_placeholder_of_the_contract(app):
    with pytest.raises(ValueError, match="lacks comment"):
        queue_mail(kind="returned", template="returned", to_user=user(CONTACT),
                   context={"arena": "A", "link": "https://x.example"})
    with pytest.raises(ValueError, match="to_user or to_email"):
        queue_mail(kind="approved", template="approved",
                   context={"arena": "A", "link": "https://x.example"})
    db.session.rollback()
    assert outbox() == []
