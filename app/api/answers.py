"""The answers body of PUT /assessments/{id}/answers, checked against the cycle's criteria
the way the form's fields check it, as the operation's AnswerInput."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.assessments.operations import AnswerInput
from app.errors import ValidationFailed
from app.models import (
    PARTICIPANT_GROUPS,
    Assessment,
    CriterionKind,
    Participation,
    Rating,
    Recommendation,
)

CHOICES = {CriterionKind.PARTICIPATION: [p.value for p in Participation],
           CriterionKind.RATING: [r.value for r in Rating]}


def _answer(criterion, given: dict[str, Any], path: str, errors: dict[str, str]) -> dict:
    """One criterion's answer in the stored shape (the form's: text, value, participants)."""
    answer = {"text": (given.get("text") or "").strip()}
    choices = CHOICES.get(criterion.kind)
    value = given.get("value")
    if choices is None and value is not None:
        errors[f"{path}.value"] = _("Dette kriteriet besvares bare med tekst.")
    elif choices is not None:
        if value is not None and value not in choices:
            errors[f"{path}.value"] = _("Ugyldig verdi. Gyldige verdier: %(values)s.",
                                        values=", ".join(choices))
        answer["value"] = value or None
    participants = given.get("participants") or []
    if criterion.kind == CriterionKind.PARTICIPATION:
        answer["participants"] = [p for p in PARTICIPANT_GROUPS if p in participants]
    elif participants:
        errors[f"{path}.participants"] = _("Bare deltakelse har deltakere.")
    return answer


def answer_input(assessment: Assessment, body: dict[str, Any]) -> AnswerInput:
    """Every criterion of the cycle gets an answer (an omitted one is empty), as on the form."""
    criteria = assessment.cycle.criteria_set.criteria
    keys = {c.key for c in criteria}
    errors = {f"answers.{k}": _("Ukjent kriterium i denne gjennomgangen.")
              for k in sorted(set(body["answers"]) - keys)}
    answers = {c.key: _answer(c, body["answers"].get(c.key) or {}, f"answers.{c.key}", errors)
               for c in criteria}
    if errors:
        raise ValidationFailed(errors)
    recommendation = body.get("recommendation")
    return AnswerInput(
        answers=answers, yearly_cost=body.get("yearly_cost"),
        recommendation=Recommendation(recommendation) if recommendation else None,
        recommendation_reason=body.get("recommendation_reason") or "",
    )
