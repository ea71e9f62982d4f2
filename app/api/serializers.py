"""Models as the API's JSON (shapes in app/api/schemas.py): plain functions, no logic."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from app.models import Arena, Assessment, AuditEvent, Cycle, Portfolio, User
from app.templating import locale_code
from workflows.assessment import AssessmentState as S


def iso(value: date | datetime | None) -> str | None:
    """A date or an aware datetime as ISO 8601 (RFC 3339), or None."""
    return value.isoformat() if value is not None else None


def code(value: Enum | None) -> str | None:
    """An enum's stored value, or None."""
    return value.value if value is not None else None


def portfolio_ref(portfolio: Portfolio) -> dict[str, Any]:
    """A portfolio as id, code and name."""
    return {"id": portfolio.id, "code": portfolio.code, "name": portfolio.name(locale_code())}


def arena_ref(arena: Arena) -> dict[str, Any]:
    """An arena as id, key and name."""
    return {"id": arena.id, "key": arena.key, "name": arena.name}


def me(user: User) -> dict[str, Any]:
    """The token's user: who the API acts as."""
    return {"id": user.id, "name": user.name, "email": user.email, "locale": user.locale,
            "roles": sorted(r.value for r in user.roles),
            "portfolios": [portfolio_ref(p) for p in user.portfolios]}


def arena(a: Arena) -> dict[str, Any]:
    """An arena's facts."""
    return {
        "id": a.id, "key": a.key, "name": a.name, "kind": a.kind.value, "status": a.status.value,
        "description_nb": a.description_nb, "description_en": a.description_en,
        "executing_unit": a.executing_unit, "via": a.via, "membership_type": a.membership_type,
        "member_since": a.member_since, "yearly_cost": a.yearly_cost,
        "contact_persons": a.contact_persons, "sort_order": a.sort_order,
        "is_archived": a.is_archived, "portfolios": [portfolio_ref(p) for p in a.portfolios],
        "created_at": iso(a.created_at), "updated_at": iso(a.updated_at),
    }


def council_ref(ref) -> dict[str, Any] | None:
    """Where the council decided an assessment (a council.queries.DecisionRef), or None."""
    if ref is None:
        return None
    return {"case_number": ref.case_number, "meeting_date": iso(ref.meeting_date),
            "archive_reference": ref.archive_reference,
            "vote_text": ref.vote_text_en if locale_code() == "en" else ref.vote_text_nb}


def arena_year(a: Assessment, ref) -> dict[str, Any]:
    """One year of an arena's history: the cycle, its assessment and the decision."""
    return {"cycle_year": a.cycle.year, "cycle_status": a.cycle.status.value,
            "assessment_id": a.id, "state": a.state.value,
            "recommendation": code(a.recommendation),
            "decision_outcome": code(a.decision_outcome), "decision_text": a.decision_text,
            "decided_at": iso(a.decided_at), "council": council_ref(ref)}


def progress(by_state: dict) -> dict[str, Any]:
    """Counts per state (every state present), the total and how many left the contact."""
    counts = {s.value: int(by_state.get(s, 0)) for s in S}
    done = sum(n for s, n in counts.items() if s not in (S.DRAFT.value, S.RETURNED.value))
    return {"total": sum(counts.values()), "done": done, "by_state": counts}


def cycle(c: Cycle, by_state: dict) -> dict[str, Any]:
    """A cycle with its progress counts."""
    return {
        "id": c.id, "year": c.year, "title": c.title, "status": c.status.value,
        "requires_sign_off": c.requires_sign_off, "opened_at": iso(c.opened_at),
        "submission_deadline": iso(c.submission_deadline),
        "review_deadline": iso(c.review_deadline),
        "council_meeting_date": iso(c.council_meeting_date),
        "archive_reference": c.archive_reference, "progress": progress(by_state),
    }


def criterion(c) -> dict[str, Any]:
    """A criterion of the cycle's form, in the request's language."""
    locale = locale_code()
    return {"key": c.key, "kind": c.kind.value, "label": c.label(locale),
            "hint": c.hint(locale), "is_required": c.is_required}


def audit_event(event: AuditEvent) -> dict[str, Any]:
    """One row of an audit trail."""
    actor = {"id": event.actor_id, "name": event.actor_name} if event.actor_id else None
    return {"id": event.id, "created_at": iso(event.created_at), "actor": actor,
            "action": event.action, "from_state": event.from_state,
            "to_state": event.to_state, "details": event.details or {}}


def assessment_summary(a: Assessment) -> dict[str, Any]:
    """An assessment as lists show it."""
    return {
        "id": a.id, "cycle_year": a.cycle.year, "arena": arena_ref(a.arena),
        "portfolios": [p.code for p in a.arena.portfolios], "state": a.state.value,
        "version": a.version, "recommendation": code(a.recommendation),
        "contact_id": a.contact_id, "is_overdue": a.is_overdue, "updated_at": iso(a.updated_at),
    }


def answer(stored: dict) -> dict[str, Any]:
    """A stored answer in the API's shape (every key present)."""
    return {"value": stored.get("value"), "participants": list(stored.get("participants") or []),
            "text": stored.get("text") or ""}


def assessment(a: Assessment, *, transitions: list[str], can_edit: bool,
               trail: list[AuditEvent]) -> dict[str, Any]:
    """An assessment with its answers, decision, what the user may do and its audit trail."""
    return {
        **assessment_summary(a),
        "answers": {key: answer(value or {}) for key, value in (a.answers or {}).items()},
        "yearly_cost": a.yearly_cost, "recommendation_reason": a.recommendation_reason,
        "review_comment": a.review_comment, "unchanged_comment": a.unchanged_comment,
        "routed_to_council": a.routed_to_council,
        "decision": {"outcome": code(a.decision_outcome), "text": a.decision_text,
                     "effective_date": iso(a.decision_effective_date),
                     "decided_at": iso(a.decided_at)},
        "submitted_at": iso(a.submitted_at), "signed_off_at": iso(a.signed_off_at),
        "approved_at": iso(a.approved_at), "returned_at": iso(a.returned_at),
        "can_edit_answers": can_edit, "transitions": transitions,
        "missing_fields": a.missing_fields,
        "audit_trail": [audit_event(e) for e in trail],
    }
