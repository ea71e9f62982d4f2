"""The secretary's pages: cases, items, proposals, votes and decisions; refusals change
nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, OutboxMessage
from app.models.council import CouncilCase, Decision, MemberVote, PartyVote, Vote
from tests.conftest import CONTACT, OFFICE, SECRETARY, fingerprint, login, post
from tests.council.conftest import audit_actions, item_of, open_cycle, vote_form
from workflows.assessment import AssessmentState


def html(response) -> str:
    return response.get_data(as_text=True)


def checked(page: str, name: str, value: str) -> bool:
    """True when the radio button `name`=`value` is checked on the page."""
    return re.search(rf'<input checked[^>]*name="{name}"[^>]*value="{value}"', page) is not None


def add_recommendation(client, c, outcome="continue", rule="simple"):
    return post(client, f"/council/items/{c.item_id}/proposals", {
        "kind": "recommendation", "outcome": outcome, "majority_rule": rule,
        "text": "Bergen kommune viderefører medlemskapet."})


# --- cases and items -----------------------------------------------------------------------
def test_secretary_creates_a_case(client, term):
    login(client, SECRETARY)
    cycle = open_cycle()
    page = client.get("/council/cases/new")
    assert page.status_code == 200 and "Registrer ny sak" in html(page)
    response = post(client, "/council/cases/new", {
        "cycle": cycle.id, "term": term, "case_number": "31/26", "meeting_date": "2026-05-04",
        "archive_reference": "2026/777-1", "title": "Internasjonale samarbeidsarenaer 2026"})
    assert response.status_code == 302, html(response)[:2000]
    case = db.session.scalar(sa.select(CouncilCase).where(CouncilCase.case_number == "31/26"))
    assert (case.cycle_id, case.term_id, case.archive_reference) == (cycle.id, term, "2026/777-1")
    assert audit_actions("council_case", case.id) == ["council_case_created"]
    assert "31/26" in html(client.get(response.headers["Location"]))


def test_a_case_outside_the_term_or_with_a_taken_number_is_refused(client, council):
    login(client, SECRETARY)
    before = fingerprint()
    base = {"cycle": open_cycle().id, "term": council.term_id, "archive_reference": "",
            "title": "Sak"}
    outside = post(client, "/council/cases/new", {**base, "case_number": "1/22",
                                                  "meeting_date": "2022-01-10"})
    assert outside.status_code == 400 and "utenfor valgperioden" in html(outside)
    taken = post(client, "/council/cases/new", {**base, "case_number": "12/26",
                                                "meeting_date": "2026-05-04"})
    assert taken.status_code == 400 and "allerede registrert" in html(taken)
    assert fingerprint() == before


def test_only_assessments_routed_to_the_council_can_be_added(client, council, routed,
                                                             make_assessment):
    login(client, SECRETARY)
    other = routed(portfolio="KMB")
    not_routed = make_assessment(state=AssessmentState.APPROVED, portfolio="BL")
    page = html(client.get(f"/council/cases/{council.case_id}"))
    assert other.arena.name in page and not_routed.arena.name not in page
    before = fingerprint()
    refused = post(client, f"/council/cases/{council.case_id}/items",
                   {"assessments": [not_routed.id]})
    assert refused.status_code == 400 and fingerprint() == before
    added = post(client, f"/council/cases/{council.case_id}/items", {"assessments": [other.id]})
    assert added.status_code == 302
    assert item_of(other.id).case_id == council.case_id
    assert "council_item_added" in audit_actions("assessment", other.id)


# --- proposals -----------------------------------------------------------------------------
def test_the_innstilling_is_prefilled_from_the_recommendation(client, council):
    login(client, SECRETARY)
    recommendation = db.session.get(Assessment, council.assessment_id).recommendation.value
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert checked(page, "outcome", recommendation) and checked(page, "kind", "recommendation")
    assert add_recommendation(client, council, recommendation).status_code == 302
    [proposal] = council.proposals()
    assert (proposal.kind.value, proposal.outcome.value) == ("recommendation", recommendation)
    # a second innstilling is refused; the form now offers an alternative
    before = fingerprint()
    again = add_recommendation(client, council)
    assert again.status_code == 400 and "allerede en innstilling" in html(again)
    assert fingerprint() == before


def test_alternative_proposals_name_who_proposed_them(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    party = council.parties()["Y"]
    before = fingerprint()
    nameless = post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "alternative", "outcome": "terminate", "majority_rule": "simple",
        "text": "Meld kommunen ut.", "proposer": "", "party_group": ""})
    assert nameless.status_code == 400 and "Oppgi hvem som fremmet" in html(nameless)
    assert fingerprint() == before
    response = post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "alternative", "outcome": "terminate", "majority_rule": "two_thirds_cast",
        "text": "Meld kommunen ut.", "proposer": "Yngve Y", "party_group": party})
    assert response.status_code == 302
    alternative = council.proposals()[1]
    assert (alternative.party_group_id, alternative.proposer, alternative.majority_rule.value) == (
        party, "Yngve Y", "two_thirds_cast")
    assert "Forslag fra Parti Y" in html(client.get(f"/council/items/{council.item_id}"))


# --- votes ---------------------------------------------------------------------------------
def test_a_vote_per_party_group(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    [proposal] = council.proposals()
    p = council.parties()
    page = client.get(f"/council/proposals/{proposal.id}/vote")
    assert page.status_code == 200
    assert f'for="party_{p["X"]}_for"' in html(page) and "Parti X: For" in html(page)
    response = post(client, f"/council/proposals/{proposal.id}/vote", vote_form(
        present=9, votes_for=6, against=3,
        parties={p["X"]: (4, 0, 0), p["Y"]: (2, 1, 0), p["Z"]: (0, 2, 0)}))
    assert response.status_code == 302, html(response)[:3000]
    vote = db.session.scalar(sa.select(Vote).where(Vote.proposal_id == proposal.id))
    assert (vote.votes_for, vote.votes_against, vote.present, vote.computed_result.value) == (
        6, 3, 9, "adopted")
    rows = {r.party_group_id: (r.votes_for, r.votes_against)
            for r in db.session.scalars(sa.select(PartyVote).where(PartyVote.vote_id == vote.id))}
    assert rows == {p["X"]: (4, 0), p["Y"]: (2, 1), p["Z"]: (0, 2)}
    item_page = html(client.get(f"/council/items/{council.item_id}"))
    assert "Vedtatt med 6 mot 3 stemmer, 0 avsto." in item_page
    assert "Etter flertallsregelen: Vedtatt" in item_page
    assert "council_vote_recorded" in audit_actions("assessment", council.assessment_id)


def test_a_vote_per_member(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    [proposal] = council.proposals()
    ids = council.members()
    choices = dict(zip(ids, ["for", "for", "against", "for", "abstain", "for", "absent",
                             "for", "against"], strict=True))
    page = html(client.get(f"/council/proposals/{proposal.id}/vote"))
    assert f'<label class="ds-label" for="member_{ids[0]}">Xena Xe' in page
    response = post(client, f"/council/proposals/{proposal.id}/vote", vote_form(
        present=8, votes_for=5, against=2, abstain=1, members=choices))
    assert response.status_code == 302, html(response)[:3000]
    vote = db.session.scalar(sa.select(Vote).where(Vote.proposal_id == proposal.id))
    stored = dict(db.session.execute(sa.select(MemberVote.member_id, MemberVote.choice)
                                     .where(MemberVote.vote_id == vote.id)).all())
    assert {k: v.value for k, v in stored.items()} == choices


def test_inconsistent_counts_are_refused_and_nothing_is_saved(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    [proposal] = council.proposals()
    p = council.parties()
    url = f"/council/proposals/{proposal.id}/vote"
    before = fingerprint()
    too_many = post(client, url, vote_form(present=7, votes_for=6, against=3))
    assert too_many.status_code == 400
    assert "Stemmene for, mot og avholdende er 9 til sammen, men bare 7 var til stede." in html(
        too_many)
    over_seats = post(client, url, vote_form(present=10, votes_for=6, against=3))
    assert "flere til stede (10) enn det er seter (9)" in html(over_seats)
    parties = post(client, url, vote_form(parties={p["X"]: (4, 0, 0), p["Y"]: (1, 2, 0),
                                                   p["Z"]: (0, 1, 0)}))
    assert parties.status_code == 400
    assert "Partigruppene har til sammen 5 stemmer for, men totalen er 6." in html(parties)
    ids = council.members()
    members = post(client, url, vote_form(members={ids[0]: "for"}))
    assert members.status_code == 400 and "(8 mangler)" in html(members)
    assert fingerprint() == before


def test_a_result_that_breaks_the_rule_is_flagged_and_blocks_the_decision(client, council):
    login(client, SECRETARY)
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "recommendation", "outcome": "terminate", "majority_rule": "two_thirds_cast",
        "text": "Meld kommunen ut."})
    [proposal] = council.proposals()
    response = post(client, f"/council/proposals/{proposal.id}/vote",
                    vote_form(votes_for=5, against=4, result="adopted"))
    assert response.status_code == 302
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert "Registrert resultat: Vedtatt." in page and "Etter flertallsregelen: Forkastet" in page
    assert "6 stemmer for trengs av 9" in page and "Avvik – må rettes før vedtak" in page
    assert "stemmer ikke med flertallsregelen" in page  # the decision form is not offered
    before = fingerprint()
    refused = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "terminate", "text": "Vedtatt.", "effective_date": "2026-12-31"})
    assert refused.status_code == 400 and fingerprint() == before
    assert db.session.get(Assessment, council.assessment_id).state == AssessmentState.APPROVED


def decide(client, council, outcome="continue", effective="2026-05-04", votes=None):
    """Innstilling → vote → decision through the pages; returns the decision response."""
    add_recommendation(client, council, outcome)
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote", votes or vote_form())
    return post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": outcome, "text": "Bystyret vedtok innstillingen.",
        "effective_date": effective})


def test_recording_the_decision_decides_the_assessment(client, council):
    login(client, SECRETARY)
    response = decide(client, council, "continue_and_strengthen")
    assert response.status_code == 302, html(response)[:3000]
    assessment = db.session.get(Assessment, council.assessment_id)
    assert assessment.state == AssessmentState.DECIDED
    assert assessment.decision_outcome.value == "continue_and_strengthen"
    assert assessment.decision_text == "Bystyret vedtok innstillingen."
    assert assessment.decided_by.email == SECRETARY
    assert assessment.decision_differs  # the department recommended something else
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "decided"))
    assert any(m.assessment_ids == [council.assessment_id]
               and "Bystyret vedtok innstillingen." in m.body_text for m in mail)
    assert audit_actions("assessment", council.assessment_id)[-1] == "record_decision"
    page = html(client.get(f"/assessments/{council.assessment_id}"))
    assert "Sak 12/26" in page and "Vedtak: Videreføre og styrke" in page
    assert "Vedtaket avviker fra anbefalingen" in page
    assert item_of(council.assessment_id).decision.outcome.value == "continue_and_strengthen"


def test_the_outcome_must_be_what_an_adopted_proposal_asks_for(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council, "continue")
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote", vote_form())
    before = fingerprint()
    response = post(client, f"/council/items/{council.item_id}/decision", {
        "outcome": "terminate", "text": "Meld ut.", "effective_date": "2026-05-04"})
    assert response.status_code == 400
    assert "Utfallet må være det et vedtatt forslag ber om." in html(response)
    assert fingerprint() == before


def test_the_generic_transition_can_not_decide_without_the_case(client, council):
    login(client, SECRETARY)
    page = html(client.get(f"/assessments/{council.assessment_id}"))
    assert 'value="record_decision"' not in page
    before = fingerprint()
    response = post(client, f"/assessments/{council.assessment_id}/transition",
                    {"transition": "record_decision"})
    assert response.status_code == 409 and fingerprint() == before


# --- who may -------------------------------------------------------------------------------
def test_only_secretaries_record(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    [proposal] = council.proposals()
    client.post("/auth/logout", data={})
    for email in (OFFICE, CONTACT):
        other = client.application.test_client()
        login(other, email)
        before = fingerprint()
        for url, data in (
            (f"/council/proposals/{proposal.id}/vote", vote_form()),
            (f"/council/items/{council.item_id}/proposals", {"kind": "alternative"}),
            (f"/council/items/{council.item_id}/decision", {"outcome": "continue"}),
            (f"/council/cases/{council.case_id}/items", {"assessments": []}),
            ("/council/cases/new", {}),
            (f"/council/terms/{council.term_id}/import", {}),
        ):
            assert post(other, url, data).status_code == 403, (email, url)
        assert other.get(f"/council/proposals/{proposal.id}/vote").status_code == 403
        assert fingerprint() == before
    office = client.application.test_client()
    login(office, OFFICE)
    page = html(office.get(f"/council/items/{council.item_id}"))  # the office reads
    assert "Registrer stemmegivning" not in page and "Innstillingen" in page


def test_people_outside_the_council_see_no_council_pages(client, council):
    login(client, CONTACT)
    for url in ("/council/", f"/council/cases/{council.case_id}",
                f"/council/items/{council.item_id}", "/council/follow-ups", "/council/terms"):
        assert client.get(url).status_code == 403, url


# --- corrections ---------------------------------------------------------------------------
def test_correcting_a_vote_keeps_the_original(client, council):
    login(client, SECRETARY)
    add_recommendation(client, council)
    [proposal] = council.proposals()
    url = f"/council/proposals/{proposal.id}/vote"
    post(client, url, vote_form(votes_for=6, against=3))
    before = fingerprint()
    no_reason = post(client, url, vote_form(votes_for=7, against=2))
    assert no_reason.status_code == 400 and "Skriv hvorfor" in html(no_reason)
    assert fingerprint() == before
    fixed = post(client, url, vote_form(votes_for=7, against=2, reason="Feil opptelling."))
    assert fixed.status_code == 302
    stored = db.session.scalars(sa.select(Vote).where(Vote.proposal_id == proposal.id)
                                .order_by(Vote.revision)).all()
    assert [(v.revision, v.votes_for, v.correction_reason) for v in stored] == [
        (1, 6, ""), (2, 7, "Feil opptelling.")]
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert "Vedtatt med 7 mot 2 stemmer" in page and "Vedtatt med 6 mot 3 stemmer" in page
    assert "Feil opptelling." in page
    assert audit_actions("assessment", council.assessment_id)[-1] == "council_vote_corrected"


def test_correcting_a_decision_keeps_the_original_and_moves_the_arena(client, council):
    login(client, SECRETARY)
    decide(client, council, "continue")
    [proposal] = council.proposals()
    vote_url = f"/council/proposals/{proposal.id}/vote"
    before = fingerprint()
    breaks_rule = post(client, vote_url, vote_form(votes_for=3, against=6, result="adopted",
                                                   reason="Feil opptelling."))
    assert breaks_rule.status_code == 400 and "stemme med flertallsregelen" in html(breaks_rule)
    assert fingerprint() == before
    # the council in fact rejected the innstilling and adopted an alternative to leave
    post(client, vote_url, vote_form(votes_for=3, against=6, result="rejected",
                                     reason="Innstillingen falt."))
    assert "støtter ikke lenger vedtaket" in html(client.get(f"/council/items/{council.item_id}"))
    post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "alternative", "outcome": "terminate", "majority_rule": "simple",
        "text": "Meld ut.", "proposer": "Zara Z", "party_group": ""})
    alternative = council.proposals()[1]
    post(client, f"/council/proposals/{alternative.id}/vote", vote_form(votes_for=6, against=3))
    no_reason = {"outcome": "terminate", "text": "Meld ut.", "effective_date": "2099-12-31",
                 "reason": ""}
    before = fingerprint()
    url = f"/council/items/{council.item_id}/decision/correction"
    assert post(client, url, no_reason).status_code == 400 and fingerprint() == before
    response = post(client, url, {**no_reason, "reason": "Alternativt forslag ble vedtatt."})
    assert response.status_code == 302, html(response)[:3000]
    arena = db.session.get(Arena, council.arena_id)
    assert arena.status == ArenaStatus.LEAVING  # until the effective date
    decisions = item_of(council.assessment_id).decisions
    assert [d.outcome.value for d in decisions] == ["continue", "terminate"]
    assert decisions[1].proposal_id == alternative.id
    assert audit_actions("arena", council.arena_id)[-1] == "arena_status_changed"


def test_a_decision_correction_records_a_new_revision(client, council):
    login(client, SECRETARY)
    decide(client, council, "continue")
    response = post(client, f"/council/items/{council.item_id}/decision/correction", {
        "outcome": "continue", "text": "Bystyret vedtok å videreføre medlemskapet.",
        "effective_date": "2026-06-01", "reason": "Skrivefeil i vedtaksteksten."})
    assert response.status_code == 302, html(response)[:3000]
    decisions = db.session.scalars(sa.select(Decision).where(
        Decision.item_id == council.item_id).order_by(Decision.revision)).all()
    assert [(d.revision, d.text, d.correction_reason) for d in decisions] == [
        (1, "Bystyret vedtok innstillingen.", ""),
        (2, "Bystyret vedtok å videreføre medlemskapet.", "Skrivefeil i vedtaksteksten.")]
    assessment = db.session.get(Assessment, council.assessment_id)
    assert assessment.decision_text == "Bystyret vedtok å videreføre medlemskapet."
    page = html(client.get(f"/council/items/{council.item_id}"))
    assert "Alle registreringer av vedtaket" in page and "Skrivefeil i vedtaksteksten." in page
    assert "council_decision_corrected" in audit_actions("assessment", council.assessment_id)


def test_recorded_votes_and_decisions_can_not_be_changed_in_the_database(client, council):
    login(client, SECRETARY)
    grid = dict.fromkeys(council.members(), "for")
    decide(client, council, votes=vote_form(votes_for=9, against=0, members=grid))
    for statement in ("UPDATE council_votes SET votes_for = 1",
                      "DELETE FROM council_votes",
                      "UPDATE council_member_votes SET choice = 'against'",
                      "DELETE FROM council_member_votes",
                      "UPDATE council_decisions SET text = 'x'",
                      "DELETE FROM council_decisions"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberVote)) >= 9


def test_everything_recorded_is_in_the_audit_trail(client, council):
    login(client, SECRETARY)
    decide(client, council, "continue")
    actions = audit_actions("assessment", council.assessment_id)
    for action in ("council_item_added", "council_proposal_added", "council_vote_recorded",
                   "record_decision"):
        assert action in actions
    assert audit_actions("council_case", council.case_id) == ["council_case_created"]
    assert audit_actions("council_term", council.term_id) == [
        "council_term_created", "council_members_imported"]
    page = html(client.get(f"/assessments/{council.assessment_id}"))
    assert "Stemmegivning registrert" in page and "Innstillingen: Vedtatt med 6 mot 3" in page
    assert db.session.get(Arena, council.arena_id).status == ArenaStatus.MEMBER  # unchanged


def test_a_blank_party_group_is_refused_and_nothing_changes(client, council):
    """Found by the form fuzzer: a party group of " " passed the form and crashed in int()."""
    login(client, SECRETARY)
    before = fingerprint()
    response = post(client, f"/council/items/{council.item_id}/proposals", {
        "kind": "alternative", "outcome": "terminate", "majority_rule": "simple",
        "text": "Meld kommunen ut.", "proposer": "Yngve Y", "party_group": " "})
    assert response.status_code == 400 and "Ikke et gyldig valg" in html(response)
    assert fingerprint() == before
