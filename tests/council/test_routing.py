"""The council office routes approved assessments: to the council, or the recommendation
stands (decided now, by whom recorded). Follow-up tasks after decisions."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Assessment
from app.models.council import FollowUp
from tests.conftest import CONTACT, OFFICE, SECRETARY, fingerprint, login, post
from tests.council.conftest import audit_actions
from workflows.assessment import AssessmentState

S = AssessmentState


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(assessment_id: int) -> Assessment:
    db.session.rollback()
    return db.session.get(Assessment, assessment_id)


def test_office_sends_an_assessment_to_the_council_from_its_page(client, make_assessment):
    aid = make_assessment(state=S.APPROVED).id
    login(client, OFFICE)
    page = html(client.get(f"/assessments/{aid}"))
    assert "Send til politisk behandling" in page
    response = post(client, f"/council/assessments/{aid}/route")
    assert response.status_code == 302
    assert fresh(aid).routed_to_council is True
    assert audit_actions("assessment", aid)[-1] == "routed_to_council"
    page = html(client.get(f"/assessments/{aid}"))
    assert "ikke satt opp i en sak ennå" in page
    assert 'value="confirm_recommendation"' not in page  # no longer settled by the office


def test_bulk_routing_per_cycle(client, make_assessment):
    to_council = make_assessment(state=S.APPROVED, portfolio="KML").id
    settled = make_assessment(state=S.APPROVED, portfolio="KMB").id
    left_open = make_assessment(state=S.APPROVED, portfolio="BL").id
    login(client, OFFICE)
    page = html(client.get("/council/routing/2026"))
    assert f'name="route_{to_council}"' in page
    name = fresh(to_council).arena.name
    assert f'<legend class="ds-label">Behandling av {name}' in page
    response = post(client, "/council/routing/2026", {
        f"route_{to_council}": "council", f"route_{settled}": "settle",
        f"route_{left_open}": "open"})
    assert response.status_code == 302, html(response)[:3000]
    assert fresh(to_council).routed_to_council is True
    done = fresh(settled)
    assert (done.state, done.routed_to_council) == (S.DECIDED, False)
    assert done.decision_outcome == done.recommendation
    assert done.decided_by.email == OFFICE  # who confirmed it is recorded
    assert fresh(left_open).routed_to_council is None
    assert "Bekreftet av Kristin Kontor" in html(client.get(f"/assessments/{settled}"))


def test_only_the_office_routes(client, make_assessment):
    aid = make_assessment(state=S.APPROVED).id
    for email in (SECRETARY, CONTACT):
        other = client.application.test_client()
        login(other, email)
        before = fingerprint()
        assert post(other, f"/council/assessments/{aid}/route").status_code == 403
        assert post(other, "/council/routing/2026", {f"route_{aid}": "council"}).status_code == 403
        assert other.get("/council/routing/2026").status_code == 403
        assert fingerprint() == before


def test_only_approved_assessments_are_routed(client, make_assessment):
    aid = make_assessment(state=S.IN_REVIEW).id
    login(client, OFFICE)
    before = fingerprint()
    assert post(client, f"/council/assessments/{aid}/route").status_code == 409
    assert fingerprint() == before


def test_an_assessment_on_a_case_stays_with_the_council(client, council):
    login(client, OFFICE)
    page = html(client.get("/council/routing/2026"))
    assert f'name="route_{council.assessment_id}"' not in page and "Allerede i en sak" in page


def test_follow_ups_for_the_office(client):
    login(client, OFFICE)
    page = html(client.get("/council/follow-ups"))
    for text in ("Global Climate Forum (GCF)", "Send utmelding", "Søk om medlemskap",
                 "Vurder innmelding og meld tilbake"):
        assert text in page
    open_task = db.session.scalar(sa.select(FollowUp).where(FollowUp.is_done.is_(False)))
    response = post(client, f"/council/follow-ups/{open_task.id}", {"done": "1"})
    assert response.status_code == 302
    db.session.rollback()
    task = db.session.get(FollowUp, open_task.id)
    assert task.is_done and task.done_by.email == OFFICE
    assert audit_actions("council_follow_up", task.id) == ["follow_up_done"]
    post(client, f"/council/follow-ups/{open_task.id}", {"done": "0"})
    db.session.rollback()
    assert not db.session.get(FollowUp, open_task.id).is_done


def test_only_the_office_ticks_off_follow_ups(client):
    task = db.session.scalar(sa.select(FollowUp).limit(1))
    login(client, SECRETARY)
    assert client.get("/council/follow-ups").status_code == 200
    before = fingerprint()
    assert post(client, f"/council/follow-ups/{task.id}", {"done": "1"}).status_code == 403
    assert fingerprint() == before


def test_a_blank_route_is_refused_and_nothing_changes(client, make_assessment):
    """Found by the form fuzzer: a route of " " passed the form and crashed in Route(" ")."""
    aid = make_assessment(state=S.APPROVED).id
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/council/routing/2026", {f"route_{aid}": " "})
    assert response.status_code == 400 and "Ikke et gyldig valg" in html(response)
    assert fingerprint() == before
