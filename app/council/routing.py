"""The council office's operations: which approved assessments go to the council, and the
follow-up tasks decisions bring. Each checks, changes, writes an audit row and flushes."""

from __future__ import annotations

from enum import Enum
from typing import Any

from app import audit
from app.assessments.operations import confirm_recommendation
from app.clock import now
from app.errors import NotPermitted
from app.extensions import db
from app.models import Assessment
from app.models.council import CaseItem, FollowUp
from workflows.assessment import AssessmentState, is_council_office
from workflows.engine import TransitionNotAllowed


class Route(str, Enum):
    """Where the office sends an approved assessment."""

    OPEN = "open"  # not decided yet
    COUNCIL = "council"  # to the council, for a political decision
    SETTLE = "settle"  # the recommendation stands (decided now)


def current_route(assessment: Assessment) -> Route:
    """The route the office has chosen so far."""
    return Route.COUNCIL if assessment.routed_to_council else Route.OPEN


def on_a_case(assessment: Assessment) -> bool:
    """True when a council case already covers the assessment."""
    query = db.select(CaseItem.id).where(CaseItem.assessment_id == assessment.id)
    return db.session.scalar(query) is not None


def _check(assessment: Assessment, actor: Any, route: Route) -> None:
    if not is_council_office(assessment, actor):
        raise NotPermitted("only the council office routes assessments")
    if assessment.state != AssessmentState.APPROVED:
        raise TransitionNotAllowed("route", ["only approved assessments are routed"])
    if route != Route.COUNCIL and assessment.routed_to_council and on_a_case(assessment):
        raise TransitionNotAllowed("route", ["the assessment is on a council case"])


def route_assessment(actor: Any, assessment: Assessment, route: Route) -> bool:
    """Send an approved assessment to the council, keep it open, or settle it with the
    recommendation (decided now, by `actor`). Returns False when nothing changed."""
    _check(assessment, actor, route)
    if route == current_route(assessment):
        return False
    if route == Route.SETTLE:
        assessment.routed_to_council = None
        confirm_recommendation(assessment, actor)
        return True
    before = assessment.routed_to_council
    assessment.routed_to_council = True if route == Route.COUNCIL else None
    action = "routed_to_council" if route == Route.COUNCIL else "route_cleared"
    audit.record(actor, "assessment", assessment.id, action, from_state=assessment.state,
                 to_state=assessment.state, routed_before=before)
    db.session.flush()
    return True


def route_assessments(actor: Any, choices: dict[Assessment, Route]) -> int:
    """Route several approved assessments at once; returns how many changed."""
    return sum(route_assessment(actor, assessment, route)
               for assessment, route in choices.items())


def set_follow_up_done(actor: Any, follow_up: FollowUp, done: bool) -> bool:
    """Mark a follow-up task done or not done (council office); False when unchanged."""
    if not is_council_office(None, actor):
        raise NotPermitted("only the council office follows up decisions")
    if follow_up.is_done == done:
        return False
    follow_up.is_done = done
    follow_up.done_at = now() if done else None
    follow_up.done_by_id = actor.id if done else None
    audit.record(actor, "council_follow_up", follow_up.id,
                 "follow_up_done" if done else "follow_up_reopened",
                 kind=follow_up.kind.value, item_id=follow_up.item_id)
    db.session.flush()
    return True
