"""Read-only queries for the council pages and for other features (the review document).

Each is a fixed number of SQL statements, whatever the number of items or votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.clock import today
from app.extensions import db
from app.models import Arena, Assessment, Cycle, CycleStatus
from app.models.council import (
    CaseItem,
    CouncilCase,
    CouncilTerm,
    Decision,
    FollowUp,
    PartyGroup,
    Proposal,
    ProposalKind,
    Vote,
)
from workflows import arena_status, votes
from workflows.assessment import AssessmentState


@dataclass(frozen=True)
class ProposalRef:
    """One proposal voted on, with its current vote and what its majority rule made of it."""

    is_recommendation: bool
    proposer: str  # the party group or person (empty for the innstilling)
    outcome: str
    rule: str
    vote_kind: votes.VoteKind
    tally: votes.Tally
    verdict: votes.Verdict


@dataclass(frozen=True)
class DecisionRef:
    """Where and how the council decided one assessment, for the review document."""

    case_number: str
    meeting_date: date
    archive_reference: str
    vote_text_nb: str
    vote_text_en: str
    outcome: str = ""
    effective_date: date | None = None
    status_before: str = ""  # the arena's status before the first decision on the item
    arena_name: str = ""
    recommendation: str = ""
    proposals: tuple[ProposalRef, ...] = ()


def _latest(model, key) -> sa.Subquery:
    return (sa.select(key.label("key"), sa.func.max(model.revision).label("revision"))
            .group_by(key).subquery())


def _references_query() -> sa.Select:
    decisions = _latest(Decision, Decision.item_id)
    return (
        sa.select(CaseItem.id.label("item_id"), CaseItem.assessment_id, CouncilCase.case_number,
                  CouncilCase.meeting_date, CouncilCase.archive_reference, CouncilTerm.seats,
                  Decision.proposal_id, Decision.outcome, Decision.effective_date,
                  Decision.arena_status_before, Arena.name.label("arena_name"),
                  Assessment.recommendation)
        .join(CouncilCase, CouncilCase.id == CaseItem.case_id)
        .join(CouncilTerm, CouncilTerm.id == CouncilCase.term_id)
        .join(Decision, Decision.item_id == CaseItem.id)
        .join(decisions, sa.and_(decisions.c.key == Decision.item_id,
                                 decisions.c.revision == Decision.revision))
        .join(Assessment, Assessment.id == CaseItem.assessment_id)
        .join(Arena, Arena.id == Assessment.arena_id)
    )


def _proposal_refs(items: dict[int, int]) -> dict[int, list[tuple[int, ProposalRef]]]:
    """(proposal id, ProposalRef) per item id, in the order put to the vote (one query);
    `items` maps item id to the council's seats."""
    latest_votes = _latest(Vote, Vote.proposal_id)
    rows = db.session.execute(
        sa.select(Proposal.item_id, Proposal.id, Proposal.kind, Proposal.proposer,
                  PartyGroup.name.label("party"), Proposal.outcome, Proposal.majority_rule,
                  Vote.kind.label("vote_kind"), Vote.present, Vote.votes_for,
                  Vote.votes_against, Vote.votes_abstain, Vote.chair_vote)
        .join(Vote, Vote.proposal_id == Proposal.id)
        .join(latest_votes, sa.and_(latest_votes.c.key == Vote.proposal_id,
                                    latest_votes.c.revision == Vote.revision))
        .outerjoin(PartyGroup, PartyGroup.id == Proposal.party_group_id)
        .where(Proposal.item_id.in_(list(items)))
        .order_by(Proposal.item_id, Proposal.position, Proposal.id)) if items else []
    found: dict[int, list[tuple[int, ProposalRef]]] = {}
    for row in rows:
        tally = votes.Tally(row.present, row.votes_for, row.votes_against, row.votes_abstain,
                            row.chair_vote)
        verdict = votes.decide(tally, votes.RULES[row.majority_rule], items[row.item_id])
        found.setdefault(row.item_id, []).append((row.id, ProposalRef(
            row.kind == ProposalKind.RECOMMENDATION, row.party or row.proposer or "",
            row.outcome.value, row.majority_rule.value, row.vote_kind, tally, verdict)))
    return found


def _references(rows) -> dict[int, DecisionRef]:
    rows = list(rows)
    proposals = _proposal_refs({row.item_id: row.seats for row in rows})
    return {row.assessment_id: _reference(row, proposals.get(row.item_id, []))
            for row in rows}


def _reference(row, proposals: list[tuple[int, ProposalRef]]) -> DecisionRef:
    # The vote line: the adopted proposal's vote, or every fallen one's for "no change".
    followed = [p for pid, p in proposals if pid == row.proposal_id] or [
        p for _pid, p in proposals]
    lines = [votes.vote_sentences(p.vote_kind, p.tally, p.verdict) for p in followed]
    return DecisionRef(
        row.case_number, row.meeting_date, row.archive_reference,
        " ".join(nb for nb, _en in lines), " ".join(en for _nb, en in lines),
        outcome=row.outcome.value, effective_date=row.effective_date,
        status_before=row.arena_status_before.value, arena_name=row.arena_name,
        recommendation=row.recommendation.value if row.recommendation else "",
        proposals=tuple(p for _pid, p in proposals))


def decision_references(cycle_id: int) -> dict[int, DecisionRef]:
    """Case number, meeting date, archive reference, the proposals voted on and the decision
    of every assessment of the cycle the council decided, keyed by assessment id (two
    queries)."""
    return _references(db.session.execute(
        _references_query().where(CouncilCase.cycle_id == cycle_id)))


