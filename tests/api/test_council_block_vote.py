"""The council API: a block vote on several items (201, 409, 422), and dates left empty that
say they are required, in the request's language."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.council.operations import (
    CaseInput,
    ProposalInput,
    add_case_items,
    add_proposal,
    create_case,
)
from app.council.term_operations import create_term, import_members
from app.extensions import db
from app.models import AuditEvent, Recommendation
from app.models.council import CaseItem, ProposalKind, Vote
from tests.api.conftest import assert_problem, call, open_cycle, user
from tests.conftest import SECRETARY, fingerprint
from workflows.assessment import AssessmentState as S

MEMBERS = "navn,parti,sete\n" + "".join(
    f"Medlem {n},Parti {'X' if n <= 5 else 'Y'},{n}\n" for n in range(1, 10))


@pytest.fixture()
def case(app, make_assessment) -> dict:
    """A case with three routed items, each with an innstilling; ids of case and items."""
    secretary = user(SECRETARY)
    term = create_term(secretary, "Testrådet", date(2023, 10, 1), date(2027, 9, 30), 9)
    import_members(secretary, term, MEMBERS)
    cycle = open_cycle()
    created = create_case(secretary, CaseInput(cycle.id, term.id, "31/26",
                                               cycle.council_meeting_date, "", "Gjennomgang"))
    assessments = []
    for portfolio in ("KML", "KMB", "BL"):
        assessment = make_assessment(state=S.APPROVED, portfolio=portfolio)
        assessment.routed_to_council = True
        assessments.append(assessment.id)
    items = add_case_items(secretary, created, assessments)
    for item in items:
        add_proposal(secretary, item, ProposalInput(
            ProposalKind.RECOMMENDATION, Recommendation.CONTINUE, "Videreføre."))
    db.session.commit()
    return {"id": created.id, "items": [i.id for i in items]}


def block(item_ids, **overrides) -> dict:
    return {"item_ids": item_ids, "kind": "counts", "present": 9, "votes_for": 6,
            "votes_against": 3, "entered_result": "adopted", **overrides}


def url(case: dict) -> str:
    return f"/api/v1/council/cases/{case['id']}/block-vote"


def test_a_block_vote_is_recorded_on_each_item(client, tokens, case):
    first, second, third = case["items"]
    response = call(client, "POST", url(case), tokens["secretary"], json=block([first, third]))
    assert response.status_code == 201, response.get_data(as_text=True)
    votes = {i["id"]: i["proposals"][0]["vote"] for i in response.get_json()["items"]}
    assert votes[second] is None
    assert votes[first]["block_vote_id"] == votes[third]["block_vote_id"] is not None
    assert (votes[first]["votes_for"], votes[third]["computed_result"]) == (6, "adopted")
    assert (votes[first]["voted_with_item_ids"], votes[third]["voted_with_item_ids"]) == (
        [third], [first])
    audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "council_vote_recorded"))
    assert audited == 2


def test_a_voted_item_is_409_naming_it(client, tokens, case):
    first, second, third = case["items"]
    call(client, "POST", url(case), tokens["secretary"], json=block([first, second]))
    arena = db.session.get(CaseItem, second).assessment.arena.name
    before = fingerprint()
    for lang, words in (("nb", "allerede en registrert stemmegivning"),
                        ("en", "already have a recorded vote")):
        body = assert_problem(call(client, "POST", url(case), tokens["secretary"], lang=lang,
                                   json=block([second, third])), 409)
        assert words in body["reasons"][0] and arena in body["reasons"][0]
    assert fingerprint() == before


@pytest.mark.parametrize(("change", "field"), [
    ({"item_ids": [1]}, "item_ids"),  # one item: a vote on the item itself
    ({"votes_for": 8}, "votes_for"),  # 8 + 3 > 9 present
    ({"item_ids": None}, "item_ids"),
    ({"kind": "shouting"}, "kind"),
])
def test_bad_block_votes_are_422_and_change_nothing(client, tokens, case, change, field):
    body_in = {**block(case["items"][:2]), **change}
    if body_in["item_ids"] is None:
        del body_in["item_ids"]
    before = fingerprint()
    body = assert_problem(call(client, "POST", url(case), tokens["secretary"], json=body_in),
                          422)
    assert any(k.startswith(field) or k in ("counts", "present") for k in body["errors"]), body
    assert fingerprint() == before


def test_an_item_of_another_case_is_422(client, tokens, case):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Vote))
    body = assert_problem(call(client, "POST", url(case), tokens["secretary"],
                               json=block([case["items"][0], 999999])), 422)
    assert "items" in body["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == before


@pytest.mark.parametrize("role", ["office", "contact"])
def test_only_secretaries_record_a_block_vote(client, tokens, case, role):
    before = fingerprint()
    assert_problem(call(client, "POST", url(case), tokens[role],
                        json=block(case["items"][:2])), 403)
    assert fingerprint() == before


def test_the_openapi_document_describes_the_block_vote(client, tokens):
    document = call(client, "GET", "/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/council/cases/{case_id}/block-vote"]["post"]
    assert {"201", "409", "422"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["BlockVoteInput"]
    assert "item_ids" in schema["required"] and "reason" not in schema["properties"]


# --- an empty date is required, not a format error or "outside the term" ---------------------
@pytest.mark.parametrize(("lang", "message"), [("nb", "Feltet må fylles ut."),
                                               ("en", "This field is required.")])
@pytest.mark.parametrize("value", ["", "missing", "null"])
def test_an_empty_meeting_date_is_required(client, tokens, case, lang, message, value):
    cycle = open_cycle()
    body_in = {"cycle_year": cycle.year, "term_id": db.session.get(CaseItem, case["items"][0])
               .case.term_id, "case_number": "99/26", "title": "Ny sak",
               "meeting_date": None if value == "null" else value}
    if value == "missing":
        del body_in["meeting_date"]
    before = fingerprint()
    body = assert_problem(call(client, "POST", "/api/v1/council/cases", tokens["secretary"],
                               json=body_in, lang=lang), 422)
    assert body["errors"]["meeting_date"] == message
    assert fingerprint() == before


@pytest.mark.parametrize(("lang", "message"), [("nb", "Feltet må fylles ut."),
                                               ("en", "This field is required.")])
def test_an_empty_effective_date_of_a_decision_is_required(client, tokens, case, lang,
                                                           message):
    body = assert_problem(call(
        client, "POST", f"/api/v1/council/items/{case['items'][0]}/decision",
        tokens["secretary"], lang=lang,
        json={"outcome": "continue", "text": "Videreføre.", "effective_date": ""}), 422)
    assert body["errors"]["effective_date"] == message
