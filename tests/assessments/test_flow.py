"""The whole life of an assessment through HTTP, from the contact's draft to the decision."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Arena, Assessment, Cycle, CycleStatus, Portfolio, User
from tests.assessments.conftest import (
    audit_rows,
    complete_answers,
    fresh,
    page,
    save_form,
    take,
)
from tests.conftest import COMMISSIONER, CONTACT, OFFICE, fingerprint, login
from workflows.assessment import AssessmentState

S = AssessmentState


def user_id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def empty_kml_draft() -> int:
    """An open-cycle draft of a KML arena that nobody has started on."""
    return db.session.scalar(
        sa.select(Assessment.id).join(Assessment.cycle).join(Assessment.arena)
        .where(Cycle.status == CycleStatus.OPEN, Assessment.state == S.DRAFT,
               Assessment.recommendation.is_(None),
               Arena.portfolios.any(Portfolio.code == "KML"))
        .order_by(Assessment.id).limit(1))


def transition_rows(assessment_id: int) -> list[tuple]:
    """(action, from, to, actor id) of every workflow step in the audit trail."""
    return [(e.action, e.from_state, e.to_state, e.actor_id) for e in audit_rows(assessment_id)
            if e.action not in ("answers_saved", "demo_loaded")]


def expect_step(assessment_id: int, response, action: str, source: S, target: S, email: str):
    """The request redirected, moved the assessment and wrote exactly one audit row for it."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"] == f"/assessments/{assessment_id}"
    assert fresh(assessment_id).state == target
    rows = [r for r in transition_rows(assessment_id) if r[0] == action]
    assert rows[-1] == (action, source.value, target.value, user_id(email))


def test_contact_saves_a_draft(client):
    aid = empty_kml_draft()
    login(client, CONTACT)
    data = {"participation_value": "passive", "participation_text": "Vi følger med på e-post."}
    response = save_form(client, aid, data)
    assert response.status_code == 302
    assessment = fresh(aid)
    assert assessment.state == S.DRAFT and assessment.version == 2
    assert assessment.answers["participation"] == {
        "value": "passive", "participants": [], "text": "Vi følger med på e-post."}
    assert assessment.updated_by_id == user_id(CONTACT)
    last = audit_rows(aid)[-1]
    assert (last.action, last.from_state, last.to_state, last.actor_id) == (
        "answers_saved", "draft", "draft", user_id(CONTACT))
    assert "participation" in last.details["fields"]


