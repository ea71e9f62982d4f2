"""Requests the app must refuse, leaving the database exactly as it was."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assessment, Cycle, User
from tests.assessments.conftest import complete_answers, form_state, fresh, page, save_form, take
from tests.conftest import COMMISSIONER, CONTACT, OFFICE, SECRETARY, csrf_token, fingerprint, login
from workflows.assessment import AssessmentState

S = AssessmentState


def refused(status: int, response, before: str) -> str:
    """Assert the status and that nothing in the database changed; returns the page."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert fingerprint() == before
    return response.get_data(as_text=True)


def row(assessment_id: int) -> dict:
    """Every column of one assessment."""
    db.session.rollback()
    table = Assessment.__table__
    return dict(db.session.execute(sa.select(table).where(table.c.id == assessment_id))
                .mappings().one())


@pytest.mark.parametrize(("state", "email", "name"), [
    (S.DRAFT, OFFICE, "approve"),
    (S.SUBMITTED, OFFICE, "approve"),
    (S.APPROVED, OFFICE, "approve"),
    (S.DRAFT, COMMISSIONER, "sign_off"),
    (S.IN_REVIEW, COMMISSIONER, "send_back"),
    (S.DECIDED, OFFICE, "return_for_changes"),
    (S.APPROVED, SECRETARY, "record_decision"),  # the office has not sent it to the council
    (S.IN_REVIEW, OFFICE, "publish"),  # no such transition
])
def test_transition_not_possible_now_is_409(client, make_assessment, state, email, name):
    aid = make_assessment(state=state).id
    login(client, email)
    before = fingerprint()
    html = refused(409, take(client, aid, name, comment="Kommentar"), before)
    assert "Ikke mulig nå" in html


@pytest.mark.parametrize(("state", "email", "name"), [
    (S.SUBMITTED, CONTACT, "approve"),  # on the contact's own assessment
    (S.IN_REVIEW, CONTACT, "approve"),
    (S.SUBMITTED, CONTACT, "sign_off"),
    (S.IN_REVIEW, COMMISSIONER, "approve"),
    (S.SUBMITTED, OFFICE, "sign_off"),
    (S.APPROVED, SECRETARY, "confirm_recommendation"),
])
def test_transition_never_for_this_role_is_403(client, make_assessment, state, email, name):
    aid = make_assessment(state=state).id
    login(client, email)
    before = fingerprint()
    refused(403, take(client, aid, name), before)


@pytest.mark.parametrize("name", ["submit", "submit_for_review"])
def test_submit_through_the_transition_endpoint_is_409(client, make_assessment, name):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    refused(409, take(client, aid, name), before)
    assert fresh(aid).state == S.DRAFT


def test_transition_without_csrf_token_is_400(client, make_assessment):
    aid = make_assessment(state=S.IN_REVIEW).id
    login(client, OFFICE)
    before = fingerprint()
    response = client.post(f"/assessments/{aid}/transition", data={"transition": "approve"})
    assert "sikkerhetsnøkkel" in refused(400, response, before)


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_save_without_valid_csrf_token_is_400(client, make_assessment, token):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    data = {**complete_answers(participation_text="Skulle ikke lagres."), "version": "1"}
    if token:
        data["csrf_token"] = token
    before = fingerprint()
    refused(400, client.post(f"/assessments/{aid}", data=data), before)


