"""The transactional outbox: operations queue mail here; the deliverer sends it after commit.

Queuing renders the message at once (the office's template, else the built-in default) in the
recipient's language, so what the log shows is exactly what goes out.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Assessment, MailTemplate, OutboxMessage, User
from app.notifications.defaults import DEFAULTS, LOCALES, PLACEHOLDERS
from app.notifications.rendering import (
    html_document,
    plain_values,
    render_html,
    render_subject,
    render_text,
)
from workflows.roles import Role


def recipient_locale(user: User | None, locale: str | None = None) -> str:
    """'nb' or 'en': the explicit choice, else the user's own setting, else bokmål."""
    chosen = locale or (user.locale if user is not None else None)
    return chosen if chosen in LOCALES else "nb"


def template_texts(key: str, locale: str) -> tuple[str, str]:
    """(subject, body) of template `key`: the office's version if saved, else the default."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown mail template {key!r}")
    custom = db.session.scalar(
        sa.select(MailTemplate).where(MailTemplate.key == key, MailTemplate.locale == locale)
    )
    return (custom.subject, custom.body) if custom else DEFAULTS[key][locale]


def absolute_link(endpoint: str, **values) -> str:
    """An absolute URL from BASE_URL (works without a request, e.g. in the scheduler).

    Links carry no token: a person who is not logged in is sent to the login page and then on
    to the page (Flask-Login's ?next=).
    """
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def assessment_recipients(assessment: Assessment) -> list[User]:
    """Who hears about an assessment: its assigned contact, else its portfolios' contacts."""
    if assessment.contact is not None:
        contact = assessment.contact
        return [contact] if contact.is_active else []
    seen: dict[int, User] = {}
    for portfolio in assessment.arena.portfolios:
        for user in portfolio.members:
            if user.is_active and Role.CONTACT in user.roles:
                seen.setdefault(user.id, user)
    return sorted(seen.values(), key=lambda u: (u.name, u.id))


def render_message(template: str, locale: str, context: dict) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of `template` filled with `context`."""
    subject_text, body = template_texts(template, locale)
    values = plain_values(context)
    subject = render_subject(subject_text, values)
    html = html_document(render_html(body, values), subject, locale)
    return subject, render_text(body, values), html


def _dedupe_taken(dedupe_key: str) -> bool:
    found = sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    return db.session.scalar(found) is not None


def _add(message: OutboxMessage, guarded: bool) -> OutboxMessage | None:
    if not guarded:
        db.session.add(message)
        db.session.flush()
        return message
    try:  # another process may queue the same key at the same moment: the index decides
        with db.session.begin_nested():
            db.session.add(message)
        return message
    except IntegrityError:
        return None


def queue_mail(*, kind: str, template: str, context: dict, to_user: User | None = None,
               to_email: str | None = None, locale: str | None = None,
               dedupe_key: str | None = None, assessment_ids: Sequence[int] = (),
               cycle_id: int | None = None) -> OutboxMessage | None:
    """Render `template` (the office's edited version, else the built-in default) in the
    recipient's locale and add it to the outbox in the CURRENT transaction (flush, no commit).
    Returns None and adds nothing when `dedupe_key` is already in the outbox."""
    address = to_email or (to_user.email if to_user is not None else None)
    if not address:
        raise ValueError("queue_mail needs to_user or to_email")
    # Every placeholder of the contract, not just those the current text uses: the office may
    # put any of them into its own version later.
    if missing := set(PLACEHOLDERS[template]) - set(context) - {"recipient_name"}:
        raise ValueError(f"queue_mail({template!r}) lacks {', '.join(sorted(missing))}")
    if dedupe_key and _dedupe_taken(dedupe_key):
        return None
    language = recipient_locale(to_user, locale)
    name = to_user.name if to_user is not None else ""
    subject, text, html = render_message(template, language, {"recipient_name": name,
                                                              **context})
    message = OutboxMessage(
        kind=kind, template_key=template, to_email=address, to_name=name,
        user_id=to_user.id if to_user is not None else None, subject=subject, body_text=text,
        body_html=html, locale=language, dedupe_key=dedupe_key,
        assessment_ids=[int(i) for i in assessment_ids], cycle_id=cycle_id,
        queued_at=clock.now(), next_attempt_at=clock.now(),
    )
    return _add(message, guarded=bool(dedupe_key))
