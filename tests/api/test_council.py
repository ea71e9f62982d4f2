"""Recording the council's work through the API: case, items, proposals, votes, decision."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.council.term_operations import create_term, import_members
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment
from app.models.council import CaseItem, PartyGroup
from tests.api.conftest import assert_problem, call, open_cycle, user
from tests.conftest import SECRETARY, fingerprint
from workflows.assessment import AssessmentState as S

MEMBERS = "navn,parti,sete\n" + "".join(
    f"Medlem {n},Parti {'X' if n <= 5 else 'Y'},{n}\n" for n in range(1, 10))


@pytest.fixture()
def term_id(app) -> int:
    """A nine-seat term covering the open cycle's council meeting (X five seats, Y four)."""
    secretary = user(SECRETARY)
    term = create_term(secretary, "Testrådet", date(2023, 10, 1), date(2027, 9, 30), 9)
    import_members(secretary, term, MEMBERS)
    db.session.commit()
    return term.id


@pytest.fixture()
def routed_id(client, tokens, make_assessment) -> int:
    """An approved assessment the office sent to the council through the API."""
    assessment = make_assessment(state=S.APPROVED)
    response = call(client, "POST", f"/api/v1/assessments/{assessment.id}/route",
                    tokens["office"], json={"route": "council"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["routed_to_council"] is True
    return assessment.id


def case_body(term: int, **overrides) -> dict:
    cycle = open_cycle()
    return {"cycle_year": cycle.year, "term_id": term, "case_number": "21/26",
            "meeting_date": cycle.council_meeting_date.isoformat(), "title": "Gjennomgang",
            "archive_reference": "2026/77-1", **overrides}


def test_the_secretary_records_a_case_from_start_to_decision(client, tokens, term_id,
                                                              routed_id):
    secretary = tokens["secretary"]
    response = call(client, "POST", "/api/v1/council/cases", secretary, json=case_body(term_id))
    assert response.status_code == 201, response.get_data(as_text=True)
    case_id = response.get_json()["id"]
    assert response.headers["Location"] == f"/api/v1/council/cases/{case_id}"

    body = call(client, "POST", f"/api/v1/council/cases/{case_id}/items", secretary,
                json={"assessment_ids": [routed_id]}).get_json()
    item_id = body["items"][0]["id"]
    body = call(client, "POST", f"/api/v1/council/items/{item_id}/proposals", secretary,
                json={"kind": "recommendation", "outcome": "terminate",
                      "text": "Kommunen melder seg ut."}).get_json()
    proposal_id = body["items"][0]["proposals"][0]["id"]
    x = db.session.scalar(sa.select(PartyGroup.id).where(PartyGroup.term_id == term_id,
                                                         PartyGroup.name == "Parti X"))
    response = call(client, "POST", f"/api/v1/council/proposals/{proposal_id}/votes", secretary,
                    json={"kind": "counts", "present": 9, "votes_for": 5, "votes_against": 4,
                          "entered_result": "adopted",
                          "parties": [{"party_group_id": x, "votes_for": 5,
                                       "votes_against": 0, "votes_abstain": 0}]})
    assert response.status_code == 422  # the parties' counts do not add up to the totals
    response = call(client, "POST", f"/api/v1/council/proposals/{proposal_id}/votes", secretary,
                    json={"kind": "counts", "present": 9, "votes_for": 5, "votes_against": 4,
                          "entered_result": "adopted"})
    vote = response.get_json()["items"][0]["proposals"][0]["vote"]
    assert (vote["computed_result"], vote["mismatch"]) == ("adopted", False)

    response = call(client, "POST", f"/api/v1/council/items/{item_id}/decision", secretary,
                    json={"outcome": "terminate", "text": "Kommunen melder seg ut.",
                          "effective_date": "2026-12-31"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["items"][0]["decisions"][0]["outcome"] == "terminate"
    db.session.rollback()
    assessment = db.session.get(Assessment, routed_id)
    assert assessment.state == S.DECIDED and assessment.decision_outcome.value == "terminate"
    assert db.session.get(Arena, assessment.arena_id).status == ArenaStatus.LEAVING
    case = call(client, "GET", f"/api/v1/council/cases/{case_id}", tokens["office"]).get_json()
    assert case["items"][0]["decisions"][0]["text"] == "Kommunen melder seg ut."


@pytest.mark.parametrize("role", ["office", "contact", "commissioner", "admin"])
def test_only_secretaries_record(client, tokens, term_id, role):
    before = fingerprint()
    assert_problem(call(client, "POST", "/api/v1/council/cases", tokens[role],
                        json=case_body(term_id)), 403)
    assert fingerprint() == before


@pytest.mark.parametrize(("change", "field"), [
    ({"cycle_year": 1999}, "cycle_year"), ({"term_id": 999999}, "term_id"),
    ({"meeting_date": "2030-01-01"}, "meeting_date"), ({"meeting_date": "2026-02-30"},
                                                       "meeting_date"),
    ({"case_number": ""}, "case_number")])
def test_invalid_cases_are_422(client, tokens, term_id, change, field):
    before = fingerprint()
    body = assert_problem(call(client, "POST", "/api/v1/council/cases", tokens["secretary"],
                               json=case_body(term_id, **change)), 422)
    assert field in body["errors"]
    assert fingerprint() == before


def test_an_assessment_not_sent_to_the_council_can_not_join_a_case(client, tokens, term_id,
                                                                    make_assessment):
    draft = make_assessment(state=S.DRAFT)
    case_id = call(client, "POST", "/api/v1/council/cases", tokens["secretary"],
                   json=case_body(term_id)).get_json()["id"]
    body = assert_problem(call(client, "POST", f"/api/v1/council/cases/{case_id}/items",
                               tokens["secretary"], json={"assessment_ids": [draft.id]}), 422)
    assert "assessments" in body["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseItem).where(
        CaseItem.case_id == case_id)) == 0


def test_a_decision_without_an_adopted_proposal_is_422(client, tokens, term_id, routed_id):
    secretary = tokens["secretary"]
    case_id = call(client, "POST", "/api/v1/council/cases", secretary,
                   json=case_body(term_id)).get_json()["id"]
    item_id = call(client, "POST", f"/api/v1/council/cases/{case_id}/items", secretary,
                   json={"assessment_ids": [routed_id]}).get_json()["items"][0]["id"]
    before = fingerprint()
    body = assert_problem(call(client, "POST", f"/api/v1/council/items/{item_id}/decision",
                               secretary, json={"outcome": "continue", "text": "Videre.",
                                                "effective_date": "2026-05-04"}), 422)
    assert "proposals" in body["errors"]
    assert fingerprint() == before
