"""The decision rules over every mix of adopted, fallen, unvoted and disputed proposals:
exactly one truthful set of decision options, and the checks agree with it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workflows import arena_status
from workflows.votes import (
    NO_CHANGE,
    ProposalState,
    Result,
    adopted_proposal,
    decision_options,
    decision_problems,
)

OUTCOMES = ("continue", "continue_and_strengthen", "terminate", "join", "consider_joining")
DECISIONS = (*OUTCOMES, NO_CHANGE)
STATUSES = (arena_status.PROPOSED, arena_status.MEMBER, arena_status.LEAVING, arena_status.LEFT)
RESULTS = st.sampled_from([Result.ADOPTED, Result.REJECTED])


@st.composite
def proposal(draw, proposal_id: int) -> ProposalState:
    """A proposal: unvoted, or voted with an entered and a computed result."""
    outcome = draw(st.sampled_from(OUTCOMES))
    if not draw(st.booleans()):
        return ProposalState(proposal_id, outcome, voted=False)
    computed = draw(RESULTS)
    entered = computed if draw(st.integers(0, 4)) else draw(RESULTS)
    return ProposalState(proposal_id, outcome, True, entered, computed)


PROPOSALS = st.integers(1, 5).flatmap(
    lambda n: st.tuples(*(proposal(i) for i in range(1, n + 1))))


@given(PROPOSALS)
def test_the_options_are_the_adopted_outcomes_or_else_no_change(proposals):
    options = decision_options(proposals)
    settled = all(p.voted and not p.mismatch for p in proposals)
    adopted = {p.outcome for p in proposals if p.adopted}
    if not settled:
        assert options == ()
    elif adopted:
        assert set(options) == adopted and NO_CHANGE not in options
    else:
        assert options == (NO_CHANGE,)
    assert len(options) == len(set(options))


@given(PROPOSALS, st.sampled_from(DECISIONS))
def test_an_outcome_passes_the_checks_exactly_when_it_is_an_option(proposals, outcome):
    problems = decision_problems(proposals, outcome)
    assert (not problems) == (outcome in decision_options(proposals))
    if outcome == NO_CHANGE and any(p.adopted for p in proposals) and not any(
            not p.voted or p.mismatch for p in proposals):
        assert [p.code for p in problems] == ["proposal_adopted"]


@given(PROPOSALS, st.sampled_from(DECISIONS))
def test_a_decision_follows_an_adopted_proposal_or_none_for_no_change(proposals, outcome):
    if outcome not in decision_options(proposals):
        return
    followed = adopted_proposal(proposals, outcome)
    if outcome == NO_CHANGE:
        assert followed is None
    else:
        chosen = next(p for p in proposals if p.proposal_id == followed)
        assert chosen.adopted and chosen.outcome == outcome


@given(st.sampled_from(STATUSES), st.dates(), st.dates())
def test_no_change_keeps_the_status_and_makes_no_follow_up(status, effective, today):
    assert arena_status.status_after_decision(NO_CHANGE, status, effective, today) == status
    assert arena_status.status_due(NO_CHANGE, status, effective, today) is None
    assert arena_status.follow_up_for(NO_CHANGE) is None


def test_no_proposals_give_no_options():
    assert decision_options([]) == ()
    assert [p.code for p in decision_problems([], NO_CHANGE)] == ["no_proposals"]
