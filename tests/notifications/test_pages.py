"""The council office's mail pages: log, per assessment and person, resend, templates."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, MessageStatus
from app.notifications.delivery import deliver_pending
from app.notifications.outbox import queue_mail
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OTHER_CONTACT,
    SECRETARY,
    fingerprint,
    login,
    post,
)
from tests.notifications.conftest import T0, outbox, queue_approved, user

OTHERS = (CONTACT, COMMISSIONER, SECRETARY, ADMIN)


def pages(assessment_id: int, user_id: int) -> list[str]:
    return ["/mail/", f"/mail/assessment/{assessment_id}", f"/mail/user/{user_id}",
            "/mail/templates", "/mail/templates/returned/nb", "/mail/templates/invitation/en"]


@pytest.mark.parametrize("email", (OFFICE, *OTHERS))
def test_mail_pages_are_for_the_council_office_only(app, client, make_assessment, email):
    assessment = make_assessment(portfolio="KML")
    login(client, email)
    expected = 200 if email == OFFICE else 403
    for path in pages(assessment.id, user(CONTACT).id):
        assert client.get(path).status_code == expected, path


def test_only_the_office_sees_the_mail_link_in_the_menu(app, client):
    login(client, OFFICE)
    assert 'href="/mail/"' in client.get("/cycles/").get_data(as_text=True)
    other = app.test_client()
    login(other, SECRETARY)
    assert 'href="/mail/"' not in other.get("/cycles/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(app, client):
    response = client.get("/mail/templates")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_unknown_ids_and_templates_are_404(app, client):
    login(client, OFFICE)
    for path in ("/mail/assessment/999999", "/mail/user/999999",
                 "/mail/templates/nonsense/nb", "/mail/templates/returned/de"):
        assert client.get(path).status_code == 404, path


def test_the_log_lists_each_message_with_its_details(app, client, smtp_server):
    queue_approved(user(CONTACT), 1, arena="Loggbyen")
    smtp_server.reply = "451 4.3.0 try later"
    deliver_pending(T0)
    login(client, OFFICE)
    html = client.get("/mail/").get_data(as_text=True)
    row = re.search(rf'<tr id="message-{outbox()[0].id}">(.*?)</tr>', html, re.S).group(1)
    for text in ("Kari Kontakt", CONTACT, "Vurdering godkjent", "Vurderingen av Loggbyen 0",
                 "I kø", "451 4.3.0 try later", "Send på nytt", "<td>1</td>"):
        assert text in row, text


def test_the_log_filters_by_status_kind_person_and_assessment(app, client, make_assessment):
    assessment = make_assessment(portfolio="KML")
    queue_mail(kind="approved", template="approved", to_user=user(CONTACT),
               context={"arena": "Filterbyen", "link": "https://x.example"},
               assessment_ids=[assessment.id])
    queue_mail(kind="returned", template="returned", to_user=user(OTHER_CONTACT),
               context={"arena": "Annenbyen", "link": "https://x.example", "comment": "c"})
    db.session.commit()
    login(client, OFFICE)
    cases = {
        "?kind=approved": ("Filterbyen", "Annenbyen"),
        "?kind=returned": ("Annenbyen", "Filterbyen"),
        f"?person={user(OTHER_CONTACT).id}": ("Annenbyen", "Filterbyen"),
        f"?assessment={assessment.id}": ("Filterbyen", "Annenbyen"),
        "?status=queued&kind=approved": ("Filterbyen", "Annenbyen"),
        "?status=sent&kind=approved": (None, "Filterbyen"),
    }
    for query, (shown, hidden) in cases.items():
        html = client.get(f"/mail/{query}").get_data(as_text=True)
        assert (shown is None or shown in html) and hidden not in html, query
    per_assessment = client.get(f"/mail/assessment/{assessment.id}").get_data(as_text=True)
    assert "Filterbyen" in per_assessment and "Annenbyen" not in per_assessment
    per_user = client.get(f"/mail/user/{user(OTHER_CONTACT).id}").get_data(as_text=True)
    assert "Annenbyen" in per_user and "Filterbyen" not in per_user


def test_a_bad_filter_is_a_400_with_a_message(app, client):
    login(client, OFFICE)
    response = client.get("/mail/?status=lost")
    assert response.status_code == 400
    assert 'id="status-error"' in response.get_data(as_text=True)


def test_the_assessment_page_links_the_office_to_its_mail(app, client, make_assessment):
    assessment = make_assessment(portfolio="KML")
    login(client, OFFICE)
    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/mail/assessment/{assessment.id}"' in html
    other = app.test_client()
    login(other, CONTACT)
    assert "/mail/assessment/" not in other.get(f"/assessments/{assessment.id}").get_data(
        as_text=True)


def test_resend_queues_a_copy_and_writes_an_audit_row(app, client, smtp_server):
    original_id, = queue_approved(user(CONTACT), 1)
    smtp_server.reply = "550 5.1.1 no such user"
    deliver_pending(T0)
    smtp_server.reply = None
    login(client, OFFICE)
    response = post(client, f"/mail/{original_id}/resend", {"next": "/mail/?status=failed"})
    assert response.status_code == 302 and response.headers["Location"] == "/mail/?status=failed"
    original, copy = outbox()
    assert original.status == MessageStatus.FAILED  # the log keeps what happened
    assert (copy.status, copy.attempts, copy.to_email, copy.subject) == (
        MessageStatus.QUEUED, 0, original.to_email, original.subject)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mail_resent"))
    assert event.entity_id == copy.id and event.details["original_id"] == original.id
    assert event.actor_id == user(OFFICE).id
    assert deliver_pending(T0).sent == 1 and len(smtp_server.messages) == 1


@pytest.mark.parametrize("email", OTHERS)
def test_others_can_not_resend(app, client, email):
    message_id, = queue_approved(user(CONTACT), 1)
    login(client, email)
    before = fingerprint()
    assert post(client, f"/mail/{message_id}/resend").status_code == 403
    assert fingerprint() == before


def test_resend_needs_a_csrf_token(app, client):
    message_id, = queue_approved(user(CONTACT), 1)
    login(client, OFFICE)
    before = fingerprint()
    assert client.post(f"/mail/{message_id}/resend").status_code == 400
    assert fingerprint() == before
