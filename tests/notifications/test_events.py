"""Workflow events queue mail to the contact: returned (with the comment), approved, decided."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.labels import RECOMMENDATION_LABELS
from app.models import OutboxMessage
from app.notifications.delivery import deliver_pending
from tests.assessments.conftest import take
from tests.conftest import COMMISSIONER, CONTACT, OFFICE, login
from tests.notifications.conftest import T0, outbox, user
from workflows.assessment import AssessmentState as S

COMMENT = "Beskriv læringsutbyttet <konkret> & med eksempler."


def test_return_for_changes_queues_returned_to_the_contact_with_the_comment(
        app, client, smtp_server, make_assessment):
    assessment = make_assessment(state=S.IN_REVIEW, portfolio="KML")
    login(client, OFFICE)
    assert take(client, assessment.id, "return_for_changes", COMMENT).status_code == 302
    message, = outbox()
    assert (message.kind, message.template_key, message.to_email) == (
        "returned", "returned", CONTACT)
    assert message.user_id == user(CONTACT).id and message.assessment_ids == [assessment.id]
    assert message.cycle_id == assessment.cycle_id
    assert assessment.arena.name in message.subject and COMMENT in message.body_text
    assert f"https://arenaer.bergen.example/assessments/{assessment.id}" in message.body_text
    assert "&lt;konkret&gt; &amp; med" in message.body_html
    assert deliver_pending(T0).sent == 1
    (recipients, mail), = smtp_server.messages
    assert recipients == [CONTACT] and COMMENT in mail.get_body(("plain",)).get_content()


def test_the_commissioner_sending_back_also_notifies_the_contact(app, client, make_assessment):
    assessment = make_assessment(state=S.SUBMITTED, portfolio="KML")
    login(client, COMMISSIONER)
    assert take(client, assessment.id, "send_back", "Mer om kostnaden.").status_code == 302
    message, = outbox()
    assert message.kind == "returned" and "Mer om kostnaden." in message.body_text


def test_approval_and_the_settled_recommendation_notify_the_contact(
        app, client, make_assessment):
    assessment = make_assessment(state=S.IN_REVIEW, portfolio="KML")
    login(client, OFFICE)
    assert take(client, assessment.id, "approve").status_code == 302
    assert take(client, assessment.id, "confirm_recommendation").status_code == 302
    approved, decided = outbox()
    assert (approved.kind, decided.kind) == ("approved", "decided")
    assert approved.subject == f"Vurderingen av {assessment.arena.name} er godkjent"
    assert decided.subject == f"Vedtak for {assessment.arena.name}"
    stands = str(RECOMMENDATION_LABELS[assessment.recommendation])  # the recommendation stands
    assert f"Det er fattet vedtak for {assessment.arena.name}:\n\n{stands}\n" in decided.body_text
    assert {approved.to_email, decided.to_email} == {CONTACT}


def test_an_english_contact_gets_english_mail(app, client, make_assessment):
    contact = user(CONTACT)
    contact.locale = "en"
    db.session.commit()
    assessment = make_assessment(state=S.IN_REVIEW, portfolio="KML")
    login(client, OFFICE)
    take(client, assessment.id, "return_for_changes", "More detail, please.")
    message, = outbox()
    assert message.locale == "en"
    assert message.subject == f"The assessment of {assessment.arena.name} has been returned to you"


def test_other_transitions_queue_nothing(app, client, make_assessment):
    assessment = make_assessment(state=S.SUBMITTED, portfolio="KML")
    login(client, COMMISSIONER)
    assert take(client, assessment.id, "sign_off").status_code == 302
    assert outbox() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.assessment_ids.is_not(None), OutboxMessage.kind == "returned")) == 0
