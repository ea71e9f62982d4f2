"""Changing things through the API: the same operations, workflow table and refusals as the
pages (arenas, answers with their version, transitions, routing)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit import trail
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, Portfolio
from tests.api.conftest import assert_problem, call
from tests.conftest import fingerprint
from workflows.assessment import AssessmentState as S


def portfolio_id(code: str) -> int:
    return db.session.scalar(sa.select(Portfolio.id).where(Portfolio.code == code))


def new_arena(**overrides) -> dict:
    return {"key": "eurocities-culture", "name": "Eurocities Culture Forum", "kind": "network",
            "portfolio_ids": [portfolio_id("KML")], "yearly_cost": 12000,
            "member_since": 2019, **overrides}


def fresh(assessment_id: int) -> Assessment:
    db.session.rollback()
    return db.session.get(Assessment, assessment_id)


# --------------------------------------------------------------------------- arenas


def test_office_registers_an_arena(client, tokens):
    response = call(client, "POST", "/api/v1/arenas", tokens["office"],
                    json=new_arena(status="proposed"))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/arenas/{body['id']}"
    assert (body["key"], body["status"], body["history"]) == ("eurocities-culture", "proposed", [])
    arena = db.session.get(Arena, body["id"])
    assert arena.status == ArenaStatus.PROPOSED and arena.yearly_cost == 12000
    assert [e.action for e in trail("arena", arena.id)] == ["arena_created"]


@pytest.mark.parametrize("role", ["contact", "commissioner", "secretary", "admin"])
def test_only_the_office_registers_arenas(client, tokens, role):
    before = fingerprint()
    assert_problem(call(client, "POST", "/api/v1/arenas", tokens[role], json=new_arena()), 403)
    assert fingerprint() == before


@pytest.mark.parametrize(("change", "field"), [
    ({"key": "ubc"}, "key"),  # taken (the operation's rule)
    ({"key": "Not A Key"}, "key"),  # the schema's pattern
    ({"portfolio_ids": [999999]}, "portfolio_ids"),  # unknown
    ({"portfolio_ids": []}, "portfolio_ids"),
    ({"member_since": 2199}, "member_since"),  # within the schema, past the operation's limit
    ({"status": "left"}, "status"),  # a status changes only through decisions
    ({"colour": "red"}, "colour"),  # unknown field
])
def test_invalid_arenas_are_422_with_field_errors(client, tokens, change, field):
    before = fingerprint()
    response = call(client, "POST", "/api/v1/arenas", tokens["office"], json=new_arena(**change))
    body = assert_problem(response, 422)
    assert field in body["errors"]
    assert fingerprint() == before


def test_office_changes_an_arena_but_not_its_status(client, tokens):
    arena = db.session.scalar(sa.select(Arena).where(Arena.key == "ubc"))
    status, arena_id = arena.status, arena.id
    data = new_arena(key="ubc", name=arena.name, yearly_cost=5)
    response = call(client, "PUT", f"/api/v1/arenas/{arena_id}", tokens["office"], json=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()
    arena = db.session.get(Arena, arena_id)
    assert arena.yearly_cost == 5 and arena.status == status
    assert trail("arena", arena_id)[-1].action == "arena_updated"
    body = assert_problem(call(client, "PUT", f"/api/v1/arenas/{arena_id}", tokens["office"],
                               json={**data, "status": "left"}), 422)
    assert "status" in body["errors"]


def test_changing_an_arena_that_does_not_exist_is_404_for_the_office_only(client, tokens):
    assert_problem(call(client, "PUT", "/api/v1/arenas/999999", tokens["office"],
                        json=new_arena()), 404)
    assert_problem(call(client, "PUT", "/api/v1/arenas/999999", tokens["contact"],
                        json=new_arena()), 403)


# --------------------------------------------------------------------------- answers


def answers_body(version: int, **overrides) -> dict:
    return {"version": version, "answers": {
        "participation": {"value": "active", "participants": ["political", "professional"],
                          "text": "Vi deltar i styret."},
        "learning_outcome": {"value": "high", "text": "Mye læring."},
        "influence": {"value": "medium", "text": "Noe gjennomslag."},
        "other_value": {"text": "Synlighet."}},
        "yearly_cost": 1000, "recommendation": "continue",
        "recommendation_reason": "Nyttig.", **overrides}


def test_contact_saves_answers_and_the_version_moves_on(client, tokens, make_assessment):
    assessment = make_assessment(state=S.DRAFT)
    version, assessment_id = assessment.version, assessment.id
    response = call(client, "PUT", f"/api/v1/assessments/{assessment_id}/answers",
                    tokens["contact"], json=answers_body(version))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["version"] == version + 1
    assert body["answers"]["participation"]["participants"] == ["political", "professional"]
    saved = fresh(assessment_id)
    assert saved.answers["learning_outcome"] == {"text": "Mye læring.", "value": "high"}
    assert saved.recommendation_reason == "Nyttig."
    assert trail("assessment", assessment_id)[-1].action == "answers_saved"


def test_a_stale_version_is_409_and_nothing_is_saved(client, tokens, make_assessment):
    assessment = make_assessment(state=S.DRAFT)
    stale, assessment_id = assessment.version, assessment.id
    url = f"/api/v1/assessments/{assessment_id}/answers"
    assert call(client, "PUT", url, tokens["contact"], json=answers_body(stale)).status_code == 200
    before = fingerprint()
    body = assert_problem(call(client, "PUT", url, tokens["contact"],
                               json=answers_body(stale, recommendation_reason="Overskriver")), 409)
    assert body["type"].endswith(":stale-version")
    assert body["current_version"] == stale + 1
    assert fingerprint() == before


@pytest.mark.parametrize(("answers", "field"), [
    ({"influence": {"value": "enormous"}}, "answers.influence.value"),
    ({"other_value": {"value": "high"}}, "answers.other_value.value"),
    ({"influence": {"participants": ["political"]}}, "answers.influence.participants"),
    ({"colour": {"text": "x"}}, "answers.colour"),
    ({"participation": {"participants": ["everyone"]}}, "answers.participation.participants[0]"),
])
def test_invalid_answers_are_422(client, tokens, make_assessment, answers, field):
    assessment = make_assessment(state=S.DRAFT)
    before = fingerprint()
    body = assert_problem(call(client, "PUT", f"/api/v1/assessments/{assessment.id}/answers",
                               tokens["contact"], json={"version": assessment.version,
                                                        "answers": answers}), 422)
    assert field in body["errors"]
    assert fingerprint() == before


def test_answers_can_not_be_changed_once_submitted(client, tokens, make_assessment):
    assessment = make_assessment(state=S.SUBMITTED)
    before = fingerprint()
    body = assert_problem(call(client, "PUT", f"/api/v1/assessments/{assessment.id}/answers",
                               tokens["contact"], json=answers_body(assessment.version)), 409)
    assert body["type"].endswith(":not-allowed-now")
    assert fingerprint() == before


def test_only_the_contact_writes_answers(client, tokens, make_assessment):
    assessment = make_assessment(state=S.DRAFT)
    for role in ("commissioner", "office"):
        assert_problem(call(client, "PUT", f"/api/v1/assessments/{assessment.id}/answers",
                            tokens[role], json=answers_body(assessment.version)), 403)


# --------------------------------------------------------------------------- transitions


def transition(client, token, assessment_id, name, **extra):
    return call(client, "POST", f"/api/v1/assessments/{assessment_id}/transitions", token,
                json={"name": name, **extra})


def test_contact_submits_and_the_byrad_signs_off(client, tokens, make_assessment):
    assessment_id = make_assessment(state=S.DRAFT).id
    response = transition(client, tokens["contact"], assessment_id, "submit")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "submitted"
    response = transition(client, tokens["commissioner"], assessment_id, "sign_off")
    assert response.get_json()["state"] == "in_review"
    actions = [e.action for e in trail("assessment", assessment_id)]
    assert actions[-2:] == ["submit", "sign_off"]


def test_a_transition_not_allowed_now_is_409(client, tokens, make_assessment):
    assessment = make_assessment(state=S.SUBMITTED)
    before = fingerprint()
    body = assert_problem(transition(client, tokens["contact"], assessment.id, "submit"), 409)
    assert body["reasons"] == ["not allowed from state submitted"]
    assert fingerprint() == before


def test_a_transition_never_the_users_is_403(client, tokens, make_assessment):
    assessment = make_assessment(state=S.IN_REVIEW)
    before = fingerprint()
    assert_problem(transition(client, tokens["contact"], assessment.id, "approve"), 403)
    assert_problem(transition(client, tokens["commissioner"], assessment.id, "approve"), 403)
    assert fingerprint() == before


def test_an_incomplete_submission_is_422_listing_what_is_missing(client, tokens,
                                                                   make_assessment):
    assessment = make_assessment(state=S.DRAFT, complete=False)
    assessment.answers, assessment.recommendation = {}, None
    assessment.recommendation_reason = ""
    db.session.commit()
    before = fingerprint()
    body = assert_problem(transition(client, tokens["contact"], assessment.id, "submit"), 422)
    assert body["type"].endswith(":validation-error")
    assert {"recommendation", "recommendation_reason", "influence_value",
            "participation_text"} <= set(body["errors"])
    assert "other_value_text" not in body["errors"]  # not required
    assert fingerprint() == before


def test_returning_needs_a_comment(client, tokens, make_assessment):
    assessment = make_assessment(state=S.IN_REVIEW)
    body = assert_problem(transition(client, tokens["office"], assessment.id,
                                     "return_for_changes"), 422)
    assert "comment" in body["errors"]
    response = transition(client, tokens["office"], assessment.id, "return_for_changes",
                          comment="Mer konkret, takk.")
    assert response.get_json()["state"] == "returned"
    assert fresh(assessment.id).review_comment == "Mer konkret, takk."


def test_a_transition_with_a_stale_version_is_409(client, tokens, make_assessment):
    assessment = make_assessment(state=S.IN_REVIEW)
    body = assert_problem(transition(client, tokens["office"], assessment.id, "approve",
                                     version=assessment.version + 5), 409)
    assert body["current_version"] == assessment.version
    assert fresh(assessment.id).state == S.IN_REVIEW


def test_an_unknown_transition_is_422(client, tokens, make_assessment):
    assessment = make_assessment(state=S.DRAFT)
    body = assert_problem(transition(client, tokens["contact"], assessment.id, "teleport"), 422)
    assert "name" in body["errors"]


def test_office_settles_an_approved_assessment(client, tokens, make_assessment):
    assessment = make_assessment(state=S.APPROVED)
    response = call(client, "POST", f"/api/v1/assessments/{assessment.id}/route",
                    tokens["office"], json={"route": "settle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "decided"
    assert fresh(assessment.id).decision_outcome == fresh(assessment.id).recommendation
    assert_problem(call(client, "POST", f"/api/v1/assessments/{assessment.id}/route",
                        tokens["office"], json={"route": "council"}), 409)