def test_extra_fields_cannot_change_state_owner_or_arena(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    other = make_assessment(state=S.SUBMITTED, portfolio="KMB").id
    old_cycle = db.session.scalar(sa.select(Cycle.id).where(Cycle.year == 2021))
    office_id = db.session.scalar(sa.select(User.id).where(User.email == OFFICE))
    before, other_before = row(aid), row(other)
    login(client, CONTACT)
    extra = {
        "state": "decided", "arena_id": str(other_before["arena_id"]), "cycle_id": str(old_cycle),
        "contact_id": str(office_id), "id": str(other), "assessment_id": str(other),
        "decision_outcome": "terminate", "routed_to_council": "1", "review_comment": "x",
        "approved_by_id": str(office_id), "is_carried_forward": "0",
        f"recommendation_{other}": "terminate", "arena": str(other_before["arena_id"]),
    }
    answers = complete_answers(recommendation_reason="Ny begrunnelse.")
    assert save_form(client, aid, {**answers, **extra}).status_code == 302
    after = row(aid)
    assert after["recommendation_reason"] == "Ny begrunnelse."  # the save itself worked
    for column in ("state", "arena_id", "cycle_id", "contact_id", "decision_outcome",
                   "routed_to_council", "review_comment", "approved_by_id",
                   "is_carried_forward", "submitted_at"):
        assert after[column] == before[column], column
    assert row(other) == other_before


def test_contact_cannot_save_another_portfolios_assessment(client, make_assessment):
    aid = make_assessment(state=S.DRAFT, portfolio="KMB").id
    login(client, CONTACT)
    data = {**complete_answers(), "version": str(fresh(aid).version),
            "csrf_token": csrf_token(client, "/assessments/")}
    before = fingerprint()
    refused(403, client.post(f"/assessments/{aid}", data=data), before)
    refused(403, client.post(f"/assessments/{aid}", data={**data, "action": "submit"}), before)


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.DECIDED])
def test_contact_cannot_save_once_submitted(client, make_assessment, state):
    aid = make_assessment(state=state).id
    login(client, CONTACT)
    data = {**complete_answers(participation_text="Endret etter innsending."),
            **form_state(page(client, aid)), "version": str(fresh(aid).version)}
    before = fingerprint()
    refused(409, client.post(f"/assessments/{aid}", data=data), before)


def test_commissioner_cannot_save_answers(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, COMMISSIONER)
    data = {**complete_answers(participation_text="Byråden skriver."),
            **form_state(page(client, aid)), "version": str(fresh(aid).version)}
    before = fingerprint()
    refused(403, client.post(f"/assessments/{aid}", data=data), before)


COST_SENTENCE = ("Skriv den årlige kostnaden som et helt beløp i kroner, 0 eller mer, "
                 "for eksempel 25000.")


@pytest.mark.parametrize("value", ["tolv tusen", "12 000,50", "-5", "1e5"])
def test_bad_yearly_cost_is_400_with_one_full_sentence(client, make_assessment, value):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    response = save_form(client, aid, complete_answers(yearly_cost=value,
                                                       participation_text="Ikke lagret."))
    html = refused(400, response, before)
    error = re.search(r'id="yearly_cost-error">([^<]*)<', html).group(1)
    assert error == COST_SENTENCE  # said once, not the parse error and the range run together
    assert html.count(COST_SENTENCE) == 2  # beside the field and in the error summary
    assert 'aria-invalid="true"' in html
    assert "Not a valid" not in html and "heltallsverdi" not in html


def test_cost_with_a_space_between_thousands_is_read(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    assert save_form(client, aid, complete_answers(yearly_cost="12 000")).status_code == 302
    assert fresh(aid).yearly_cost == 12000


@pytest.mark.parametrize("field", ["participation_value", "learning_outcome_value",
                                   "influence_value", "recommendation",
                                   "participation_participants"])
def test_unknown_choice_is_400(client, make_assessment, field):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    response = save_form(client, aid, complete_answers(**{field: "sometimes"}))
    html = refused(400, response, before)
    assert f'id="{field}-error"' in html


@pytest.mark.parametrize("action", ["save", "submit"])
def test_tampered_version_is_400(client, make_assessment, action):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    response = save_form(client, aid, complete_answers(), action=action, version="abc")
    refused(400, response, before)


@pytest.mark.parametrize(("field", "blank"), [
    ("participation_value", " "), ("influence_value", "\t"), ("recommendation", "\u00a0")])
def test_a_blank_choice_is_400_not_saved(client, make_assessment, field, blank):
    """Found by the form fuzzer: whitespace passed Optional() as the choice (a 500 for the
    recommendation, a stored " " for a rating)."""
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    html = refused(400, save_form(client, aid, complete_answers(**{field: blank})), before)
    assert f'id="{field}-error"' in html and "Ikke et gyldig valg" in html


def test_a_version_of_only_a_newline_is_400(client, make_assessment):
    """Found by the form fuzzer: "\\n" passed the version check ($ matches before a final
    newline) and int("\\n") was a 500."""
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    before = fingerprint()
    response = save_form(client, aid, complete_answers(), version="\n")
    assert "Skjemaet er ugyldig" in refused(400, response, before)
