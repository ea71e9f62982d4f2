"""Council cases, proposals, votes, decisions and terms as the API's JSON."""

from __future__ import annotations

from typing import Any

from app.api.serializers import arena_ref, code, iso
from app.models.council import CaseItem, CouncilCase, CouncilTerm, Decision, Proposal, Vote


def party(group) -> dict[str, Any] | None:
    """A party group as id and name (None stays None)."""
    return {"id": group.id, "name": group.name} if group is not None else None


def vote(v: Vote, blocks: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """The current vote on a proposal, per party group and member where recorded;
    `block_vote_id` is shared by the votes the council took on several items together, and
    `voted_with_item_ids` names the other items of that block vote."""
    together = (blocks or {}).get(v.block_id, []) if v.block_id else []
    return {
        "id": v.id, "revision": v.revision, "kind": v.kind.value, "present": v.present,
        "votes_for": v.votes_for, "votes_against": v.votes_against,
        "votes_abstain": v.votes_abstain, "chair_vote": code(v.chair_vote),
        "entered_result": v.entered_result.value, "computed_result": v.computed_result.value,
        "mismatch": v.mismatch, "correction_reason": v.correction_reason,
        "recorded_at": iso(v.recorded_at),
        "block_vote_id": v.block_id,
        "voted_with_item_ids": [i for i in together if i != v.proposal.item_id],
        "party_votes": [{"party_group": party(p.party_group), "votes_for": p.votes_for,
                         "votes_against": p.votes_against, "votes_abstain": p.votes_abstain}
                        for p in v.party_votes],
        "member_votes": [{"member_id": m.member_id, "name": m.member.name,
                          "choice": m.choice.value} for m in v.member_votes],
    }


def proposal(p: Proposal, blocks: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """A proposal with its current vote."""
    return {"id": p.id, "kind": p.kind.value, "outcome": p.outcome.value, "text": p.text,
            "proposer": p.proposer, "party_group": party(p.party_group),
            "majority_rule": p.majority_rule.value, "position": p.position,
            "vote": vote(p.vote, blocks) if p.vote else None}


def decision(d: Decision) -> dict[str, Any]:
    """One revision of a decision."""
    return {"id": d.id, "revision": d.revision, "proposal_id": d.proposal_id,
            "outcome": d.outcome.value, "text": d.text, "effective_date": iso(d.effective_date),
            "correction_reason": d.correction_reason, "recorded_at": iso(d.recorded_at)}


def item(i: CaseItem, blocks: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """One arena on a case; `decisions` lists every revision, the current one last."""
    return {"id": i.id, "position": i.position, "assessment_id": i.assessment_id,
            "arena": arena_ref(i.assessment.arena),
            "proposals": [proposal(p, blocks) for p in i.proposals],
            "decisions": [decision(d) for d in i.decisions]}


def case_summary(c: CouncilCase) -> dict[str, Any]:
    """A case as lists show it."""
    return {"id": c.id, "case_number": c.case_number, "title": c.title,
            "meeting_date": iso(c.meeting_date), "archive_reference": c.archive_reference,
            "cycle_year": c.cycle.year, "term": {"id": c.term.id, "name": c.term.name},
            "item_count": len(c.items)}


def block_items(c: CouncilCase) -> dict[int, list[int]]:
    """The items of each block vote on the case (by block id), from the current votes."""
    blocks: dict[int, list[int]] = {}
    for i in c.items:
        for p in i.proposals:
            if p.vote is not None and p.vote.block_id is not None:
                blocks.setdefault(p.vote.block_id, []).append(i.id)
    return blocks


def case_detail(c: CouncilCase) -> dict[str, Any]:
    """A case with its items."""
    blocks = block_items(c)
    return {**case_summary(c), "description": c.description,
            "items": [item(i, blocks) for i in c.items]}


def term(t: CouncilTerm) -> dict[str, Any]:
    """A council term with its party groups and members."""
    return {"id": t.id, "name": t.name, "starts_on": iso(t.starts_on),
            "ends_on": iso(t.ends_on), "seats": t.seats,
            "party_groups": [party(p) for p in t.party_groups],
            "members": [{"id": m.id, "name": m.name, "seat": m.seat,
                         "party_group_id": m.party_group_id} for m in t.members]}
