"""Operations on assessments: the only code that changes them.

Each operation checks, changes, writes the audit row and flushes. None of them commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app import audit
from app.arena_status import add_follow_up, apply_outcome
from app.clock import now, today
from app.errors import ConflictError, NotPermitted, ValidationFailed
from app.extensions import db
from app.models import Assessment, Recommendation
from app.notifications.events import notify_transition
from workflows.assessment import ASSESSMENT_WORKFLOW, can_edit_answers, is_contact
from workflows.engine import TransitionNotAllowed

# Timestamps and "by" columns set when a transition is taken.
_STAMPS: dict[str, tuple[str | None, str | None]] = {
    "submit": ("submitted_at", None),
    "submit_for_review": ("submitted_at", None),
    "sign_off": ("signed_off_at", "signed_off_by_id"),
    "send_back": ("returned_at", None),
    "return_for_changes": ("returned_at", None),
    "approve": ("approved_at", "approved_by_id"),
    "confirm_recommendation": ("decided_at", "decided_by_id"),
    "record_decision": ("decided_at", "decided_by_id"),
}


def _settle_with_recommendation(assessment: Assessment, actor: Any) -> None:
    """The office keeps the arena from the council: the department's recommendation stands,
    and the arena follows it as a council decision would (workflows/arena_status.py).

    It takes effect the day it is confirmed; a termination at the end of that year, since
    memberships run by the calendar year and notice has to be given first.
    """
    assessment.routed_to_council = False
    assessment.decision_outcome = assessment.recommendation
    if assessment.recommendation is None:
        return
    day = today()
    terminating = assessment.recommendation is Recommendation.TERMINATE
    assessment.decision_effective_date = date(day.year, 12, 31) if terminating else day
    apply_outcome(actor, assessment.arena, assessment.recommendation.value,
                  assessment.arena.status, assessment.decision_effective_date,
                  assessment_id=assessment.id)
    add_follow_up(assessment, assessment.recommendation.value)


# What a transition changes besides state and stamps. Kept here, not in the named operations,
# so the generic transition view (which calls transition_assessment) gets the same result.
_EFFECTS = {"confirm_recommendation": _settle_with_recommendation}


@dataclass(frozen=True)
class AnswerInput:
    """Everything a contact can write on the form."""

    answers: dict[str, dict[str, Any]]
    yearly_cost: int | None
    recommendation: Recommendation | None
    recommendation_reason: str


def _snapshot(assessment: Assessment) -> dict[str, Any]:
    return {
        "answers": assessment.answers or {},
        "yearly_cost": assessment.yearly_cost,
        "recommendation": assessment.recommendation.value if assessment.recommendation else None,
        "recommendation_reason": assessment.recommendation_reason,
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Names of the answers that differ between two snapshots (for the audit trail)."""
    names = []
    for key in ("yearly_cost", "recommendation", "recommendation_reason"):
        if before.get(key) != after.get(key):
            names.append(key)
    old, new = before.get("answers") or {}, after.get("answers") or {}
    names += sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return names


def require_editable(assessment: Assessment, actor: Any) -> None:
    """Refuse unless `actor` may edit the answers now: NotPermitted for anyone but the
    contact, TransitionNotAllowed for the contact once the assessment has left them."""
    if not can_edit_answers(assessment, actor):
        if not is_contact(assessment, actor):
            raise NotPermitted("only the assessment's contact may edit its answers")
        raise TransitionNotAllowed("save", ["answers can not be edited in this state"])


