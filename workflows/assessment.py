"""The yearly assessment of one arena: from the contact's draft to the council's decision.

States are adjectives, transitions verbs. Objects need: `state`, `portfolio_ids`,
`contact_id` (None when the whole portfolio answers), `cycle_is_open`, `sign_off_required`,
`routed_to_council` (None until the office decides the route), `recommendation` and
`missing_fields` (names of required answers not yet given).
"""

from __future__ import annotations

from enum import Enum

from workflows.engine import Transition, Workflow
from workflows.roles import Role, has_role, shares_portfolio


class AssessmentState(str, Enum):
    """Where an assessment is in its year."""

    DRAFT = "draft"  # the contact is writing
    RETURNED = "returned"  # sent back to the contact with a comment
    SUBMITTED = "submitted"  # waiting for the byråd's sign-off
    IN_REVIEW = "in_review"  # waiting for the council office
    APPROVED = "approved"  # accepted by the council office, waiting for a decision
    DECIDED = "decided"  # the council decided, or the recommendation stands


S = AssessmentState
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


# --- who -------------------------------------------------------------------------------
def is_contact(obj, actor) -> bool:
    """The assigned contact, or any contact of a responsible portfolio when none is assigned."""
    if not has_role(actor, Role.CONTACT):
        return False
    if obj.contact_id is not None:
        return obj.contact_id == actor.id
    return shares_portfolio(obj, actor)


def is_commissioner(obj, actor) -> bool:
    """The byråd (or a delegate) of one of the responsible portfolios."""
    return has_role(actor, Role.COMMISSIONER) and shares_portfolio(obj, actor)


def is_council_office(_obj, actor) -> bool:
    """Anyone in the council office."""
    return has_role(actor, Role.COUNCIL_OFFICE)


def is_council_secretary(_obj, actor) -> bool:
    """A council secretary, who records the council's decisions."""
    return has_role(actor, Role.COUNCIL_SECRETARY)


# --- conditions (return a reason when they fail) -----------------------------------------
def cycle_open(obj, _actor) -> str | None:
    return None if obj.cycle_is_open else "the cycle is not open"


def sign_off_required(obj, _actor) -> str | None:
    return None if obj.sign_off_required else "this cycle has no sign-off step"


def sign_off_not_required(obj, _actor) -> str | None:
    return "this cycle requires sign-off" if obj.sign_off_required else None


def answers_complete(obj, _actor) -> str | None:
    missing = obj.missing_fields
    return f"missing answers: {', '.join(missing)}" if missing else None


def not_routed_to_council(obj, _actor) -> str | None:
    return "the arena is sent to the council" if obj.routed_to_council else None


def routed_to_council(obj, _actor) -> str | None:
    return None if obj.routed_to_council else "the arena is not sent to the council"


def has_recommendation(obj, _actor) -> str | None:
    return None if obj.recommendation is not None else "there is no recommendation"


def council_decision_recorded(obj, _actor) -> str | None:
    # The decision itself (outcome, text, date) comes from the council case, not the button.
    recorded = getattr(obj, "decision_outcome", None) is not None
    return None if recorded else "the council's decision is not recorded"


ASSESSMENT_WORKFLOW = Workflow(
    "assessment",
    [
        Transition(
            "submit", EDITABLE_STATES, S.SUBMITTED, is_contact,
            (cycle_open, sign_off_required), label="submit", completeness=(answers_complete,),
        ),
        Transition(
            "submit_for_review", EDITABLE_STATES, S.IN_REVIEW, is_contact,
            (cycle_open, sign_off_not_required), label="submit",
            completeness=(answers_complete,),
        ),
        Transition("sign_off", frozenset({S.SUBMITTED}), S.IN_REVIEW, is_commissioner,
                   label="sign_off"),
        Transition("send_back", frozenset({S.SUBMITTED}), S.RETURNED, is_commissioner,
                   label="send_back", needs_comment=True),
        Transition("return_for_changes", frozenset({S.IN_REVIEW}), S.RETURNED,
                   is_council_office, label="return_for_changes", needs_comment=True),
        Transition("approve", frozenset({S.IN_REVIEW}), S.APPROVED, is_council_office,
                   label="approve"),
        Transition("reopen_review", frozenset({S.APPROVED}), S.IN_REVIEW, is_council_office,
                   (not_routed_to_council,), label="reopen_review", needs_comment=True),
        Transition("confirm_recommendation", frozenset({S.APPROVED}), S.DECIDED,
                   is_council_office, (not_routed_to_council, has_recommendation),
                   label="confirm_recommendation"),
        Transition("record_decision", frozenset({S.APPROVED}), S.DECIDED,
                   is_council_secretary, (routed_to_council,), label="record_decision",
                   completeness=(council_decision_recorded,)),
    ],
)


def can_edit_answers(obj, actor) -> bool:
    """True when `actor` may change the answers of `obj` now."""
    return obj.state in EDITABLE_STATES and obj.cycle_is_open and is_contact(obj, actor)


def can_view(obj, actor) -> bool:
    """Who may read an assessment: its portfolio's people, the council office and secretaries."""
    return (
        is_contact(obj, actor)
        or is_commissioner(obj, actor)
        or is_council_office(obj, actor)
        or is_council_secretary(obj, actor)
    )
