"""Which answers of an assessment changed: since its last submission (from the audit trail)
and since the earlier year's assessment. Field names are the stored ones: a criterion's key,
'yearly_cost', 'recommendation' and 'recommendation_reason'."""

from __future__ import annotations

from collections.abc import Sequence

from app.models import Assessment, AuditEvent
from workflows.assessment import EDITABLE_STATES

SUBMIT_ACTIONS = ("submit", "submit_for_review")


def changed_since_submission(assessment: Assessment, trail: Sequence[AuditEvent]) -> set[str]:
    """Fields saved between the last two submissions (what a reviewer has not seen before);
    for an assessment back with the contact, those saved since it was last handed in."""
    events = list(reversed(trail))  # the trail is newest first
    submits = [i for i, event in enumerate(events) if event.action in SUBMIT_ACTIONS]
    if assessment.state in EDITABLE_STATES and submits:
        start, end = submits[-1], len(events)
    elif len(submits) >= 2:
        start, end = submits[-2], submits[-1]
    else:
        return set()
    return {name for event in events[start:end] if event.action == "answers_saved"
            for name in (event.details or {}).get("fields", [])}


def changed_since_previous(assessment: Assessment, previous: Assessment | None) -> set[str]:
    """Fields whose answer differs from the earlier year's assessment (none without one)."""
    if previous is None:
        return set()
    changed = {c.key for c in assessment.cycle.criteria_set.criteria
               if assessment.answer(c.key) != previous.answer(c.key)}
    for name in ("yearly_cost", "recommendation", "recommendation_reason"):
        if getattr(assessment, name) != getattr(previous, name):
            changed.add(name)
    return changed
