"""When every proposal falls the council has decided not to change anything: the secretary
records "no change" (page and API), the arena keeps its status and no follow-up is made."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.api.operations import create_api_token
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment
from app.models.council import CaseItem, FollowUp
from tests.api.conftest import assert_problem, call, user
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from tests.council.conftest import item_of, vote_form
from workflows.assessment import AssessmentState


@pytest.fixture()
def tokens(app) -> dict[str, str]:
    """API tokens of the secretary and the council office."""
    made = {role: create_api_token(user(email), "test")[0]
            for role, email in (("secretary", SECRETARY), ("office", OFFICE))}
    db.session.commit()
    return made


def html(response) -> str:
    return response.get_data(as_text=True)


def fallen_join(client, council, votes_for=5, against=4):
    """A proposed arena; the innstilling to join it falls under a two-thirds rule."""
    arena = db.session.get(Arena, council.arena_id)
    arena.status = ArenaStatus.PROPOSED
    db.session.commit()
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "join", "majority_rule": "two_thirds_cast",
        "text": "Bergen kommune melder seg inn i nettverket."})
    [proposal] = council.proposals()
    response = post(client, f"/council/proposals/{proposal.id}/vote",
                    vote_form(votes_for=votes_for, against=against, result="rejected"))
    assert response.status_code == 302, html(response)[:2000]


def test_the_item_page_offers_only_no_change_when_every_proposal_fell(client, council):
    login(client, SECRETARY)
    fallen_join(client, council)
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert 'value="no_change"' in page and "Forslaget falt – ingen endring" in page
    assert 'id="decision-outcome-0"' in page
    for other in ("continue", "terminate", "join", "consider_joining"):
        assert f'name="outcome" type="radio" value="{other}"' not in page
    assert "Forhåndsutfylt med forslaget som ble vedtatt." not in page
    assert "Forkastet: 5 stemmer for, 4 mot" in page  # the fallen proposal with its vote


def test_recording_no_change_keeps_the_arena_and_makes_no_follow_up(client, council):
    login(client, SECRETARY)
    fallen_join(client, council)
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "no_change", "text": "Forslaget falt.", "effective_date": "2026-05-04"})
    assert response.status_code == 302, html(response)[:3000]
    db.session.rollback()
    assessment = db.session.get(Assessment, council.assessment_id)
    assert assessment.state == AssessmentState.DECIDED
    assert assessment.decision_outcome.value == "no_change"
    assert assessment.decision_differs  # the department recommended joining
    assert db.session.get(Arena, council.arena_id).status == ArenaStatus.PROPOSED
    decision = item_of(council.assessment_id).decision
    assert decision.outcome.value == "no_change" and decision.proposal_id is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp).where(
        FollowUp.assessment_id == council.assessment_id)) == 0
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert "Forslaget falt – ingen endring" in page and "no_change" not in page.split(
        'id="decision-facts"')[1][:600]


def test_no_change_is_refused_while_a_proposal_is_adopted(client, council):
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "continue", "majority_rule": "simple",
        "text": "Bergen kommune viderefører medlemskapet."})
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote", vote_form())
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert 'value="no_change"' not in page
    before = fingerprint()
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "no_change", "text": "Ingen endring.", "effective_date": "2026-05-04"})
    assert response.status_code == 409
    assert fingerprint() == before


def test_an_adopted_outcome_is_refused_when_every_proposal_fell(client, council):
    login(client, SECRETARY)
    fallen_join(client, council)
    before = fingerprint()
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "join", "text": "Meld inn.", "effective_date": "2026-05-04"})
    assert response.status_code == 400
    assert "Ingen forslag er vedtatt" in html(response)
    assert fingerprint() == before


def test_the_api_records_no_change_and_the_assessment_reads_it(client, tokens, council):
    login(client, SECRETARY)
    fallen_join(client, council)
    client.get("/auth/logout")
    secretary = tokens["secretary"]
    url = f"/api/v1/council/items/{council.item_id}/decision"
    refused = call(client, "POST", url, secretary, json={
        "outcome": "join", "text": "Meld inn.", "effective_date": "2026-05-04"})
    assert refused.status_code == 422, html(refused)
    response = call(client, "POST", url, secretary, json={
        "outcome": "no_change", "text": "Forslaget falt.", "effective_date": "2026-05-04"})
    assert response.status_code == 201, html(response)
    [item] = [i for i in response.get_json()["items"] if i["id"] == council.item_id]
    assert item["decisions"][-1]["outcome"] == "no_change"
    assert item["decisions"][-1]["proposal_id"] is None
    body = call(client, "GET", f"/api/v1/assessments/{council.assessment_id}",
                tokens["office"]).get_json()
    assert body["decision"]["outcome"] == "no_change"
    assert db.session.get(Arena, council.arena_id).status == ArenaStatus.PROPOSED


def test_the_api_refuses_no_change_with_409_while_a_proposal_is_adopted(client, tokens,
                                                                         council):
    secretary = tokens["secretary"]
    proposal = call(client, "POST", f"/api/v1/council/items/{council.item_id}/proposals",
                    secretary, json={"kind": "recommendation", "outcome": "continue",
                                     "text": "Videreføre."})
    assert proposal.status_code == 201, html(proposal)
    [proposal_id] = [p["id"] for i in proposal.get_json()["items"] if i["id"] == council.item_id
                     for p in i["proposals"]]
    voted = call(client, "POST", f"/api/v1/council/proposals/{proposal_id}/votes", secretary,
                 json={"kind": "unanimous", "present": 9, "entered_result": "adopted"})
    assert voted.status_code == 201, html(voted)
    before = fingerprint()
    body = assert_problem(call(client, "POST",
                               f"/api/v1/council/items/{council.item_id}/decision", secretary,
                               json={"outcome": "no_change", "text": "Ingen endring.",
                                     "effective_date": "2026-05-04"}), 409)
    assert any("Ingen endring" in r for r in body["reasons"])
    assert fingerprint() == before
    assert db.session.scalar(sa.select(CaseItem).where(
        CaseItem.id == council.item_id)).decision is None


def test_openapi_names_no_change_as_a_decision_outcome(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "no_change" in schemas["DecisionInput"]["properties"]["outcome"]["enum"]
    assert "no_change" not in schemas["ProposalInput"]["properties"]["outcome"]["enum"]
