"""The pure vote rules (workflows/votes.py): majorities, quorum, ties and validation."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workflows import votes
from workflows.votes import (
    RULES,
    Basis,
    Choice,
    Council,
    PartyCount,
    Result,
    RuleName,
    Tally,
    VoteInput,
    VoteKind,
    decide,
    unanimous,
)

SIMPLE, TWO_THIRDS = RULES[RuleName.SIMPLE], RULES[RuleName.TWO_THIRDS_CAST]


@st.composite
def tallies(draw, max_seats: int = 101):
    """A consistent vote: votes within those present, present within the seats."""
    seats = draw(st.integers(1, max_seats))
    present = draw(st.integers(1, seats))
    votes_for = draw(st.integers(0, present))
    against = draw(st.integers(0, present - votes_for))
    abstain = draw(st.integers(0, present - votes_for - against))
    chair = draw(st.sampled_from([None, Choice.FOR, Choice.AGAINST]))
    return seats, Tally(present, votes_for, against, abstain, chair)


def rule_holds(rule: votes.MajorityRule, tally: Tally, seats: int) -> bool:
    """The rule spelled out with exact fractions, independent of `needed`."""
    base = {Basis.CAST: tally.cast, Basis.PRESENT: tally.present, Basis.SEATS: seats}[rule.basis]
    share = Fraction(rule.numerator, rule.denominator) * base
    reached = tally.votes_for > share if rule.strict else tally.votes_for >= share
    return reached and tally.votes_for > 0


@given(tallies(), st.sampled_from(list(RuleName)))
def test_adopted_exactly_when_the_rule_holds(case, name):
    seats, tally = case
    rule = RULES[name]
    verdict = decide(tally, rule, seats)
    quorum = 2 * tally.present >= seats
    tie_broken = (rule.is_simple and tally.votes_for == tally.against > 0
                  and tally.chair_vote is not None)
    if tie_broken:
        assert verdict.adopted == (quorum and tally.chair_vote == Choice.FOR)
    else:
        assert verdict.adopted == (quorum and rule_holds(rule, tally, seats))
    assert verdict.result in (Result.ADOPTED, Result.REJECTED)


@given(tallies(), st.sampled_from(list(RuleName)))
def test_needed_is_the_fewest_votes_for_that_carry(case, name):
    seats, tally = case
    rule = RULES[name]
    needed = rule.needed(tally, seats)
    assert needed >= 1
    # with the same base, one vote fewer than needed does not carry and `needed` does
    base = rule.base(tally, seats)
    share = Fraction(rule.numerator, rule.denominator) * base
    assert (needed > share) if rule.strict else (needed >= share)
    assert needed - 1 == 0 or not ((needed - 1 > share) if rule.strict else (needed - 1 >= share))


@given(st.integers(1, 200))
def test_a_tie_without_casting_vote_is_rejected(n):
    tally = Tally(present=2 * n, votes_for=n, against=n, abstain=0)
    verdict = decide(tally, SIMPLE, seats=2 * n)
    assert verdict.result == Result.REJECTED and not verdict.by_casting_vote


@pytest.mark.parametrize(("chair", "result"), [(Choice.FOR, Result.ADOPTED),
                                               (Choice.AGAINST, Result.REJECTED)])
def test_the_chairs_casting_vote_decides_a_tie(chair, result):
    verdict = decide(Tally(66, 33, 33, 0, chair), SIMPLE, seats=67)
    assert verdict.result == result and verdict.by_casting_vote


def test_the_casting_vote_counts_only_on_a_tie_under_simple_majority():
    assert decide(Tally(67, 30, 33, 4, Choice.FOR), SIMPLE, 67).result == Result.REJECTED
    assert decide(Tally(9, 4, 4, 1, Choice.FOR), TWO_THIRDS, 9).result == Result.REJECTED


@given(st.integers(1, 101))
def test_all_abstaining_adopts_nothing(present):
    tally = Tally(present, 0, 0, present)
    for rule in RULES.values():
        assert decide(tally, rule, present).result == Result.REJECTED


@given(st.integers(1, 101))
def test_unanimous_is_adopted_under_every_rule_with_everyone_present(seats):
    tally = unanimous(seats)
    assert tally == Tally(seats, seats, 0, 0)
    for rule in RULES.values():
        assert decide(tally, rule, seats).adopted


def test_two_thirds_of_nine_needs_six():
    assert TWO_THIRDS.needed(Tally(9, 6, 3, 0), seats=9) == 6
    assert decide(Tally(9, 6, 3, 0), TWO_THIRDS, 9).adopted
    assert not decide(Tally(9, 5, 4, 0), TWO_THIRDS, 9).adopted
    # abstentions are not votes cast: 4 of 6 cast is two thirds
    assert decide(Tally(9, 4, 2, 3), TWO_THIRDS, 9).adopted
    # of members present they count: 4 of 9 present is not
    assert not decide(Tally(9, 4, 2, 3), RULES[RuleName.TWO_THIRDS_PRESENT], 9).adopted


def test_simple_majority_is_more_than_half_of_votes_cast():
    assert decide(Tally(67, 34, 33, 0), SIMPLE, 67).adopted
    assert decide(Tally(67, 20, 19, 28), SIMPLE, 67).adopted
    assert not decide(Tally(67, 33, 34, 0), SIMPLE, 67).adopted


def test_absolute_majority_counts_all_seats():
    rule = RULES[RuleName.ABSOLUTE]
    assert rule.needed(Tally(40, 30, 10, 0), 67) == 34
    assert not decide(Tally(40, 33, 7, 0), rule, 67).adopted
    assert decide(Tally(40, 34, 6, 0), rule, 67).adopted


def test_without_quorum_nothing_is_adopted():
    verdict = decide(unanimous(33), SIMPLE, 67)
    assert not verdict.adopted and not verdict.has_quorum
    assert "half of the members" in verdict.reason
    assert decide(unanimous(34), SIMPLE, 67).adopted


# --- validation ------------------------------------------------------------------------------
COUNCIL = Council(seats=9, member_party={1: 10, 2: 10, 3: 10, 4: 10, 5: 20, 6: 20, 7: 20,
                                         8: 30, 9: 30})


def codes(data: VoteInput, council: Council = COUNCIL) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in votes.validate(data, council)]


def test_a_consistent_vote_has_no_problems():
    data = VoteInput(VoteKind.COUNTS, present=9, votes_for=6, against=2, abstain=1,
                     parties=(PartyCount(10, 4, 0, 0), PartyCount(20, 2, 1, 0),
                              PartyCount(30, 0, 1, 1)))
    assert codes(data) == []


@pytest.mark.parametrize(("data", "expected"), [
    (VoteInput(VoteKind.COUNTS, present=10, votes_for=5), [("present", "present_exceeds_seats")]),
    (VoteInput(VoteKind.COUNTS, present=0), [("present", "none_present")]),
    (VoteInput(VoteKind.COUNTS, present=7, votes_for=5, against=3),
     [("votes_for", "votes_exceed_present")]),
    (VoteInput(VoteKind.COUNTS, present=7, votes_for=-1), [("votes_for", "negative")]),
    (VoteInput(VoteKind.UNANIMOUS, present=12), [("present", "present_exceeds_seats")]),
])
def test_counts_beyond_present_or_seats_are_refused(data, expected):
    assert codes(data) == expected


def test_party_counts_must_add_up_to_the_totals():
    data = VoteInput(VoteKind.COUNTS, present=9, votes_for=6, against=3,
                     parties=(PartyCount(10, 4, 0, 0), PartyCount(20, 1, 2, 0),
                              PartyCount(30, 0, 1, 0)))
    problems = votes.validate(data, COUNCIL)
    assert [(p.code, dict(p.params)) for p in problems] == [
        ("party_sum_mismatch", {"choice": "for", "sum": 5, "total": 6})]


def test_a_party_can_not_cast_more_votes_than_its_seats():
    data = VoteInput(VoteKind.COUNTS, present=9, votes_for=9,
                     parties=(PartyCount(10, 5, 0, 0), PartyCount(20, 3, 0, 0),
                              PartyCount(30, 1, 0, 0)))
    assert ("party_10", "party_exceeds_seats") in codes(data)


def members(*choices: str) -> tuple[tuple[int, Choice], ...]:
    return tuple((i, Choice(c)) for i, c in enumerate(choices, 1))


def test_member_votes_must_add_up_to_the_counts_and_to_those_present():
    grid = members("for", "for", "for", "for", "against", "against", "abstain", "absent",
                   "absent")
    ok = VoteInput(VoteKind.COUNTS, present=7, votes_for=4, against=2, abstain=1, members=grid)
    assert codes(ok) == []
    wrong = VoteInput(VoteKind.COUNTS, present=8, votes_for=5, against=2, abstain=1,
                      members=grid)
    assert codes(wrong) == [("members", "member_sum_mismatch"),
                            ("members", "member_present_mismatch")]


def test_a_member_votes_once_per_proposal_and_every_member_is_listed():
    twice = VoteInput(VoteKind.COUNTS, present=9, votes_for=9,
                      members=members(*["for"] * 9) + ((3, Choice.AGAINST),))
    assert ("member_3", "member_twice") in codes(twice)
    short = VoteInput(VoteKind.COUNTS, present=8, votes_for=8, members=members(*["for"] * 8))
    assert codes(short) == [("members", "members_missing")]
    stranger = VoteInput(VoteKind.COUNTS, present=9, votes_for=9,
                         members=members(*["for"] * 9) + ((99, Choice.FOR),))
    assert ("member_99", "unknown_member") in codes(stranger)


def test_member_votes_must_agree_with_the_party_counts():
    grid = members("for", "for", "for", "for", "for", "for", "against", "against", "against")
    parties = (PartyCount(10, 4, 0, 0), PartyCount(20, 1, 2, 0), PartyCount(30, 1, 1, 0))
    data = VoteInput(VoteKind.COUNTS, present=9, votes_for=6, against=3, parties=parties,
                     members=grid)
    assert codes(data) == [("party_20", "member_party_mismatch"),
                           ("party_20", "member_party_mismatch"),
                           ("party_30", "member_party_mismatch"),
                           ("party_30", "member_party_mismatch")]


def test_a_unanimous_vote_with_a_dissenting_member_is_refused():
    grid = members("for", "for", "for", "for", "for", "for", "for", "for", "against")
    data = VoteInput(VoteKind.UNANIMOUS, present=9, members=grid)
    assert ("members", "member_sum_mismatch") in codes(data)


@given(tallies(max_seats=40))
def test_any_consistent_member_grid_validates(case):
    seats, tally = case
    grid = ([Choice.FOR] * tally.votes_for + [Choice.AGAINST] * tally.against
            + [Choice.ABSTAIN] * tally.abstain)
    grid += [Choice.ABSENT] * (seats - len(grid))
    # members present who did not vote can not be shown in a grid, so present = votes here
    council = Council(seats, {i: 1 for i in range(1, seats + 1)})
    data = VoteInput(VoteKind.COUNTS, present=len(grid) - grid.count(Choice.ABSENT),
                     votes_for=tally.votes_for, against=tally.against, abstain=tally.abstain,
                     members=tuple(enumerate(grid, 1)))
    assume(data.present > 0)
    assert votes.validate(data, council) == []


# --- deciding an item -------------------------------------------------------------------------
def state(pid, outcome, entered=None, computed=None):
    return votes.ProposalState(pid, outcome, entered is not None, entered, computed)


A, R = Result.ADOPTED, Result.REJECTED


def test_a_decision_follows_an_adopted_proposal():
    states = [state(1, "join", A, A), state(2, "consider_joining", R, R)]
    assert votes.decision_problems(states, "join") == []
    assert votes.adopted_proposal(states, "join") == 1
    assert [p.code for p in votes.decision_problems(states, "consider_joining")] == [
        "outcome_not_adopted"]


def test_a_decision_waits_for_votes_and_for_mismatches_to_be_resolved():
    assert [p.code for p in votes.decision_problems([], "join")] == ["no_proposals"]
    waiting = [state(1, "join", A, A), state(2, "continue")]
    assert [p.code for p in votes.decision_problems(waiting, "join")] == ["not_voted"]
    mismatch = [state(1, "join", A, R)]
    assert [(p.field, p.code) for p in votes.decision_problems(mismatch, "join")] == [
        ("proposal_1", "result_mismatch")]
    nothing = [state(1, "join", R, R)]
    assert [p.code for p in votes.decision_problems(nothing, "join")] == ["nothing_adopted"]


def test_vote_sentences():
    simple = RULES[RuleName.SIMPLE]
    assert votes.vote_sentences(VoteKind.UNANIMOUS, unanimous(67),
                                decide(unanimous(67), simple, 67)) == (
        "Enstemmig vedtatt.", "Adopted unanimously.")
    tally = Tally(67, 45, 22, 0)
    assert votes.vote_sentences(VoteKind.COUNTS, tally, decide(tally, simple, 67)) == (
        "Vedtatt med 45 mot 22 stemmer, 0 avsto.", "Adopted by 45 votes to 22, 0 abstentions.")
    tally = Tally(67, 20, 46, 1)
    assert votes.vote_sentences(VoteKind.COUNTS, tally, decide(tally, simple, 67)) == (
        "Forkastet: 20 stemmer for, 46 mot, 1 avsto.",
        "Rejected: 20 votes for, 46 against, 1 abstention.")
    tie = Tally(66, 33, 33, 0, Choice.FOR)
    assert votes.vote_sentences(VoteKind.COUNTS, tie, decide(tie, simple, 67))[0] == (
        "Vedtatt med 33 mot 33 stemmer og møteleders dobbeltstemme, 0 avsto.")


def test_the_vote_rules_import_nothing_from_flask_or_the_app():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "workflows"
    for name in ("votes.py", "arena_status.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                     for a in n.names}
        assert not {m for m in imported if m.split(".")[0] in ("flask", "app", "sqlalchemy")}
