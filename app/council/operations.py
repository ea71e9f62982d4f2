"""Operations on council cases: items, proposals, votes and decisions.

Each checks, changes, writes an audit row and flushes; none commits. Recorded votes and
decisions are never changed: a correction adds the next revision with a reason. Recording a
decision moves the assessment to decided (workflow transition record_decision) and the arena
along the outcome table in workflows/arena_status.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app import audit
from app.arena_status import add_follow_up, apply_outcome
from app.assessments.operations import transition_assessment
from app.clock import today
from app.council.messages import problem_errors
from app.council.term_operations import require_secretary
from app.errors import ValidationFailed
from app.extensions import db
from app.models import ArenaStatus, Assessment, DecisionOutcome, Recommendation
from app.models.council import (
    CaseItem,
    CouncilCase,
    Decision,
    MemberVote,
    PartyVote,
    Proposal,
    ProposalKind,
    Vote,
)
from workflows import votes
from workflows.assessment import AssessmentState
from workflows.engine import TransitionNotAllowed
from workflows.votes import Result, RuleName


@dataclass(frozen=True)
class CaseInput:
    """Everything the case form sets."""

    cycle_id: int
    term_id: int
    case_number: str
    meeting_date: date
    archive_reference: str
    title: str
    description: str = ""


def create_case(actor: Any, data: CaseInput) -> CouncilCase:
    """A council case for the arenas of one cycle."""
    require_secretary(actor)
    number = data.case_number.strip()
    if db.session.scalar(db.select(CouncilCase.id).where(CouncilCase.case_number == number)):
        raise ValidationFailed({"case_number": _("Saksnummeret er allerede registrert.")})
    case = CouncilCase(cycle_id=data.cycle_id, term_id=data.term_id, case_number=number,
                       meeting_date=data.meeting_date, title=data.title.strip(),
                       archive_reference=data.archive_reference.strip(),
                       description=data.description.strip(), created_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    audit.record(actor, "council_case", case.id, "council_case_created", case_number=number)
    return case


def can_join_case(assessment: Assessment, case: CouncilCase) -> bool:
    """Approved, sent to the council by the office, of the case's cycle, in no case yet."""
    return (assessment.cycle_id == case.cycle_id and assessment.routed_to_council is True
            and assessment.state == AssessmentState.APPROVED
            and db.session.scalar(db.select(CaseItem.id).where(
                CaseItem.assessment_id == assessment.id)) is None)


def add_case_items(actor: Any, case: CouncilCase, assessment_ids: list[int]) -> list[CaseItem]:
    """Put the given assessments on the case's agenda, in the order given."""
    require_secretary(actor)
    assessments = [db.session.get(Assessment, i) for i in dict.fromkeys(assessment_ids)]
    if not assessments or any(a is None or not can_join_case(a, case) for a in assessments):
        raise ValidationFailed({"assessments": _(
            "Velg arenaer som er sendt til behandling og ikke står i en annen sak.")})
    position = max((i.position for i in case.items), default=0)
    items = []
    for offset, assessment in enumerate(assessments, 1):
        item = CaseItem(case=case, assessment=assessment, position=position + offset,
                        created_by_id=actor.id)
        db.session.add(item)
        db.session.flush()
        audit.record(actor, "assessment", assessment.id, "council_item_added",
                     case_id=case.id, comment=case.case_number)
        items.append(item)
    return items


@dataclass(frozen=True)
class ProposalInput:
    """Everything the proposal form sets."""

    kind: ProposalKind
    outcome: Recommendation
    text: str
    majority_rule: RuleName = RuleName.SIMPLE
    proposer: str = ""
    party_group_id: int | None = None


def _check_proposal(item: CaseItem, data: ProposalInput) -> dict[str, str]:
    errors = {}
    if not data.text.strip():
        errors["text"] = _("Skriv forslagsteksten.")
    if data.kind == ProposalKind.RECOMMENDATION and any(
            p.kind == ProposalKind.RECOMMENDATION for p in item.proposals):
        errors["kind"] = _("Saken har allerede en innstilling. Legg til et alternativt forslag.")
    if data.kind == ProposalKind.ALTERNATIVE and not (data.proposer.strip()
                                                       or data.party_group_id):
        errors["proposer"] = _("Oppgi hvem som fremmet forslaget, eller velg partigruppe.")
    parties = {p.id for p in item.case.term.party_groups}
    if data.party_group_id is not None and data.party_group_id not in parties:
        errors["party_group"] = _("Velg en partigruppe i perioden.")
    return errors