def save_answers(
    assessment: Assessment, actor: Any, data: AnswerInput, expected_version: int
) -> list[str]:
    """Store the contact's answers as a draft; refuse a stale version. Returns what changed."""
    require_editable(assessment, actor)
    if expected_version != assessment.version:
        raise ConflictError(assessment.version, expected_version)
    keys = {c.key for c in assessment.cycle.criteria_set.criteria}
    unknown = set(data.answers) - keys
    if unknown:
        raise ValidationFailed({k: "unknown criterion" for k in sorted(unknown)})
    if data.yearly_cost is not None and data.yearly_cost < 0:
        raise ValidationFailed({"yearly_cost": "negative"})
    before = _snapshot(assessment)
    assessment.answers = {k: dict(v) for k, v in data.answers.items()}
    assessment.yearly_cost = data.yearly_cost
    assessment.recommendation = data.recommendation
    assessment.recommendation_reason = data.recommendation_reason.strip()
    changes = changed_fields(before, _snapshot(assessment))
    if changes:
        assessment.updated_at = now()
        assessment.updated_by_id = actor.id
        audit.record(actor, "assessment", assessment.id, "answers_saved",
                     from_state=assessment.state, to_state=assessment.state, fields=changes)
    db.session.flush()
    return changes


def transition_assessment(
    assessment: Assessment, actor: Any, name: str, comment: str = ""
) -> None:
    """Take the workflow transition `name`; raises TransitionNotAllowed / IncompleteError."""
    transition = ASSESSMENT_WORKFLOW.get(name)
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationFailed({"comment": "required"})
    source, target = ASSESSMENT_WORKFLOW.apply(name, assessment, actor)
    at_column, by_column = _STAMPS.get(name, (None, None))
    if at_column:
        setattr(assessment, at_column, now())
    if by_column:
        setattr(assessment, by_column, actor.id)
    if transition.needs_comment:
        assessment.review_comment = comment
    assessment.updated_at = now()
    assessment.updated_by_id = getattr(actor, "id", None)
    # Last: an effect may flush (the arena's status, a follow-up), and every change to the
    # assessment must be in that one UPDATE, so the transition costs exactly one version.
    if effect := _EFFECTS.get(name):
        effect(assessment, actor)
    details = {"comment": comment} if comment else {}
    audit.record(actor, "assessment", assessment.id, name, from_state=source,
                 to_state=target, **details)
    notify_transition(assessment, name, actor, comment)
    db.session.flush()


def submit_assessment(assessment: Assessment, actor: Any) -> None:
    """The contact hands in the assessment (to the byråd, or straight to the office)."""
    name = "submit" if assessment.sign_off_required else "submit_for_review"
    transition_assessment(assessment, actor, name)


def sign_off_assessment(assessment: Assessment, actor: Any) -> None:
    """The byråd (or delegate) endorses the assessment for the council office."""
    transition_assessment(assessment, actor, "sign_off")


def return_assessment(assessment: Assessment, actor: Any, comment: str) -> None:
    """Send the assessment back to the contact with a comment (byråd or council office)."""
    name = "send_back" if assessment.state.value == "submitted" else "return_for_changes"
    transition_assessment(assessment, actor, name, comment)


def approve_assessment(assessment: Assessment, actor: Any) -> None:
    """The council office accepts the assessment."""
    transition_assessment(assessment, actor, "approve")


def confirm_recommendation(assessment: Assessment, actor: Any) -> None:
    """Settle an approved assessment without the council: the recommendation stands."""
    transition_assessment(assessment, actor, "confirm_recommendation")


def sign_off_many(actor: Any, ids: list[int]) -> tuple[list[Assessment], list[tuple[str, str]]]:
    """Sign off each of `ids` that `actor` may sign off now. Returns those signed off and,
    for the rest, (arena name or id, reason): "missing", "not_permitted" or "not_waiting".
    Each is checked on its own by the workflow table, so one refusal stops no other."""
    done: list[Assessment] = []
    refused: list[tuple[str, str]] = []
    for ident in dict.fromkeys(ids):
        assessment = db.session.get(Assessment, ident)
        if assessment is None:
            refused.append((str(ident), "missing"))
            continue
        try:
            sign_off_assessment(assessment, actor)
        except TransitionNotAllowed as error:
            refused.append((assessment.arena.name,
                            "not_permitted" if error.forbidden else "not_waiting"))
            continue
        done.append(assessment)
    return done, refused