def arena_references(arena_id: int) -> dict[int, DecisionRef]:
    """The same for every year's assessment of one arena (its history page)."""
    return _references(db.session.execute(
        _references_query().where(Assessment.arena_id == arena_id)))


# --- pages -----------------------------------------------------------------------------------
def cases() -> list[CouncilCase]:
    """Every case, newest meeting first, with its items."""
    return list(db.session.scalars(
        sa.select(CouncilCase)
        .options(selectinload(CouncilCase.items).selectinload(CaseItem.decisions))
        .order_by(CouncilCase.meeting_date.desc(), CouncilCase.id.desc())))


def current_case() -> CouncilCase | None:
    """The case a secretary works on now: the open cycle's next meeting from today, else its
    meeting just held (votes are recorded after it), else None."""
    open_cases = (sa.select(CouncilCase).join(CouncilCase.cycle)
                  .where(Cycle.status == CycleStatus.OPEN))
    coming = db.session.scalar(open_cases.where(CouncilCase.meeting_date >= today())
                               .order_by(CouncilCase.meeting_date, CouncilCase.id).limit(1))
    return coming or db.session.scalar(
        open_cases.order_by(CouncilCase.meeting_date.desc(), CouncilCase.id.desc()).limit(1))


def terms() -> list[CouncilTerm]:
    """Every council term, newest first, with its groups and members."""
    return list(db.session.scalars(
        sa.select(CouncilTerm).options(selectinload(CouncilTerm.party_groups),
                                       selectinload(CouncilTerm.members))
        .order_by(CouncilTerm.starts_on.desc())))


def load_case(case_id: int) -> CouncilCase | None:
    """One case with its items' proposals and decisions."""
    items = selectinload(CouncilCase.items)
    return db.session.scalar(
        sa.select(CouncilCase).where(CouncilCase.id == case_id)
        .options(items.selectinload(CaseItem.proposals), items.selectinload(CaseItem.decisions)))


def load_case_votes(case_id: int) -> CouncilCase | None:
    """One case with what the block vote page checks per item: a fixed few queries."""
    items = selectinload(CouncilCase.items)
    return db.session.scalar(
        sa.select(CouncilCase).where(CouncilCase.id == case_id).options(
            selectinload(CouncilCase.term).selectinload(CouncilTerm.party_groups),
            selectinload(CouncilCase.term).selectinload(CouncilTerm.members),
            items.selectinload(CaseItem.proposals).selectinload(Proposal.votes),
            items.selectinload(CaseItem.decisions),
            items.selectinload(CaseItem.assessment).selectinload(Assessment.arena)))


def load_case_minutes(case_id: int) -> CouncilCase | None:
    """One case with everything its minutes extract prints: a fixed few queries."""
    items = selectinload(CouncilCase.items)
    return db.session.scalar(
        sa.select(CouncilCase).where(CouncilCase.id == case_id).options(
            selectinload(CouncilCase.term),
            items.selectinload(CaseItem.proposals).selectinload(Proposal.votes),
            items.selectinload(CaseItem.decisions),
            items.selectinload(CaseItem.assessment).selectinload(Assessment.arena)))


def load_item(item_id: int) -> CaseItem | None:
    """One item with its proposals, their votes (and per-party and per-member rows)."""
    return db.session.scalar(
        sa.select(CaseItem).where(CaseItem.id == item_id).options(
            selectinload(CaseItem.proposals).selectinload(Proposal.votes),
            selectinload(CaseItem.decisions), selectinload(CaseItem.follow_ups)))


def item_for_assessment(assessment_id: int) -> CaseItem | None:
    """The case item that covers an assessment, if any."""
    return db.session.scalar(sa.select(CaseItem).where(CaseItem.assessment_id == assessment_id))


def candidates_for(case: CouncilCase) -> list[Assessment]:
    """Approved assessments of the case's cycle that the office sent to the council and that
    no case covers yet."""
    covered = sa.select(CaseItem.assessment_id)
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.arena)
        .where(Assessment.cycle_id == case.cycle_id, Assessment.routed_to_council.is_(True),
               Assessment.state == AssessmentState.APPROVED, Assessment.id.not_in(covered))
        .order_by(Arena.name)))


def routing_rows(cycle: Cycle) -> list[Assessment]:
    """The cycle's approved assessments, which the office routes."""
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.arena)
        .where(Assessment.cycle_id == cycle.id, Assessment.state == AssessmentState.APPROVED)
        .order_by(Arena.name)))


def covered_ids(assessment_ids: list[int]) -> set[int]:
    """Which of these assessments a case covers."""
    return set(db.session.scalars(
        sa.select(CaseItem.assessment_id).where(CaseItem.assessment_id.in_(assessment_ids))))


def follow_ups() -> list[FollowUp]:
    """Tasks the decisions require as they stand (the council's, or a recommendation the
    office let stand), open ones first, then the latest decisions first."""
    rows = db.session.scalars(
        sa.select(FollowUp).join(FollowUp.assessment)
        .outerjoin(FollowUp.item).outerjoin(CaseItem.case)
        .options(selectinload(FollowUp.assessment).selectinload(Assessment.arena),
                 selectinload(FollowUp.item).selectinload(CaseItem.decisions),
                 selectinload(FollowUp.item).selectinload(CaseItem.case),
                 selectinload(FollowUp.done_by))
        .order_by(FollowUp.is_done,
                  sa.func.coalesce(CouncilCase.meeting_date,
                                   Assessment.decision_effective_date).desc(),
                  FollowUp.id))
    return [f for f in rows
            if f.outcome and arena_status.follow_up_for(f.outcome.value) == f.kind.value]
