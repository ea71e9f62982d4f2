"""Operations on mail: saving the office's templates and re-sending a message by hand."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app import audit, clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import MailTemplate, OutboxMessage
from app.notifications.defaults import DEFAULTS, PLACEHOLDERS
from app.notifications.outbox import template_texts
from app.notifications.rendering import TemplateError, check_template

COPIED_FIELDS = ("kind", "template_key", "to_email", "to_name", "user_id", "subject",
                 "body_text", "body_html", "locale", "cycle_id", "assessment_ids")


def template_errors(key: str, subject: str, body: str) -> dict[str, TemplateError]:
    """What is wrong with a template for `key`, per field (empty when it can be used)."""
    errors = {}
    for field, text, single_line in (("subject", subject, True), ("body", body, False)):
        try:
            check_template(text, PLACEHOLDERS[key], single_line=single_line)
        except TemplateError as error:
            errors[field] = error
    return errors


def save_mail_template(actor: Any, key: str, locale: str, subject: str,
                       body: str) -> MailTemplate | None:
    """Store the office's wording of template `key`; None when nothing changed."""
    if key not in DEFAULTS or locale not in DEFAULTS[key]:
        raise ValidationFailed({"key": "unknown"})
    body = body.replace("\r\n", "\n")
    if errors := template_errors(key, subject, body):
        raise ValidationFailed({field: error.code for field, error in errors.items()})
    if template_texts(key, locale) == (subject, body):
        return None
    row = db.session.scalar(sa.select(MailTemplate).where(MailTemplate.key == key,
                                                          MailTemplate.locale == locale))
    row = row or MailTemplate(key=key, locale=locale)
    changed = [f for f, v in (("subject", subject), ("body", body)) if getattr(row, f) != v]
    row.subject, row.body = subject, body
    row.updated_at, row.updated_by_id = clock.now(), getattr(actor, "id", None)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "mail_template", row.id, "mail_template_saved", key=key,
                 locale=locale, fields=changed)
    db.session.flush()
    return row


def resend_message(actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Queue a copy of `message` (the original row stays as it was, for the log)."""
    copy = OutboxMessage(**{f: getattr(message, f) for f in COPIED_FIELDS},
                         queued_at=clock.now(), next_attempt_at=clock.now())
    copy.assessment_ids = list(message.assessment_ids or [])
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "outbox_message", copy.id, "mail_resent", original_id=message.id,
                 to=message.to_email, kind=message.kind)
    db.session.flush()
    return copy