def test_saving_unchanged_answers_writes_nothing(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    assert save_form(client, aid, complete_answers()).status_code == 302
    before = fingerprint()
    assert save_form(client, aid, complete_answers()).status_code == 302
    assert fingerprint() == before


def test_incomplete_submission_is_saved_and_names_what_is_missing(client):
    aid = empty_kml_draft()
    login(client, CONTACT)
    partial = complete_answers(influence_value="", influence_text="", recommendation="")
    response = save_form(client, aid, partial, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("influence_value", "influence_text", "recommendation"):
        assert f'id="{field}-error"' in html  # the message sits next to the field
        assert f'href="#{field}"' in html  # and the summary links to it
    assert "Skriv en begrunnelse." in html and "Velg en anbefaling." in html
    assert 'id="learning_outcome_text-error"' not in html
    assessment = fresh(aid)
    assert assessment.state == S.DRAFT
    assert assessment.answers["learning_outcome"]["text"] == partial["learning_outcome_text"]
    assert assessment.missing_fields == ["influence_value", "influence_text", "recommendation"]
    assert transition_rows(aid) == []


def test_the_whole_flow(client, new_client):
    aid = empty_kml_draft()
    contact, commissioner, office = client, new_client(), new_client()
    login(contact, CONTACT)
    login(commissioner, COMMISSIONER)
    login(office, OFFICE)

    response = save_form(contact, aid, complete_answers(), action="submit")
    expect_step(aid, response, "submit", S.DRAFT, S.SUBMITTED, CONTACT)
    assert fresh(aid).submitted_at is not None

    expect_step(aid, take(commissioner, aid, "sign_off"), "sign_off", S.SUBMITTED, S.IN_REVIEW,
                COMMISSIONER)
    assert fresh(aid).signed_off_by_id == user_id(COMMISSIONER)

    before = fingerprint()
    response = take(office, aid, "return_for_changes", comment="   ")
    assert response.status_code == 303  # back to the page itself, the comment field marked
    assert "Skriv en kommentar" in office.get(response.headers["Location"]).get_data(
        as_text=True)
    assert fingerprint() == before

    comment = "Beskriv gjennomslaget med et konkret eksempel fra i år."
    response = take(office, aid, "return_for_changes", comment=comment)
    expect_step(aid, response, "return_for_changes", S.IN_REVIEW, S.RETURNED, OFFICE)
    assert fresh(aid).review_comment == comment
    html = page(contact, aid)
    assert comment in html and 'name="influence_text"' in html

    fixed = complete_answers(influence_text="Vi fikk gjennomslag for et nytt klimamål.")
    response = save_form(contact, aid, fixed, action="submit")
    expect_step(aid, response, "submit", S.RETURNED, S.SUBMITTED, CONTACT)
    assert fresh(aid).answers["influence"]["text"] == fixed["influence_text"]

    response = take(commissioner, aid, "send_back", comment="Legg til kostnaden for reiser.")
    expect_step(aid, response, "send_back", S.SUBMITTED, S.RETURNED, COMMISSIONER)
    assert "Legg til kostnaden for reiser." in page(contact, aid)

    response = save_form(contact, aid, complete_answers(yearly_cost="15500"), action="submit")
    expect_step(aid, response, "submit", S.RETURNED, S.SUBMITTED, CONTACT)
    expect_step(aid, take(commissioner, aid, "sign_off"), "sign_off", S.SUBMITTED, S.IN_REVIEW,
                COMMISSIONER)
    expect_step(aid, take(office, aid, "approve"), "approve", S.IN_REVIEW, S.APPROVED, OFFICE)
    assert fresh(aid).approved_by_id == user_id(OFFICE)

    response = take(office, aid, "confirm_recommendation")
    expect_step(aid, response, "confirm_recommendation", S.APPROVED, S.DECIDED, OFFICE)
    decided = fresh(aid)
    assert decided.recommendation is not None
    assert decided.decision_outcome == decided.recommendation
    assert decided.routed_to_council is False
    assert decided.decided_by_id == user_id(OFFICE) and decided.decided_at is not None
    assert decided.yearly_cost == 15500

    ids = {e: user_id(e) for e in (CONTACT, COMMISSIONER, OFFICE)}
    assert transition_rows(aid) == [
        ("submit", "draft", "submitted", ids[CONTACT]),
        ("sign_off", "submitted", "in_review", ids[COMMISSIONER]),
        ("return_for_changes", "in_review", "returned", ids[OFFICE]),
        ("submit", "returned", "submitted", ids[CONTACT]),
        ("send_back", "submitted", "returned", ids[COMMISSIONER]),
        ("submit", "returned", "submitted", ids[CONTACT]),
        ("sign_off", "submitted", "in_review", ids[COMMISSIONER]),
        ("approve", "in_review", "approved", ids[OFFICE]),
        ("confirm_recommendation", "approved", "decided", ids[OFFICE]),
    ]
    comments = [e.details.get("comment") for e in audit_rows(aid) if e.action in (
        "return_for_changes", "send_back")]
    assert comments == [comment, "Legg til kostnaden for reiser."]


def test_without_sign_off_submission_goes_straight_to_review(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    db.session.scalar(sa.select(Cycle).where(Cycle.status == CycleStatus.OPEN)) \
        .requires_sign_off = False
    db.session.commit()
    login(client, CONTACT)
    response = save_form(client, aid, complete_answers(), action="submit")
    expect_step(aid, response, "submit_for_review", S.DRAFT, S.IN_REVIEW, CONTACT)
    assert transition_rows(aid) == [
        ("submit_for_review", "draft", "in_review", user_id(CONTACT))]


def test_commissioner_cannot_skip_the_office(client, make_assessment):
    aid = make_assessment(state=S.IN_REVIEW).id
    login(client, COMMISSIONER)
    before = fingerprint()
    assert take(client, aid, "approve").status_code == 403
    assert fingerprint() == before
