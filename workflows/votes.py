"""Council votes: tallies, their validation, and the majority rules that decide them.

Pure: no Flask, no database. The app passes plain numbers and ids in and gets problems
(field, code, params) and verdicts back; it turns them into Norwegian messages itself.

Rules follow Norwegian municipal practice: a proposal is adopted by a simple majority of the
votes cast unless a qualified majority is set; abstentions are not votes cast; the council can
only decide when at least half of its members are present; on a tie under simple majority the
chair's casting vote decides (when the secretary records one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum


class VoteKind(str, Enum):
    """How the vote was taken down."""

    UNANIMOUS = "unanimous"  # every member present voted for
    COUNTS = "counts"  # for / against / abstain counted


class Choice(str, Enum):
    """One member's vote on one proposal."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    ABSENT = "absent"


VOTING_CHOICES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)


class Result(str, Enum):
    """What happened to a proposal."""

    ADOPTED = "adopted"
    REJECTED = "rejected"


class Basis(str, Enum):
    """What a majority is counted of."""

    CAST = "cast"  # votes for + against (abstentions are not votes cast)
    PRESENT = "present"  # members present
    SEATS = "seats"  # all seats of the council


@dataclass(frozen=True)
class MajorityRule:
    """`numerator/denominator` of `basis`; strict means "more than", else "at least"."""

    numerator: int
    denominator: int
    basis: Basis
    strict: bool

    def base(self, tally: Tally, seats: int) -> int:
        """The number the fraction is taken of."""
        return {Basis.CAST: tally.cast, Basis.PRESENT: tally.present, Basis.SEATS: seats}[
            self.basis]

    def needed(self, tally: Tally, seats: int) -> int:
        """The fewest votes for that satisfy the rule (always at least one)."""
        product = self.numerator * self.base(tally, seats)
        if self.strict:
            return max(1, product // self.denominator + 1)
        return max(1, -(-product // self.denominator))

    @property
    def is_simple(self) -> bool:
        """Simple majority of votes cast (where the chair's casting vote breaks ties)."""
        return (self.numerator, self.denominator, self.basis, self.strict) == (
            1, 2, Basis.CAST, True)


class RuleName(str, Enum):
    """The majority rules a proposal can be put to the vote under."""

    SIMPLE = "simple"
    TWO_THIRDS_CAST = "two_thirds_cast"
    TWO_THIRDS_PRESENT = "two_thirds_present"
    THREE_QUARTERS_CAST = "three_quarters_cast"
    ABSOLUTE = "absolute"  # more than half of all seats


RULES: dict[RuleName, MajorityRule] = {
    RuleName.SIMPLE: MajorityRule(1, 2, Basis.CAST, strict=True),
    RuleName.TWO_THIRDS_CAST: MajorityRule(2, 3, Basis.CAST, strict=False),
    RuleName.TWO_THIRDS_PRESENT: MajorityRule(2, 3, Basis.PRESENT, strict=False),
    RuleName.THREE_QUARTERS_CAST: MajorityRule(3, 4, Basis.CAST, strict=False),
    RuleName.ABSOLUTE: MajorityRule(1, 2, Basis.SEATS, strict=True),
}


@dataclass(frozen=True)
class Tally:
    """The counted vote on one proposal."""

    present: int
    votes_for: int
    against: int
    abstain: int
    chair_vote: Choice | None = None  # casting vote, used only on a tie under simple majority

    @property
    def cast(self) -> int:
        """Votes cast: for and against (abstentions are not votes cast)."""
        return self.votes_for + self.against


def unanimous(present: int) -> Tally:
    """Every member present voted for."""
    return Tally(present=present, votes_for=present, against=0, abstain=0)


@dataclass(frozen=True)
class Verdict:
    """Adopted or rejected, with what it took and why."""

    result: Result
    needed: int
    base: int
    has_quorum: bool
    by_casting_vote: bool = False

    @property
    def adopted(self) -> bool:
        """True when the proposal was adopted."""
        return self.result == Result.ADOPTED

    @property
    def reason(self) -> str:
        """Why, in plain English (logs and tests; pages word it in Norwegian)."""
        if not self.has_quorum:
            return "fewer than half of the members were present"
        if self.by_casting_vote:
            return "a tie, decided by the chair's casting vote"
        verb = "reached" if self.adopted else "did not reach"
        return f"the votes for {verb} the {self.needed} needed (of {self.base})"


def has_quorum(present: int, seats: int) -> bool:
    """At least half of the council's members are present."""
    return present > 0 and 2 * present >= seats


def decide(tally: Tally, rule: MajorityRule, seats: int) -> Verdict:
    """Adopted or rejected under `rule`, for a council of `seats` members."""
    needed, base = rule.needed(tally, seats), rule.base(tally, seats)
    quorum = has_quorum(tally.present, seats)
    if not quorum:
        return Verdict(Result.REJECTED, needed, base, has_quorum=False)
    tie = tally.votes_for == tally.against > 0
    if rule.is_simple and tie and tally.chair_vote in (Choice.FOR, Choice.AGAINST):
        result = Result.ADOPTED if tally.chair_vote == Choice.FOR else Result.REJECTED
        return Verdict(result, needed, base, has_quorum=True, by_casting_vote=True)
    result = Result.ADOPTED if tally.votes_for >= needed else Result.REJECTED
    return Verdict(result, needed, base, has_quorum=True)


# --- validation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a recorded vote: the field it concerns, a code and numbers."""

    field: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PartyCount:
    """How one party group voted."""

    party_id: int
    votes_for: int
    against: int
    abstain: int

    def get(self, choice: Choice) -> int:
        """The party's count for `choice`."""
        return {Choice.FOR: self.votes_for, Choice.AGAINST: self.against,
                Choice.ABSTAIN: self.abstain}[choice]


@dataclass(frozen=True)
class Council:
    """What a vote is checked against: the seats, and each member's and party's place."""

    seats: int
    member_party: Mapping[int, int] = field(default_factory=dict)  # member id -> party id

    @property
    def party_seats(self) -> Counter:
        """Seats per party group."""
        return Counter(self.member_party.values())


@dataclass(frozen=True)
class VoteInput:
    """Everything the secretary records for one proposal's vote."""

    kind: VoteKind
    present: int
    votes_for: int = 0
    against: int = 0
    abstain: int = 0
    chair_vote: Choice | None = None
    parties: tuple[PartyCount, ...] = ()
    members: tuple[tuple[int, Choice], ...] = ()  # (member id, choice), every member once

    def tally(self) -> Tally:
        """The totals (a unanimous vote is all present for)."""
        if self.kind == VoteKind.UNANIMOUS:
            return unanimous(self.present)
        return Tally(self.present, self.votes_for, self.against, self.abstain, self.chair_vote)


def _totals(data: VoteInput) -> dict[Choice, int]:
    tally = data.tally()
    return {Choice.FOR: tally.votes_for, Choice.AGAINST: tally.against,
            Choice.ABSTAIN: tally.abstain}


def check_counts(data: VoteInput, seats: int) -> list[Problem]:
    """Counts are whole, present is within the seats, votes within those present."""
    numbers = {"present": data.present, "votes_for": data.votes_for,
               "against": data.against, "abstain": data.abstain}
    problems = [Problem(name, "negative") for name, value in numbers.items() if value < 0]
    if problems:
        return problems
    if data.present < 1:
        problems.append(Problem("present", "none_present"))
    elif data.present > seats:
        problems.append(Problem("present", "present_exceeds_seats",
                                {"present": data.present, "seats": seats}))
    total = sum(_totals(data).values())
    if total > data.present:
        problems.append(Problem("votes_for", "votes_exceed_present",
                                {"votes": total, "present": data.present}))
    if data.chair_vote not in (None, Choice.FOR, Choice.AGAINST):
        problems.append(Problem("chair_vote", "invalid_chair_vote"))
    return problems


def check_parties(data: VoteInput, council: Council) -> list[Problem]:
    """Each party within its seats; the party counts add up to the totals."""
    if not data.parties:
        return []
    problems, seen = [], set()
    party_seats = council.party_seats
    for count in data.parties:
        name = f"party_{count.party_id}"
        if count.party_id in seen or count.party_id not in party_seats:
            problems.append(Problem(name, "unknown_party" if count.party_id not in party_seats
                                    else "party_twice", {"party": count.party_id}))
            continue
        seen.add(count.party_id)
        if min(count.votes_for, count.against, count.abstain) < 0:
            problems.append(Problem(name, "negative"))
        elif count.votes_for + count.against + count.abstain > party_seats[count.party_id]:
            problems.append(Problem(name, "party_exceeds_seats", {
                "party": count.party_id, "votes": count.votes_for + count.against + count.abstain,
                "seats": party_seats[count.party_id]}))
    for choice, total in _totals(data).items():
        summed = sum(c.get(choice) for c in data.parties)
        if summed != total:
            problems.append(Problem("parties", "party_sum_mismatch",
                                    {"choice": choice.value, "sum": summed, "total": total}))
    return problems


def check_members(data: VoteInput, council: Council) -> list[Problem]:
    """Every member once; member votes add up to the counts, the party counts and present."""
    if not data.members:
        return []
    problems = []
    ids = [member_id for member_id, _choice in data.members]
    for member_id, times in Counter(ids).items():
        if times > 1:
            problems.append(Problem(f"member_{member_id}", "member_twice", {"member": member_id}))
    unknown = [m for m in dict.fromkeys(ids) if m not in council.member_party]
    problems += [Problem(f"member_{m}", "unknown_member", {"member": m}) for m in unknown]
    missing = len(set(council.member_party) - set(ids))
    if missing:
        problems.append(Problem("members", "members_missing", {"missing": missing}))
    if problems:
        return problems
    return _member_sums(data, council)


def _member_sums(data: VoteInput, council: Council) -> list[Problem]:
    choices = Counter(choice for _member, choice in data.members)
    problems = [
        Problem("members", "member_sum_mismatch",
                {"choice": choice.value, "sum": choices[choice], "total": total})
        for choice, total in _totals(data).items() if choices[choice] != total
    ]
    attending = len(data.members) - choices[Choice.ABSENT]
    if attending != data.present:
        problems.append(Problem("members", "member_present_mismatch",
                                {"attending": attending, "present": data.present}))
    by_party = Counter((council.member_party[m], c) for m, c in data.members)
    for count in data.parties:
        for choice in VOTING_CHOICES:
            if by_party[(count.party_id, choice)] != count.get(choice):
                problems.append(Problem(f"party_{count.party_id}", "member_party_mismatch", {
                    "party": count.party_id, "choice": choice.value,
                    "members": by_party[(count.party_id, choice)], "count": count.get(choice)}))
    return problems


def validate(data: VoteInput, council: Council) -> list[Problem]:
    """Everything wrong with a recorded vote (empty when it is consistent)."""
    problems = check_counts(data, council.seats)
    if problems:
        return problems
    return check_parties(data, council) + check_members(data, council)


# --- deciding an item ------------------------------------------------------------------------
@dataclass(frozen=True)
class ProposalState:
    """One proposal as the decision sees it: what it asks for and how its vote went."""

    proposal_id: int
    outcome: str
    voted: bool
    entered: Result | None = None
    computed: Result | None = None

    @property
    def mismatch(self) -> bool:
        """Voted, but the entered result differs from the computed one."""
        return self.voted and self.entered != self.computed

    @property
    def adopted(self) -> bool:
        """Voted, consistent, and adopted."""
        return self.voted and not self.mismatch and self.computed == Result.ADOPTED


NO_CHANGE = "no_change"  # every proposal fell: the council changed nothing


def decision_options(proposals: Iterable[ProposalState]) -> tuple[str, ...]:
    """The outcomes a decision may take now: those of the adopted proposals, or only
    "no change" when every proposal fell; none while a vote is missing or disputed."""
    proposals = list(proposals)
    if not proposals or any(not p.voted or p.mismatch for p in proposals):
        return ()
    adopted = tuple(dict.fromkeys(p.outcome for p in proposals if p.adopted))
    return adopted or (NO_CHANGE,)


def decision_problems(proposals: Iterable[ProposalState], outcome: str) -> list[Problem]:
    """Why an item can not be decided with `outcome` yet (empty when it can)."""
    proposals = list(proposals)
    if not proposals:
        return [Problem("proposals", "no_proposals")]
    problems = [Problem(f"proposal_{p.proposal_id}", "not_voted") for p in proposals
                if not p.voted]
    problems += [Problem(f"proposal_{p.proposal_id}", "result_mismatch") for p in proposals
                 if p.mismatch]
    if problems:
        return problems
    options = decision_options(proposals)
    if outcome in options:
        return []
    if options == (NO_CHANGE,):
        return [Problem("outcome", "nothing_adopted", {"adopted": ()})]
    code = "proposal_adopted" if outcome == NO_CHANGE else "outcome_not_adopted"
    return [Problem("outcome", code, {"adopted": options})]


def adopted_proposal(proposals: Iterable[ProposalState], outcome: str) -> int | None:
    """The first adopted proposal that asks for `outcome` (the one the decision follows);
    None for "no change", which follows no proposal."""
    return next((p.proposal_id for p in proposals if p.adopted and p.outcome == outcome), None)


# --- wording ---------------------------------------------------------------------------------
def _abstentions_en(n: int) -> str:
    return f"{n} abstention" if n == 1 else f"{n} abstentions"


def vote_sentences(kind: VoteKind, tally: Tally, verdict: Verdict) -> tuple[str, str]:
    """The vote as one sentence in Norwegian and in English, as minutes put it."""
    if kind == VoteKind.UNANIMOUS and verdict.adopted:
        return "Enstemmig vedtatt.", "Adopted unanimously."
    f, a, x = tally.votes_for, tally.against, tally.abstain
    if verdict.by_casting_vote:
        nb_result, en_result = ("Vedtatt", "Adopted") if verdict.adopted else (
            "Forkastet", "Rejected")
        return (f"{nb_result} med {f} mot {a} stemmer og møteleders dobbeltstemme, {x} avsto.",
                f"{en_result} by {f} votes to {a} on the chair's casting vote, "
                f"{_abstentions_en(x)}.")
    if verdict.adopted:
        return (f"Vedtatt med {f} mot {a} stemmer, {x} avsto.",
                f"Adopted by {f} votes to {a}, {_abstentions_en(x)}.")
    return (f"Forkastet: {f} stemmer for, {a} mot, {x} avsto.",
            f"Rejected: {f} votes for, {a} against, {_abstentions_en(x)}.")
