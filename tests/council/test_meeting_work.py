"""A meeting's worth of work: the innstilling's text from the recommendation, votes only once
the meeting is held, a required meeting date, a new term started from the previous one, the
demo's current term, one word for abstaining and correct plurals."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.clock import today
from app.demo.council_demo import election_year
from app.extensions import db
from app.models import Arena, Assessment, Recommendation
from app.models.council import CouncilCase, CouncilTerm, Vote
from tests.conftest import DEMO_TODAY, SECRETARY, fingerprint, login, post
from tests.council.conftest import open_cycle, vote_form


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_innstilling_is_pre_filled_from_the_recommendation(client, council):
    assessment = db.session.get(Assessment, council.assessment_id)
    assessment.recommendation = Recommendation.TERMINATE
    assessment.recommendation_reason = "Lite utbytte de siste årene."
    db.session.commit()
    name = db.session.get(Arena, council.arena_id).name
    login(client, SECRETARY)
    page = html(client.get(f"/council/items/{council.item_id}"))
    textarea = page.split('id="proposal-text"')[1].split("</textarea>")[0]
    assert f"melder seg ut av {name}." in textarea
    assert "Lite utbytte de siste årene." in textarea


def test_a_vote_before_the_meeting_is_refused_clearly(client, council):
    case = db.session.get(CouncilCase, council.case_id)
    case.meeting_date = today() + timedelta(days=30)
    db.session.commit()
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "continue", "majority_rule": "simple",
        "text": "Videreføre."})
    [proposal] = council.proposals()
    before = fingerprint()
    response = post(client, f"/council/proposals/{proposal.id}/vote", vote_form())
    assert response.status_code == 400
    assert "Møtet er ikke holdt ennå" in html(response)
    assert fingerprint() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == \
        db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(
            Vote.proposal_id != proposal.id))


def test_a_decision_before_the_meeting_is_refused_clearly(client, council):
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "continue", "majority_rule": "simple",
        "text": "Videreføre."})
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote", vote_form())
    case = db.session.get(CouncilCase, council.case_id)
    case.meeting_date = today() + timedelta(days=1)
    db.session.commit()
    before = fingerprint()
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "continue", "text": "Videreføre.", "effective_date": "2026-05-04"})
    assert response.status_code == 400 and "Møtet er ikke holdt ennå" in html(response)
    assert fingerprint() == before


def test_an_empty_meeting_date_is_required_not_outside_the_term(client, term):
    login(client, SECRETARY)
    response = post(client, "/council/cases/new", {
        "cycle": open_cycle().id, "term": term, "case_number": "40/26", "meeting_date": "",
        "title": "Gjennomgang"})
    assert response.status_code == 400
    assert "Feltet må fylles ut." in html(response)
    assert "utenfor valgperioden" not in html(response)


def test_a_new_term_starts_from_the_previous_one(client, term):
    login(client, SECRETARY)
    page = html(client.get("/council/terms"))
    assert "Start fra en tidligere periode" in page
    response = post(client, "/council/terms", {
        "name": "Testrådet 2027–2031", "starts_on": "2027-10-01", "ends_on": "2031-09-30",
        "seats": "9", "copy_from": str(term)})
    assert response.status_code == 302, html(response)[:2000]
    db.session.rollback()
    old = db.session.get(CouncilTerm, term)
    new = db.session.scalar(sa.select(CouncilTerm).where(CouncilTerm.name == "Testrådet 2027–2031"))
    assert sorted(p.name for p in new.party_groups) == sorted(p.name for p in old.party_groups)
    assert sorted((m.name, m.seat, m.party_group.name) for m in new.members) == sorted(
        (m.name, m.seat, m.party_group.name) for m in old.members)
    assert {p.id for p in new.party_groups}.isdisjoint({p.id for p in old.party_groups})
    page = html(client.get(response.headers["Location"]))
    assert "9 medlemmer fra forrige periode" in page


def test_copying_more_members_than_seats_is_refused(client, term):
    login(client, SECRETARY)
    before = fingerprint()
    response = post(client, "/council/terms", {
        "name": "Lite råd", "starts_on": "2027-10-01", "seats": "5", "copy_from": str(term)})
    assert response.status_code == 400
    assert "har 9 medlemmer, men den nye har bare 5 seter" in html(response)
    assert fingerprint() == before


def test_the_demo_has_a_term_covering_today(app):
    terms = db.session.scalars(sa.select(CouncilTerm)).all()
    current = [t for t in terms if t.covers(DEMO_TODAY)]
    assert [t.name for t in current] == ["Bystyret 2023–2027"]
    assert len(current[0].members) == current[0].seats
    assert current[0].covers(open_cycle().council_meeting_date)


def test_election_years():
    assert election_year(date(2023, 9, 30)) == 2019
    assert election_year(date(2023, 10, 1)) == 2023
    assert election_year(date(2026, 3, 2)) == 2023
    assert election_year(date(2031, 12, 1)) == 2031


def test_one_word_for_abstaining_and_plurals(client, council, routed):
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "continue", "majority_rule": "simple",
        "text": "Videreføre."})
    [proposal] = council.proposals()
    page = html(client.get(f"/council/proposals/{proposal.id}/vote"))
    assert "Avholdende" in page and "Avstår" not in page and "avstår" not in page
    other = routed(portfolio="KMB")
    response = post(client, f"/council/cases/{council.case_id}/items",
                    {"assessments": [other.id]}, follow_redirects=True)
    assert "1 arena er lagt til i saken." in html(response)
