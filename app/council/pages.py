"""What the council pages show about an item: each proposal with its vote, what the majority
rule makes of it, and the decision's defaults. Reads only; the templates just print it."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.council.block_votes import block_partners
from app.council.operations import proposal_states, proposal_title
from app.extensions import db
from app.models import Assessment, Organisation
from app.models.council import CaseItem, Proposal, Vote
from workflows import votes


@dataclass
class VoteView:
    """One recorded vote (current or superseded) and what the rule makes of it."""

    vote: Vote
    verdict: votes.Verdict
    sentence: str
    partners: list[tuple[int, str]] = field(default_factory=list)  # voted on together with

    @property
    def mismatch(self) -> bool:
        """The entered result differs from the rule's."""
        return self.vote.mismatch


@dataclass
class ProposalView:
    """A proposal, its current vote, and every recorded vote once it has been corrected."""

    proposal: Proposal
    title: str
    current: VoteView | None
    history: list[VoteView] = field(default_factory=list)


def vote_view(vote: Vote, seats: int) -> VoteView:
    """A stored vote with the verdict of its proposal's rule."""
    tally = votes.Tally(vote.present, vote.votes_for, vote.votes_against, vote.votes_abstain,
                        vote.chair_vote)
    verdict = votes.decide(tally, votes.RULES[vote.proposal.majority_rule], seats)
    return VoteView(vote, verdict, votes.vote_sentences(vote.kind, tally, verdict)[0],
                    block_partners(vote))


def proposal_views(item: CaseItem) -> list[ProposalView]:
    """Every proposal of the item in order (histories oldest first, the original at the top)."""
    seats = item.case.term.seats
    views = []
    for proposal in item.proposals:
        recorded = [vote_view(v, seats) for v in proposal.votes]
        views.append(ProposalView(proposal, proposal_title(proposal),
                                  recorded[-1] if recorded else None,
                                  recorded if len(recorded) > 1 else []))
    return views


@dataclass(frozen=True)
class DecisionReadiness:
    """Whether the item can be decided now, and the outcome and text to start from."""

    ready: bool
    outcome: str | None
    text: str
    problems: tuple[votes.Problem, ...]
    options: tuple[str, ...] = ()  # the outcomes the votes allow, the only ones offered


def readiness(item: CaseItem) -> DecisionReadiness:
    """Can the item be decided (every proposal voted, no mismatch)? With the adopted
    proposal's outcome and text, or "no change" when every proposal fell."""
    states = proposal_states(item)
    options = votes.decision_options(states)
    adopted = [p for p in item.proposals
               if next(s for s in states if s.proposal_id == p.id).adopted]
    outcome = options[0] if options else None
    problems = tuple(votes.decision_problems(states, outcome or ""))
    if outcome == votes.NO_CHANGE:
        text = _("Forslaget falt. Ingen endring.")
    else:
        text = adopted[0].text if adopted else ""
    return DecisionReadiness(not problems, outcome, text, problems, options)


def decision_follows_votes(item: CaseItem) -> bool:
    """False when a corrected vote no longer supports the recorded decision."""
    decision = item.decision
    if decision is None:
        return True
    return not votes.decision_problems(proposal_states(item), decision.outcome.value)


# The innstilling's text, from the recommendation in the assessment (the secretary edits it).
PROPOSAL_TEXTS = {
    "continue": _l("%(municipality)s viderefører deltakelsen i %(arena)s."),
    "continue_and_strengthen": _l("%(municipality)s viderefører og styrker deltakelsen i "
                                  "%(arena)s."),
    "terminate": _l("%(municipality)s melder seg ut av %(arena)s."),
    "join": _l("%(municipality)s melder seg inn i %(arena)s."),
    "consider_joining": _l("%(municipality)s utreder om den bør bli med i %(arena)s."),
}


def proposal_text(assessment: Assessment) -> str:
    """The recommendation as a proposal ('' when there is none), with its reason."""
    if assessment.recommendation is None:
        return ""
    name = db.session.scalar(sa.select(Organisation.name).limit(1)) or _("Kommunen")
    text = str(PROPOSAL_TEXTS[assessment.recommendation.value]) % {
        "municipality": name, "arena": assessment.arena.name}
    reason = (assessment.recommendation_reason or "").strip()
    return f"{text}\n\n{reason}" if reason else text
