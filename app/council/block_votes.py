"""A block vote: the council votes once on the innstilling of several items together.

The one vote is recorded on each item's innstilling as that item's own vote (checked against
its proposal's majority rule, audited per item), and every such vote points to the block so
each item can name the others it was voted on with. All or nothing: every check runs before
anything is written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.council.messages import problem_errors
from app.council.operations import (
    build_vote,
    council_of,
    name_map,
    proposal_title,
    require_meeting_held,
    verdict_of,
)
from app.council.term_operations import require_secretary
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, Assessment
from app.models.council import CaseItem, CouncilCase, Proposal, ProposalKind, Vote, VoteBlock
from workflows import votes
from workflows.engine import TransitionNotAllowed
from workflows.votes import Result


def innstilling(item: CaseItem) -> Proposal | None:
    """The item's innstilling (the proposal a block vote is about), None before it is added."""
    return next((p for p in item.proposals if p.kind == ProposalKind.RECOMMENDATION), None)


def can_join_block(item: CaseItem) -> bool:
    """The item has an innstilling without a vote, and no decision yet."""
    proposal = innstilling(item)
    return proposal is not None and not proposal.votes and item.decision is None


def _names(items: list[CaseItem]) -> str:
    return ", ".join(i.assessment.arena.name for i in items)


def _chosen_items(case: CouncilCase, item_ids: list[int]) -> list[CaseItem]:
    """The case's items with these ids, in agenda order; ValidationFailed for too few or
    for an id not on the case, TransitionNotAllowed (409) naming items already voted on."""
    wanted = set(item_ids)
    items = [i for i in case.items if i.id in wanted]
    if len(items) != len(wanted):
        raise ValidationFailed({"items": _("Velg arenaer som står i denne saken.")})
    if len(items) < 2:
        raise ValidationFailed({"items": _(
            "Velg minst to arenaer. En stemmegivning for én arena registreres på arenaen.")})
    missing = [i for i in items if innstilling(i) is None]
    if missing:
        raise ValidationFailed({"items": _(
            "Disse arenaene har ingen innstilling ennå: %(names)s.", names=_names(missing))})
    voted = [i for i in items if not can_join_block(i)]
    if voted:
        raise TransitionNotAllowed("record_block_vote", [_(
            "Disse arenaene har allerede en registrert stemmegivning: %(names)s. Ta dem ut av "
            "den felles stemmegivningen, og rett stemmegivningen på hver arena for seg om "
            "den er feil.", names=_names(voted))])
    return items


def record_block_vote(actor: Any, case: CouncilCase, item_ids: list[int],
                      data: votes.VoteInput, entered: Result) -> VoteBlock:
    """Record one vote on the innstilling of each chosen item (nothing when any is refused).

    Each item's vote is exactly what recording the same vote on that item alone gives: the
    same counts, its own rule's result, the same mismatch flag and audit row.
    """
    require_secretary(actor)
    items = _chosen_items(case, item_ids)
    require_meeting_held(items[0])
    errors = problem_errors(votes.validate(data, council_of(items[0])), name_map(items[0]))
    if errors:
        raise ValidationFailed(errors)
    block = VoteBlock(case=case, recorded_by_id=getattr(actor, "id", None))
    db.session.add(block)
    recorded = []
    for item in items:
        proposal = innstilling(item)
        vote = build_vote(proposal, data, entered, verdict_of(proposal, data).result, actor)
        vote.block = block
        recorded.append((item, proposal, vote))
    db.session.flush()
    for item, proposal, vote in recorded:
        _audit(actor, item, proposal, vote, data, [i for i in items if i is not item])
    return block


def _audit(actor: Any, item: CaseItem, proposal: Proposal, vote: Vote, data: votes.VoteInput,
           others: list[CaseItem]) -> None:
    sentence = votes.vote_sentences(data.kind, data.tally(), verdict_of(proposal, data))[0]
    together = _("Felles stemmegivning med %(names)s.", names=_names(others))
    audit.record(actor, "assessment", item.assessment_id, "council_vote_recorded",
                 vote_id=vote.id, proposal_id=proposal.id, revision=vote.revision,
                 block_id=vote.block_id, case_id=item.case_id,
                 comment=" ".join((proposal_title(proposal) + ":", sentence, together)))


def block_partners(vote: Vote) -> list[tuple[int, str]]:
    """(item id, arena name) of the other items voted on together with this vote, in agenda
    order; empty for a vote taken alone (one query, only for a block vote)."""
    if vote.block_id is None:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(CaseItem.id, Arena.name).join(Proposal, Proposal.item_id == CaseItem.id)
        .join(Vote, Vote.proposal_id == Proposal.id).join(CaseItem.assessment)
        .join(Assessment.arena)
        .where(Vote.block_id == vote.block_id, Vote.id != vote.id)
        .order_by(CaseItem.position, CaseItem.id))]
