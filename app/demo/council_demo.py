"""Demo: the council case of the 2021 review, with the five arenas the council decided.

The seed gives the decisions but no votes, so the votes here are illustrative (the case says
so): party groups are "Parti A" to "Parti I" and members "Representant 01" to "67", read by
the secretary's CSV import. Rows are built directly, like the rest of the demo (no audit rows
but the loader's own). The other arenas of 2021 were settled by the
recommendation (the loader marks them so).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from app.council.member_import import parse_members
from app.council.operations import build_vote, verdict_of
from app.council.term_operations import add_members
from app.extensions import db
from app.models import ArenaStatus, Assessment, Cycle, Recommendation, User, UserRole
from app.models.council import (
    CaseItem,
    CouncilCase,
    CouncilMember,
    CouncilTerm,
    Decision,
    FollowUp,
    FollowUpKind,
    PartyGroup,
    Proposal,
    ProposalKind,
)
from workflows import arena_status, votes
from workflows.roles import Role
from workflows.votes import Choice, PartyCount, VoteInput, VoteKind

SEATS = 67
PARTIES = {"A": 15, "B": 12, "C": 10, "D": 9, "E": 7, "F": 6, "G": 4, "H": 3, "I": 1}
CASE_NOTE = ("Demodata: saksnummeret og stemmetallene er illustrerende. Gjennomgangen fra 2021 "
             "oppgir vedtakene, men ikke hvordan partiene stemte.")
PROPOSAL_TEXTS = {
    "terminate": "Bergen kommune avslutter medlemskapet i {name}.",
    "join": "Bergen kommune melder seg inn i {name}.",
    "consider_joining": "Byrådet bes vurdere om Bergen kommune skal melde seg inn i {name}.",
}
# Per arena, how the innstilling was voted on: per party group (who voted against; the rest
# voted for), unanimously (with the number present), or by name; and any alternative proposal.
DEMO_VOTES = {
    "global-climate-forum": {"against": {"C": 10, "G": 4, "I": 1}},
    "ubc": {"against": {"B": 12, "C": 10}},
    "solidarity-cities": {"against": {"A": 15, "B": 12},
                          "alternative": ("B", "consider_joining")},
    "human-rights-cities-network": {"unanimous": 65},
    "uclg-csipdhr": {"members": True},
}
# The named vote on UCLG: absent per party, then who voted against or abstained.
UCLG_ABSENT = {"A": 1, "B": 1, "D": 1}
UCLG_AGAINST = {"A": 14, "E": 7, "H": 3}
UCLG_ABSTAIN = {"G": 1, "I": 1}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _party_name(code: str) -> str:
    return f"Parti {code}"


def members_csv() -> str:
    """The demo council as the secretary's CSV: name, party, seat."""
    lines, seat = ["navn;parti;sete"], 0
    for code, count in PARTIES.items():
        for _ in range(count):
            seat += 1
            lines.append(f"Representant {seat:02d};{_party_name(code)};{seat}")
    return "\n".join(lines)


def _user_with(role: Role) -> User:
    return db.session.scalar(db.select(User).join(User.role_rows)
                             .where(UserRole.role == role).order_by(User.id).limit(1))


def _term() -> CouncilTerm:
    """The 2019–2023 council, its members read by the secretary's CSV import."""
    term = CouncilTerm(name="Bystyret 2019–2023", starts_on=date(2019, 10, 1),
                       ends_on=date(2023, 9, 30), seats=SEATS)
    db.session.add(term)
    rows, errors = parse_members(members_csv(), SEATS, {})
    assert not errors, errors
    add_members(term, rows)
    return term


