"""Filters and globals the council templates (and the assessment and arena pages) use."""

from __future__ import annotations

from app.council import labels, queries
from app.council.blueprint import bp
from app.council.operations import proposal_title
from app.council.pages import proposal_views
from app.council.routing import on_a_case
from app.models import Assessment
from workflows.assessment import AssessmentState


def _lookup(mapping):
    def label(value):
        """The label of `value`, or the value itself when it has none."""
        return str(mapping.get(value, value)) if value is not None else ""

    return label


for _name, _mapping in {
    "proposal_kind_label": labels.PROPOSAL_KIND_LABELS,
    "vote_kind_label": labels.VOTE_KIND_LABELS,
    "choice_label": labels.CHOICE_LABELS,
    "result_label": labels.RESULT_LABELS,
    "rule_label": labels.RULE_LABELS,
    "follow_up_label": labels.FOLLOW_UP_LABELS,
}.items():
    bp.add_app_template_filter(_lookup(_mapping), _name)
bp.add_app_template_filter(proposal_title, "proposal_title")


@bp.app_template_global()
def council_item_of(assessment: Assessment):
    """The case item covering an assessment, with its proposals' votes (or None)."""
    item = queries.item_for_assessment(assessment.id)
    if item is None:
        return None
    return {"item": item, "proposals": proposal_views(item)}


@bp.app_template_global()
def council_refs_of_arena(arena_id: int) -> dict:
    """Case reference and vote per assessment of an arena (its history table)."""
    return queries.arena_references(arena_id)


@bp.app_template_global()
def may_route_to_council(assessment: Assessment) -> bool:
    """True when the assessment waits for the office to send it to the council."""
    return (assessment.state == AssessmentState.APPROVED and not assessment.routed_to_council
            and not on_a_case(assessment))