def add_proposal(actor: Any, item: CaseItem, data: ProposalInput) -> Proposal:
    """The innstilling or an alternative proposal (after the decision: to correct it)."""
    require_secretary(actor)
    if errors := _check_proposal(item, data):
        raise ValidationFailed(errors)
    proposal = Proposal(item=item, kind=data.kind, outcome=data.outcome,
                        text=data.text.strip(), proposer=data.proposer.strip(),
                        party_group_id=data.party_group_id, majority_rule=data.majority_rule,
                        position=len(item.proposals) + 1, created_by_id=actor.id)
    db.session.add(proposal)
    db.session.flush()
    audit.record(actor, "assessment", item.assessment_id, "council_proposal_added",
                 proposal_id=proposal.id, kind=data.kind.value, outcome=data.outcome.value)
    return proposal


def require_meeting_held(item: CaseItem) -> None:
    """Votes and decisions are recorded from the meeting day on, never before."""
    meeting = item.case.meeting_date
    if meeting > today():
        raise ValidationFailed({"meeting_date": _(
            "Møtet er ikke holdt ennå (møtedato %(date)s). Stemmegivning og vedtak kan "
            "registreres fra møtedagen.", date=meeting.strftime("%d.%m.%Y"))})


# --- votes -----------------------------------------------------------------------------------
def council_of(item: CaseItem) -> votes.Council:
    """The seats and members a vote in this item's case is checked against."""
    term = item.case.term
    return votes.Council(seats=term.seats,
                         member_party={m.id: m.party_group_id for m in term.members})


def name_map(item: CaseItem) -> dict[str, str]:
    """What pages call parties, members and proposals (for messages)."""
    term = item.case.term
    names = {f"party_{p.id}": p.name for p in term.party_groups}
    names |= {f"member_{m.id}": m.name for m in term.members}
    names |= {f"proposal_{p.id}": proposal_title(p) for p in item.proposals}
    return names


def proposal_title(proposal: Proposal) -> str:
    """"Innstillingen" or "Forslag fra <party or proposer>"."""
    if proposal.kind == ProposalKind.RECOMMENDATION:
        return _("Innstillingen")
    who = proposal.party_group.name if proposal.party_group else proposal.proposer
    return _("Forslag fra %(who)s", who=who)


def verdict_of(proposal: Proposal, data: votes.VoteInput) -> votes.Verdict:
    """What the proposal's majority rule makes of the counted vote."""
    return votes.decide(data.tally(), votes.RULES[proposal.majority_rule],
                        proposal.item.case.term.seats)


def build_vote(proposal: Proposal, data: votes.VoteInput, entered: Result,
               computed: Result, actor: Any, reason: str = "") -> Vote:
    """The rows of a checked vote (the next revision), with its party and member rows."""
    tally = data.tally()
    vote = Vote(proposal=proposal, revision=len(proposal.votes) + 1, kind=data.kind,
                present=tally.present, votes_for=tally.votes_for, votes_against=tally.against,
                votes_abstain=tally.abstain, chair_vote=data.chair_vote,
                entered_result=entered, computed_result=computed,
                correction_reason=reason, recorded_by_id=getattr(actor, "id", None))
    vote.party_votes = [PartyVote(party_group_id=c.party_id, votes_for=c.votes_for,
                                  votes_against=c.against, votes_abstain=c.abstain)
                        for c in data.parties]
    vote.member_votes = [MemberVote(member_id=m, choice=c) for m, c in data.members]
    db.session.add(vote)
    return vote


def record_vote(actor: Any, proposal: Proposal, data: votes.VoteInput, entered: Result,
                reason: str = "") -> Vote:
    """Record how the council voted on a proposal; a second vote is a correction.

    Inconsistent counts are refused (ValidationFailed, nothing written). A result that differs
    from what the majority rule gives is kept and flagged until corrected, except once the
    item is decided, when a correction must agree with the rule.
    """
    require_secretary(actor)
    item = proposal.item
    require_meeting_held(item)
    reason = reason.strip()
    errors = problem_errors(votes.validate(data, council_of(item)), name_map(item))
    if proposal.votes and not reason:
        errors["reason"] = _("Skriv hvorfor stemmegivningen rettes.")
    verdict = verdict_of(proposal, data)
    if not errors and item.decision is not None and verdict.result != entered:
        errors["entered_result"] = _("Etter vedtaket må en rettelse stemme med flertallsregelen.")
    if errors:
        raise ValidationFailed(errors)
    vote = build_vote(proposal, data, entered, verdict.result, actor, reason)
    db.session.flush()
    sentence = votes.vote_sentences(data.kind, data.tally(), verdict)[0]
    action = "council_vote_corrected" if vote.revision > 1 else "council_vote_recorded"
    audit.record(actor, "assessment", item.assessment_id, action, vote_id=vote.id,
                 proposal_id=proposal.id, revision=vote.revision,
                 comment=" ".join(p for p in (proposal_title(proposal) + ":", sentence, reason)
                                  if p))
    return vote


