"""What a council decision does to an arena's membership status, as a table.

Pure: statuses and outcomes are the plain values the app stores ("member", "terminate", ...).
One row per outcome: the status the arena takes when the decision is recorded, the status it
takes on the effective date, which statuses the row applies to, and the follow-up task the
council office gets. An outcome applied to an arena outside its source statuses changes nothing
(joining an arena that is already a member, say).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PROPOSED, MEMBER, LEAVING, LEFT = "proposed", "member", "leaving", "left"


@dataclass(frozen=True)
class OutcomeEffect:
    """One row: what an outcome does to an arena."""

    outcome: str
    sources: frozenset[str] = frozenset()
    until_effective: str | None = None  # status from the decision until the effective date
    from_effective: str | None = None  # status on and after the effective date
    follow_up: str | None = None  # what the council office must do next


OUTCOME_EFFECTS = {
    e.outcome: e
    for e in (
        OutcomeEffect("terminate", frozenset({MEMBER, LEAVING, LEFT}), LEAVING, LEFT,
                      "send_termination_notice"),
        OutcomeEffect("join", frozenset({PROPOSED, LEFT}), None, MEMBER,
                      "apply_for_membership"),
        OutcomeEffect("consider_joining", follow_up="consider_joining"),
        OutcomeEffect("continue"),
        OutcomeEffect("no_change"),  # every proposal fell: the arena keeps its status
        OutcomeEffect("continue_and_strengthen", follow_up="strengthen_cooperation"),
    )
}


def status_after_decision(outcome: str, status: str, effective: date, today: date) -> str:
    """The arena's status right after a decision with `outcome` is recorded on `today`.

    `status` is the arena's status before the decision (for a correction: before the first
    decision on the item), so a corrected outcome starts from the same place.
    """
    effect = OUTCOME_EFFECTS[outcome]
    if status not in effect.sources:
        return status
    if effective <= today and effect.from_effective:
        return effect.from_effective
    return effect.until_effective or status


def status_due(outcome: str, status: str, effective: date, today: date) -> str | None:
    """The status an arena moves to on `today` under its latest decision, or None (no change).

    Leaving becomes left and proposed becomes member, on or after the effective date; an arena
    already there stays. Running it again changes nothing (idempotent).
    """
    effect = OUTCOME_EFFECTS.get(outcome)
    if effect is None or effect.from_effective is None or effective > today:
        return None
    if status not in effect.sources or status == effect.from_effective:
        return None
    return effect.from_effective


def follow_up_for(outcome: str) -> str | None:
    """The council office's task after a decision with `outcome` (None when there is none)."""
    return OUTCOME_EFFECTS[outcome].follow_up
