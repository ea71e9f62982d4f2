"""Editing the mail templates: placeholders checked on save, a preview on real data."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Assessment, AuditEvent, Cycle, CycleStatus, MailTemplate
from app.notifications.defaults import DEFAULTS, PLACEHOLDERS
from app.notifications.outbox import assessment_recipients, queue_mail
from app.notifications.preview import sample_values
from tests.conftest import CONTACT, DEMO_TODAY, OFFICE, SECRETARY, fingerprint, login, post
from tests.notifications.conftest import user
from workflows.assessment import AssessmentState as S

URL = "/mail/templates/returned/nb"
GOOD = {"subject": "Tilbake: {arena}", "body": "Hei {recipient_name}!\n\n{comment}\n\n{link}"}


def field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    return htmllib.unescape(match.group(1)) if match else ""


def saved_rows() -> list[MailTemplate]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(MailTemplate)))


def test_the_form_starts_from_the_default_text(app, client):
    login(client, OFFICE)
    page = client.get(URL).get_data(as_text=True)
    subject, body = DEFAULTS["returned"]["nb"]
    assert f'value="{htmllib.escape(subject)}"' in page
    assert htmllib.escape(body, quote=False) in page
    for name in PLACEHOLDERS["returned"]:
        assert f"<code>{{{name}}}</code>" in page
    assert "{decision}" not in page  # not one of this template's placeholders


def test_saving_stores_the_template_writes_audit_and_is_used(app, client):
    login(client, OFFICE)
    response = post(client, URL, {**GOOD, "action": "save"})
    assert response.status_code == 302 and response.headers["Location"] == "/mail/templates"
    row, = saved_rows()
    assert (row.key, row.locale, row.subject) == ("returned", "nb", GOOD["subject"])
    assert row.body == GOOD["body"] and row.updated_by_id == user(OFFICE).id
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "mail_template_saved"))
    assert event.entity_id == row.id and event.details["fields"] == ["subject", "body"]
    message = queue_mail(kind="returned", template="returned", to_user=user(CONTACT),
                         context={"arena": "X", "comment": "Y", "link": "https://l.example"})
    assert (message.subject, message.body_text) == ("Tilbake: X",
                                                     "Hei Kari Kontakt!\n\nY\n\nhttps://l.example")
    listing = client.get("/mail/templates").get_data(as_text=True)
    assert "Endret av kontoret" in listing


def test_saving_the_same_text_again_changes_nothing(app, client):
    login(client, OFFICE)
    post(client, URL, {**GOOD, "action": "save"})
    before = fingerprint()
    response = post(client, URL, {**GOOD, "action": "save"}, follow_redirects=True)
    assert "Ingen endringer å lagre." in response.get_data(as_text=True)
    assert fingerprint() == before


@pytest.mark.parametrize("field, text, message", [
    ("body", "Hei {recipient_name}, se {ukjent}", "Ukjent flettefelt: {ukjent}."),
    ("subject", "Vedtak: {decision}", "Ukjent flettefelt: {decision}."),
    ("subject", "Tilbake: {arena", "krøllparentes som ikke er åpnet eller lukket riktig"),
    ("body", "Hei } der", "krøllparentes som ikke er åpnet eller lukket riktig"),
    ("body", "Hei {arena.__class__}", "Flettefelt kan bare være et navn i krøllparenteser"),
    ("body", "Hei {arena!r}", "Flettefelt kan bare være et navn i krøllparenteser"),
    ("body", "Hei {0}", "Flettefelt kan bare være et navn i krøllparenteser"),
])
@pytest.mark.parametrize("action", ["save", "preview"])
def test_a_bad_placeholder_is_refused_next_to_the_field(app, client, field, text, message,
                                                        action):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, URL, {**GOOD, field: text, "action": action})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert f'aria-describedby="{field}-error"' in page and 'id="preview"' not in page
    assert fingerprint() == before and saved_rows() == []


def test_literal_braces_are_allowed_when_doubled(app, client):
    login(client, OFFICE)
    response = post(client, URL, {**GOOD, "body": "Bruk {{ og }}: {comment}", "action": "save"})
    assert response.status_code == 302
    message = queue_mail(kind="returned", template="returned", to_user=user(CONTACT),
                         context={"arena": "X", "comment": "Y", "link": "https://l.example"})
    assert message.body_text == "Bruk { og }: Y"


def open_assessments() -> list[Assessment]:
    return list(db.session.scalars(sa.select(Assessment).join(Assessment.cycle).where(
        Cycle.status == CycleStatus.OPEN)))


def test_preview_fills_in_real_data_from_the_open_cycle_and_saves_nothing(app, client):
    login(client, OFFICE)
    before = fingerprint()
    form = {"subject": "Om {arena}", "action": "preview",
            "body": "Hei {recipient_name}!\n\n<b>{comment}</b>\n\n{link}"}
    response = post(client, URL, form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    preview = page.split('id="preview"', 1)[1]
    values, assessment, recipient = sample_values("returned", "nb")
    assert assessment in open_assessments() and recipient in assessment_recipients(assessment)
    assert assessment.state == S.RETURNED and assessment.review_comment
    assert f'<span id="preview-subject">Om {htmllib.escape(assessment.arena.name)}</span>' in (
        preview)
    assert f"Hei {htmllib.escape(recipient.name)}!" in preview
    assert f"&lt;b&gt;{htmllib.escape(assessment.review_comment)}&lt;/b&gt;" in preview
    assert "<b>" not in preview  # the office's own text is escaped too
    assert f'<a href="https://arenaer.bergen.example/assessments/{assessment.id}">' in preview
    assert 'value="Om {arena}"' in page  # the form keeps what was typed
    assert fingerprint() == before


def test_preview_of_a_reminder_lists_the_recipients_unfinished_arenas(app, client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: DEMO_TODAY)
    login(client, OFFICE)
    body = "{arena_list}\n\n{deadline} / {days_left}"
    response = post(client, "/mail/templates/reminder/nb",
                    {"subject": "{cycle_title}", "body": body, "action": "preview"})
    preview = response.get_data(as_text=True).split('id="preview"', 1)[1]
    values, _assessment, recipient = sample_values("reminder", "nb")
    assert "9. mars 2026 / 7" in preview  # the demo's deadline, seen from 2026-03-02
    unfinished = sorted(a.arena.name for a in open_assessments()
                        if a.state in (S.DRAFT, S.RETURNED)
                        and recipient in assessment_recipients(a))
    assert unfinished and values["arena_list"] == [f"- {name}" for name in unfinished]
    assert all(htmllib.escape(line) in preview for line in values["arena_list"])


@pytest.mark.parametrize("email", [CONTACT, SECRETARY])
def test_only_the_office_may_save(app, client, email):
    login(client, email)
    before = fingerprint()
    assert post(client, URL, {**GOOD, "action": "save"}).status_code == 403
    assert fingerprint() == before