def election_year(on: date) -> int:
    """The year of the municipal election whose council sits on `on` (elections every four
    years from 2019; a new council takes its seats on 1 October)."""
    year = 2019 + 4 * ((on.year - 2019) // 4)
    return year - 4 if on < date(year, 10, 1) else year


def _current_term(previous: CouncilTerm, on: date) -> CouncilTerm:
    """The term sitting on `on`, started from the previous one (same groups and members), so
    the open cycle can go to a vote without set-up."""
    year = election_year(on)
    if year <= previous.starts_on.year:
        return previous
    term = CouncilTerm(name=f"Bystyret {year}–{year + 4}", starts_on=date(year, 10, 1),
                       ends_on=date(year + 4, 9, 30), seats=SEATS)
    db.session.add(term)
    groups = {p.id: PartyGroup(term=term, name=p.name) for p in previous.party_groups}
    db.session.add_all(groups.values())
    db.session.add_all(CouncilMember(term=term, party_group=groups[m.party_group_id],
                                     name=m.name, seat=m.seat) for m in previous.members)
    return term


def _party_counts(term: CouncilTerm, against: dict[str, int]) -> VoteInput:
    ids = {p.name: p.id for p in term.party_groups}
    counts = tuple(PartyCount(ids[_party_name(c)], n - against.get(c, 0), against.get(c, 0), 0)
                   for c, n in PARTIES.items())
    return VoteInput(VoteKind.COUNTS, present=SEATS,
                     votes_for=sum(c.votes_for for c in counts),
                     against=sum(c.against for c in counts), abstain=0, parties=counts)


def _named_vote(term: CouncilTerm) -> VoteInput:
    members: list[tuple[int, Choice]] = []
    for code in PARTIES:
        queue = ([Choice.ABSENT] * UCLG_ABSENT.get(code, 0)
                 + [Choice.AGAINST] * UCLG_AGAINST.get(code, 0)
                 + [Choice.ABSTAIN] * UCLG_ABSTAIN.get(code, 0))
        for member in (m for m in term.members if m.party_group.name == _party_name(code)):
            members.append((member.id, queue.pop(0) if queue else Choice.FOR))
    counted = {c: sum(1 for _m, x in members if x == c) for c in Choice}
    return VoteInput(VoteKind.COUNTS, present=len(members) - counted[Choice.ABSENT],
                     votes_for=counted[Choice.FOR], against=counted[Choice.AGAINST],
                     abstain=counted[Choice.ABSTAIN], members=tuple(members))


def _record(proposal: Proposal, data: VoteInput, secretary: User, term, day: date) -> None:
    council = votes.Council(SEATS, {m.id: m.party_group_id for m in term.members})
    problems = votes.validate(data, council)
    assert not problems, problems  # the demo's own numbers must add up
    result = verdict_of(proposal, data).result
    build_vote(proposal, data, result, result, secretary).recorded_at = _at(day)


def _proposals(item: CaseItem, facts: dict, term, secretary: User, day: date) -> Proposal:
    assessment = item.assessment
    outcome = assessment.decision_outcome
    name = assessment.arena.name
    main = Proposal(item=item, kind=ProposalKind.RECOMMENDATION, outcome=outcome, position=1,
                    text=PROPOSAL_TEXTS[outcome.value].format(name=name),
                    created_by_id=secretary.id, created_at=_at(day))
    db.session.add(main)
    db.session.flush()
    if "unanimous" in facts:
        data = VoteInput(VoteKind.UNANIMOUS, present=facts["unanimous"])
    elif "members" in facts:
        data = _named_vote(term)
    else:
        data = _party_counts(term, facts["against"])
    _record(main, data, secretary, term, day)
    if "alternative" in facts:
        _alternative(item, facts, term, secretary, day)
    return main


def _alternative(item: CaseItem, facts: dict, term, secretary: User, day: date) -> None:
    code, outcome = facts["alternative"]
    party = next(p for p in term.party_groups if p.name == _party_name(code))
    proposal = Proposal(item=item, kind=ProposalKind.ALTERNATIVE, outcome=Recommendation(outcome),
                        position=2,
                        party_group_id=party.id, proposer=f"Representant fra {party.name}",
                        text=PROPOSAL_TEXTS[outcome].format(name=item.assessment.arena.name),
                        created_by_id=secretary.id, created_at=_at(day))
    db.session.add(proposal)
    db.session.flush()
    # Those who voted against the innstilling voted for the alternative, and the other way.
    flipped = {c: n - facts["against"].get(c, 0) for c, n in PARTIES.items()}
    data = _party_counts(term, flipped)
    _record(proposal, data, secretary, term, day)


def _decide(item: CaseItem, proposal: Proposal, users: dict[Role, User], day: date) -> None:
    assessment = item.assessment
    outcome = assessment.decision_outcome.value
    before = ArenaStatus.MEMBER if outcome == "terminate" else ArenaStatus.PROPOSED
    db.session.add(Decision(item=item, revision=1, proposal=proposal,
                            outcome=assessment.decision_outcome, text=assessment.decision_text,
                            effective_date=assessment.decision_effective_date or day,
                            arena_status_before=before, recorded_at=_at(day),
                            recorded_by_id=users[Role.COUNCIL_SECRETARY].id))
    assessment.decided_by_id = users[Role.COUNCIL_SECRETARY].id
    kind = arena_status.follow_up_for(outcome)
    if kind:
        done = outcome != "consider_joining"  # the notice and the applications went in 2021
        office = users[Role.COUNCIL_OFFICE]
        db.session.add(FollowUp(assessment=assessment, item=item, kind=FollowUpKind(kind),
                                is_done=done,
                                created_at=_at(day), done_by_id=office.id if done else None,
                                done_at=_at(date(2021, 6, 1)) if done else None))


def load_council_demo(cycle: Cycle, on: date | None = None) -> CouncilCase:
    """The 2021 cycle's council case: members, proposals, votes and the five decisions; and
    the term sitting on `on` (the demo's today)."""
    db.session.flush()
    users = {r: _user_with(r) for r in (Role.COUNCIL_SECRETARY, Role.COUNCIL_OFFICE)}
    secretary, day = users[Role.COUNCIL_SECRETARY], cycle.council_meeting_date
    term = _term()
    db.session.flush()
    if on is not None:
        _current_term(term, on)
    case = CouncilCase(cycle=cycle, term=term, case_number="95/21", meeting_date=day,
                       archive_reference=cycle.archive_reference, description=CASE_NOTE,
                       title="Gjennomgang av kommunens internasjonale samarbeidsarenaer",
                       created_by_id=secretary.id, created_at=_at(day))
    db.session.add(case)
    decided = db.session.scalars(
        db.select(Assessment).where(Assessment.cycle_id == cycle.id,
                                    Assessment.routed_to_council.is_(True))).all()
    by_key = {a.arena.key: a for a in decided}
    for position, key in enumerate(DEMO_VOTES, 1):
        item = CaseItem(case=case, assessment=by_key[key], position=position,
                        created_by_id=secretary.id, created_at=_at(day))
        db.session.add(item)
        proposal = _proposals(item, DEMO_VOTES[key], term, secretary, day)
        _decide(item, proposal, users, day)
    db.session.flush()
    return case
