"""The yearly cycle's lifecycle: planned → open → in review → awaiting decision → assembled →
published. Objects need `state` (a CycleStatus), `problems` (what blocks opening),
`undecided_count` (assessments not yet decided) and `has_document` (an assembled version).
"""

from __future__ import annotations

from enum import Enum

from workflows.engine import Transition, Workflow
from workflows.roles import Role, has_role


class CycleStatus(str, Enum):
    """Where a yearly review is."""

    PLANNED = "planned"
    OPEN = "open"
    IN_REVIEW = "in_review"
    AWAITING_DECISION = "awaiting_decision"
    ASSEMBLED = "assembled"
    PUBLISHED = "published"


C = CycleStatus


def is_council_office(_obj, actor) -> bool:
    """Only the council office steers a cycle (the scheduler acts as the office)."""
    return actor is None or has_role(actor, Role.COUNCIL_OFFICE)


def ready_to_open(obj, _actor) -> str | None:
    return "; ".join(obj.problems) if obj.problems else None


def all_decided(obj, _actor) -> str | None:
    n = obj.undecided_count
    return f"{n} assessments are not decided" if n else None


def some_undecided(obj, _actor) -> str | None:
    return None if obj.undecided_count else "every assessment is decided"


def has_document(obj, _actor) -> str | None:
    return None if obj.has_document else "no assembled document"


PUBLISHABLE = frozenset({C.OPEN, C.IN_REVIEW, C.AWAITING_DECISION, C.ASSEMBLED})
# Steps taken with a document version (the document page), not from the steering panel.
DOCUMENT_STEPS = frozenset({"publish_undecided"})

CYCLE_WORKFLOW = Workflow(
    "cycle",
    [
        Transition("open_cycle", frozenset({C.PLANNED}), C.OPEN, is_council_office,
                   (ready_to_open,), label="open_cycle", needs_confirmation=True),
        Transition("close_submissions", frozenset({C.OPEN}), C.IN_REVIEW, is_council_office,
                   label="close_submissions", needs_confirmation=True),
        Transition("await_decision", frozenset({C.IN_REVIEW}), C.AWAITING_DECISION,
                   is_council_office, label="await_decision"),
        Transition("mark_assembled", frozenset({C.AWAITING_DECISION, C.ASSEMBLED}),
                   C.ASSEMBLED, is_council_office, (all_decided, has_document),
                   label="mark_assembled"),
        Transition("publish_cycle", PUBLISHABLE, C.PUBLISHED, is_council_office,
                   (all_decided, has_document), label="publish_cycle", needs_confirmation=True),
        # Publishing while assessments are still open ends the year for them too (nobody can
        # save any more): only from the document page, after a page that lists them.
        Transition("publish_undecided", PUBLISHABLE, C.PUBLISHED, is_council_office,
                   (some_undecided, has_document), label="publish_undecided",
                   needs_confirmation=True),
        Transition("reopen_cycle", frozenset({C.PUBLISHED, C.ASSEMBLED, C.AWAITING_DECISION,
                                              C.IN_REVIEW}),
                   C.OPEN, is_council_office, label="reopen_cycle", needs_comment=True),
    ],
)
