"""Council cases with proposals, votes and decisions: read by the council office and the
secretaries, recorded by the secretaries through the council operations."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.api import schemas
from app.api.auth import require_role
from app.api.blueprint import api
from app.api.council_serializers import case_detail, case_summary, term
from app.api.errors import ApiError
from app.api.paging import PAGING, paginate
from app.api.registry import Param
from app.council import block_votes, queries
from app.council import operations as ops
from app.errors import ConflictError
from app.extensions import db
from app.models import Cycle, DecisionOutcome, Recommendation
from app.models.council import CaseItem, CouncilCase, CouncilTerm, Proposal, ProposalKind
from workflows.roles import Role
from workflows.votes import Choice, PartyCount, Result, RuleName, VoteInput, VoteKind

VIEWERS = (Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY)
SECRETARY = Role.COUNCIL_SECRETARY


def _get(model, object_id: int):
    return db.session.get(model, object_id) or _missing()


def _missing():
    raise ApiError(404)


@api.route("GET", "/council/cases", summary="List council cases", tag="council",
           query=(*PAGING, Param("cycle", schemas.YEAR, "Only cases of this cycle (its year).")),
           responses={200: "CouncilCasePage"}, errors=(403,))
def list_cases(query: dict[str, Any]):
    """Cases, newest meeting first."""
    require_role(*VIEWERS)
    cases = (sa.select(CouncilCase).join(CouncilCase.cycle)
             .options(selectinload(CouncilCase.items))
             .order_by(CouncilCase.meeting_date.desc(), CouncilCase.id.desc()))
    if query["cycle"] is not None:
        cases = cases.where(Cycle.year == query["cycle"])
    return paginate(cases, query, lambda rows: [case_summary(c) for c in rows])


@api.route("GET", "/council/cases/{case_id}", summary="One case: items, proposals, votes and "
           "decisions", tag="council", responses={200: "CouncilCase"}, errors=(403,))
def get_case(case_id: int):
    """A case with everything recorded on it."""
    require_role(*VIEWERS)
    items = selectinload(CouncilCase.items)  # every vote of every item: a fixed few queries
    case = db.session.scalar(sa.select(CouncilCase).where(CouncilCase.id == case_id).options(
        items.selectinload(CaseItem.proposals).selectinload(Proposal.votes),
        items.selectinload(CaseItem.decisions)))
    return case_detail(case or _missing())


@api.route("GET", "/council/terms", summary="Council terms with party groups and members",
           tag="council", responses={200: "CouncilTermList"}, errors=(403,))
def list_terms():
    """Every term (their ids are what cases, party votes and member votes refer to)."""
    require_role(*VIEWERS)
    return {"items": [term(t) for t in queries.terms()]}


def case_input(body: dict[str, Any]) -> ops.CaseInput:
    """The checked body as the operation's input; the meeting must fall within the term."""
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == body["cycle_year"]))
    council_term = db.session.get(CouncilTerm, body["term_id"])
    meeting = date.fromisoformat(body["meeting_date"])
    errors = {}
    if cycle is None:
        errors["cycle_year"] = _("Det finnes ingen gjennomgang for dette året.")
    if council_term is None:
        errors["term_id"] = _("Valgperioden finnes ikke.")
    elif not council_term.covers(meeting):
        errors["meeting_date"] = _("Møtedatoen ligger utenfor valgperioden.")
    if errors:
        raise ApiError(422, errors=errors)
    return ops.CaseInput(cycle.id, council_term.id, body["case_number"], meeting,
                         body.get("archive_reference", ""), body["title"],
                         body.get("description", ""))


def created(case: CouncilCase):
    """201 with the whole case, after the commit."""
    db.session.commit()
    return case_detail(case), 201, {"Location": url_for(".get_case", case_id=case.id)}


@api.route("POST", "/council/cases", summary="Register a council case (secretary)",
           tag="council", body="CaseInput", responses={201: "CouncilCase"}, errors=(403,))
def create_case(body: dict[str, Any]):
    """A new case for the arenas of one cycle."""
    user = require_role(SECRETARY)
    return created(ops.create_case(user, case_input(body)))


@api.route("POST", "/council/cases/{case_id}/items", summary="Put routed assessments on a "
           "case (secretary)", tag="council", body="ItemsInput",
           responses={201: "CouncilCase"}, errors=(403,))
