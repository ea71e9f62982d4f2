"""Fixtures for the council pages: a small test council, an approved assessment the office
sent to the council, a case with that assessment on it, and form helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from app.council.operations import CaseInput, add_case_items, create_case
from app.council.term_operations import create_term, import_members
from app.extensions import db
from app.models import Assessment, AuditEvent, Cycle, CycleStatus, User
from app.models.council import CaseItem, CouncilTerm, PartyGroup, Proposal
from tests.conftest import SECRETARY
from workflows.assessment import AssessmentState

# Nine seats: X has four, Y three, Z two (two thirds of nine is six).
TEST_MEMBERS = """navn,parti,sete
Xena Xe,Parti X,1
Xavier Xu,Parti X,2
Xia Xo,Parti X,3
Xander Xi,Parti X,4
Yngve Y,Parti Y,5
Yrsa Y,Parti Y,6
Yvonne Y,Parti Y,7
Zara Z,Parti Z,8
Zeno Z,Parti Z,9
"""


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def open_cycle() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN))


@dataclass
class Council:
    """Ids of what the fixtures built (objects expire between requests, ids do not)."""

    term_id: int
    case_id: int
    item_id: int
    assessment_id: int
    arena_id: int

    def parties(self) -> dict[str, int]:
        rows = db.session.execute(sa.select(PartyGroup.name, PartyGroup.id)
                                  .where(PartyGroup.term_id == self.term_id))
        return {name[-1]: pid for name, pid in rows}

    def members(self) -> list[int]:
        term = db.session.get(CouncilTerm, self.term_id)
        return [m.id for m in term.members]

    def proposals(self) -> list[Proposal]:
        db.session.rollback()
        return list(db.session.scalars(sa.select(Proposal).where(Proposal.item_id == self.item_id)
                                       .order_by(Proposal.position)))


@pytest.fixture()
def term(app) -> int:
    """A nine-seat term covering the open cycle's meeting, members imported from CSV."""
    secretary = user(SECRETARY)
    created = create_term(secretary, "Testrådet 2023–2027", date(2023, 10, 1),
                          date(2027, 9, 30), 9)
    import_members(secretary, created, TEST_MEMBERS)
    db.session.commit()
    return created.id


@pytest.fixture()
def routed(app, make_assessment):
    """`routed(portfolio="KML")`: an approved assessment the office sent to the council."""

    def _make(portfolio: str = "KML") -> Assessment:
        assessment = make_assessment(state=AssessmentState.APPROVED, portfolio=portfolio)
        assessment.routed_to_council = True
        db.session.commit()
        return assessment

    return _make


@pytest.fixture()
def council(app, term, routed) -> Council:
    """A case on the open cycle with one routed assessment (recommendation: continue)."""
    secretary = user(SECRETARY)
    assessment = routed()
    cycle = open_cycle()
    case = create_case(secretary, CaseInput(cycle.id, term, "12/26", cycle.council_meeting_date,
                                            "2026/1234-5", "Gjennomgang 2026"))
    item = add_case_items(secretary, case, [assessment.id])[0]
    db.session.commit()
    return Council(term, case.id, item.id, assessment.id, assessment.arena_id)


def vote_form(present=9, votes_for=6, against=3, abstain=0, result="adopted", kind="counts",
              parties=None, members=None, reason="", chair="") -> dict:
    """Form data of the vote page; `parties` {party_id: (for, against, abstain)},
    `members` {member_id: choice}."""
    data = {"kind": kind, "present": present, "votes_for": votes_for, "votes_against": against,
            "votes_abstain": abstain, "entered_result": result, "reason": reason,
            "chair_vote": chair}
    for pid, (f, a, x) in (parties or {}).items():
        data |= {f"party_{pid}_for": f, f"party_{pid}_against": a, f"party_{pid}_abstain": x}
    for mid, choice in (members or {}).items():
        data[f"member_{mid}"] = choice
    return data


def audit_actions(entity_type: str, entity_id: int) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.entity_type == entity_type,
                                           AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)))


def item_of(assessment_id: int) -> CaseItem | None:
    db.session.rollback()
    return db.session.scalar(sa.select(CaseItem).where(CaseItem.assessment_id == assessment_id))
