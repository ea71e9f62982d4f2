"""Mail that follows from workflow events: the contact hears when an assessment is returned,
approved or decided. Called by the operations, inside their transaction."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from app.labels import DECISION_LABELS
from app.models import Assessment, OutboxMessage, User
from app.notifications.outbox import (
    absolute_link,
    assessment_recipients,
    queue_mail,
    recipient_locale,
)

# Which template each transition sends to the assessment's contact(s).
TRANSITION_TEMPLATES = {
    "send_back": "returned",
    "return_for_changes": "returned",
    "approve": "approved",
    "confirm_recommendation": "decided",
    "record_decision": "decided",
}


def decision_text(assessment: Assessment, locale: str) -> str:
    """The decision in the recipient's language: the outcome, then any wording recorded."""
    with force_locale(locale):
        if assessment.decision_outcome is None:
            return _("Se vurderingen for detaljer.")
        outcome = str(DECISION_LABELS[assessment.decision_outcome])
    return "\n\n".join(part for part in (outcome, assessment.decision_text.strip()) if part)


def _context(assessment: Assessment, user: User, comment: str) -> dict[str, Any]:
    return {
        "arena": assessment.arena.name,
        "comment": comment,
        "decision": decision_text(assessment, recipient_locale(user)),
        "link": absolute_link("assessments.detail", assessment_id=assessment.id),
    }


def notify_transition(assessment: Assessment, name: str, actor: Any,
                      comment: str = "") -> list[OutboxMessage]:
    """Queue the mail transition `name` sends (nothing for most); returns what was queued."""
    template = TRANSITION_TEMPLATES.get(name)
    if template is None:
        return []
    queued = []
    for user in assessment_recipients(assessment):
        message = queue_mail(kind=template, template=template,
                             context=_context(assessment, user, comment), to_user=user,
                             assessment_ids=[assessment.id], cycle_id=assessment.cycle_id)
        queued.append(message)
    return queued