def add_items(case_id: int, body: dict[str, Any]):
    """Add approved assessments sent to the council, in the order given."""
    user = require_role(SECRETARY)
    case = _get(CouncilCase, case_id)
    ops.add_case_items(user, case, body["assessment_ids"])
    return created(case)


def load_item(item_id: int) -> CaseItem:
    """A case item with its proposals, votes and decisions, or 404."""
    return queries.load_item(item_id) or _missing()


@api.route("POST", "/council/items/{item_id}/proposals", summary="Record the proposal put to "
           "the vote or an alternative (secretary)", tag="council", body="ProposalInput",
           responses={201: "CouncilCase"}, errors=(403, 409))
def add_proposal(item_id: int, body: dict[str, Any]):
    """The innstilling or an alternative proposal from a party group."""
    user = require_role(SECRETARY)
    item = load_item(item_id)
    data = ops.ProposalInput(
        ProposalKind(body["kind"]), Recommendation(body["outcome"]), body["text"],
        RuleName(body.get("majority_rule", RuleName.SIMPLE.value)), body.get("proposer", ""),
        body.get("party_group_id"))
    ops.add_proposal(user, item, data)
    return created(item.case)


def vote_input(body: dict[str, Any]) -> VoteInput:
    """The checked body as the vote rules' input."""
    chair = body.get("chair_vote")
    return VoteInput(
        kind=VoteKind(body["kind"]), present=body["present"],
        votes_for=body.get("votes_for", 0), against=body.get("votes_against", 0),
        abstain=body.get("votes_abstain", 0), chair_vote=Choice(chair) if chair else None,
        parties=tuple(PartyCount(p["party_group_id"], p["votes_for"], p["votes_against"],
                                 p["votes_abstain"]) for p in body.get("parties", ())),
        members=tuple((m["member_id"], Choice(m["choice"])) for m in body.get("members", ())))


@api.route("POST", "/council/proposals/{proposal_id}/votes", summary="Record the vote on a "
           "proposal; a second one is a correction with a reason (secretary)", tag="council",
           body="VoteInput", responses={201: "CouncilCase"}, errors=(403, 409))
def record_vote(proposal_id: int, body: dict[str, Any]):
    """Inconsistent counts are refused with field errors; nothing is saved."""
    user = require_role(SECRETARY)
    proposal = _get(Proposal, proposal_id)
    try:
        ops.record_vote(user, proposal, vote_input(body), Result(body["entered_result"]),
                        body.get("reason", ""))
    except IntegrityError:  # another vote on this proposal was recorded at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    return created(proposal.item.case)


@api.route("POST", "/council/cases/{case_id}/block-vote", summary="Record one vote on the "
           "innstilling of several items voted on together (secretary)", tag="council",
           body="BlockVoteInput", responses={201: "CouncilCase"}, errors=(403, 409))
def record_block_vote(case_id: int, body: dict[str, Any]):
    """Each chosen item's innstilling gets the vote, checked by its own majority rule, all or
    nothing: 422 for counts that do not add up or an item not on the case or without an
    innstilling, 409 naming the items whose innstilling already has a vote."""
    user = require_role(SECRETARY)
    case = _get(CouncilCase, case_id)
    try:
        block_votes.record_block_vote(user, case, body["item_ids"], vote_input(body),
                                      Result(body["entered_result"]))
    except IntegrityError:  # a vote on one of them was recorded at the same time
        db.session.rollback()
        raise ConflictError(0, 0) from None
    return created(case)


@api.route("POST", "/council/items/{item_id}/decision", summary="Record the council's "
           "decision on an item: the assessment is decided, the arena follows (secretary)",
           tag="council", body="DecisionInput", responses={201: "CouncilCase"},
           errors=(403, 409))
def record_decision(item_id: int, body: dict[str, Any]):
    """The decision follows an adopted proposal; "no_change" exactly when every proposal fell
    (409 while one is adopted)."""
    user = require_role(SECRETARY)
    item = load_item(item_id)
    data = ops.DecisionInput(DecisionOutcome(body["outcome"]), body["text"],
                             date.fromisoformat(body["effective_date"]))
    ops.record_council_decision(user, item, data)
    return created(item.case)