# --- decisions -------------------------------------------------------------------------------
def proposal_states(item: CaseItem) -> list[votes.ProposalState]:
    """Each proposal's outcome and current vote, as the decision rules see them."""
    return [votes.ProposalState(p.id, p.outcome.value, p.vote is not None,
                                p.vote.entered_result if p.vote else None,
                                p.vote.computed_result if p.vote else None)
            for p in item.proposals]


@dataclass(frozen=True)
class DecisionInput:
    """The outcome, its wording and the date it takes effect."""

    outcome: DecisionOutcome
    text: str
    effective_date: date


def _checked_proposal(item: CaseItem, data: DecisionInput) -> int | None:
    """The adopted proposal the decision follows (None for "no change", which follows none).

    ValidationFailed when the outcome is not one the votes allow; TransitionNotAllowed (409)
    for "no change" while a proposal is adopted: the record would say what did not happen.
    """
    states = proposal_states(item)
    problems = votes.decision_problems(states, data.outcome.value)
    if any(p.code == "proposal_adopted" for p in problems):
        raise TransitionNotAllowed("record_decision", [problem_errors(
            problems, name_map(item))["outcome"]])
    errors = problem_errors(problems, name_map(item))
    if not data.text.strip():
        errors["text"] = _("Skriv vedtaksteksten.")
    if errors:
        raise ValidationFailed(errors)
    return votes.adopted_proposal(states, data.outcome.value)


def record_council_decision(actor: Any, item: CaseItem, data: DecisionInput) -> Decision:
    """The council's decision on an item: the assessment is decided, the arena follows."""
    require_secretary(actor)
    if item.decision is not None:
        raise TransitionNotAllowed("record_decision", ["the item is already decided"])
    require_meeting_held(item)
    proposal_id = _checked_proposal(item, data)
    assessment = item.assessment
    _set_assessment_decision(assessment, data)
    transition_assessment(assessment, actor, "record_decision")
    decision = Decision(item=item, revision=1, proposal_id=proposal_id, outcome=data.outcome,
                        text=data.text.strip(), effective_date=data.effective_date,
                        arena_status_before=assessment.arena.status,
                        recorded_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    apply_decision_to_arena(actor, decision, decision.arena_status_before)
    return decision


def _set_assessment_decision(assessment: Assessment, data: DecisionInput) -> None:
    assessment.decision_outcome = data.outcome
    assessment.decision_text = data.text.strip()
    assessment.decision_effective_date = data.effective_date


def correct_council_decision(actor: Any, item: CaseItem, data: DecisionInput,
                             reason: str) -> Decision:
    """A corrected decision, kept beside the original; the arena follows the new outcome."""
    require_secretary(actor)
    previous = item.decision
    if previous is None:
        raise TransitionNotAllowed("correct_decision", ["the item is not decided"])
    if not reason.strip():
        raise ValidationFailed({"reason": _("Skriv hvorfor vedtaket rettes.")})
    proposal_id = _checked_proposal(item, data)
    assessment = item.assessment
    _set_assessment_decision(assessment, data)
    baseline = item.decisions[0].arena_status_before
    decision = Decision(item=item, revision=previous.revision + 1, proposal_id=proposal_id,
                        outcome=data.outcome, text=data.text.strip(),
                        effective_date=data.effective_date, arena_status_before=baseline,
                        correction_reason=reason.strip(), recorded_by_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "assessment", assessment.id, "council_decision_corrected",
                 decision_id=decision.id, from_outcome=previous.outcome.value,
                 to_outcome=data.outcome.value, comment=reason.strip())
    apply_decision_to_arena(actor, decision, baseline)
    return decision


def apply_decision_to_arena(actor: Any, decision: Decision, baseline: ArenaStatus) -> None:
    """Move the arena as the outcome says (from `baseline`) and add the office's follow-up."""
    apply_outcome(actor, decision.item.assessment.arena, decision.outcome.value, baseline,
                  decision.effective_date, decision_id=decision.id)
    add_follow_up(decision.item.assessment, decision.outcome.value, item=decision.item)
