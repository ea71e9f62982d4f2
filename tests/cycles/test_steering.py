"""The council office's steering pages: clone/open buttons, handover, bulk actions, and the
contact's "no change since last year"."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Assessment, AuditEvent, Cycle, Portfolio, User
from tests.conftest import (
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OTHER_CONTACT,
    SECRETARY,
    fingerprint,
    login,
    post,
)
from workflows.assessment import AssessmentState as S
from workflows.cycle import CycleStatus


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def cycle(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def test_office_clones_and_opens_from_the_dashboard(client):
    login(client, OFFICE)
    response = post(client, "/cycles/2021/clone", {"year": "2027"})
    assert response.status_code == 302 and response.location.endswith("/cycles/2027")
    page = client.get("/cycles/2027").get_data(as_text=True)
    assert "Åpne gjennomgangen" in page
    response = post(client, "/cycles/2027/lifecycle", {"transition": "open_cycle"})
    assert response.status_code == 302  # first the page that says what opening does
    assert response.location.endswith("/cycles/2027/lifecycle/open_cycle")
    assert cycle(2027).status == CycleStatus.PLANNED
    page = client.get(response.location).get_data(as_text=True)
    assert "Det lages 37 vurderinger, én per arena i gjennomgangen." in page
    assert "får en invitasjon på e-post" in page
    response = post(client, "/cycles/2027/lifecycle",
                    {"transition": "open_cycle", "confirmed": "1"})
    assert response.status_code == 302
    assert cycle(2027).status == CycleStatus.OPEN
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)
                              .where(Assessment.cycle_id == cycle(2027).id))
    assert count == 37
    assert "Åpne gjennomgangen" not in client.get("/cycles/2027").get_data(as_text=True)


def test_lifecycle_step_not_allowed_changes_nothing(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/2026/lifecycle", {"transition": "publish_cycle"})
    assert response.status_code == 302
    assert fingerprint() == before
    assert "Det går ikke nå" in client.get("/cycles/2026").get_data(as_text=True)
    assert post(client, "/cycles/2026/lifecycle", {"transition": "bogus"}).status_code == 400


def test_only_the_office_steers(client):
    login(client, CONTACT)
    before = fingerprint()
    assert post(client, "/cycles/2021/clone", {"year": "2027"}).status_code == 403
    assert post(client, "/cycles/2026/lifecycle",
                {"transition": "close_submissions"}).status_code == 403
    assert client.get("/cycles/handover").status_code == 403
    assert client.get("/cycles/2026/bulk").status_code == 403
    assert fingerprint() == before


def test_handover_moves_access_and_keeps_the_draft(client, make_assessment, make_user):
    draft = make_assessment(state=S.DRAFT, portfolio="KML")
    text = draft.answer("participation").get("text")
    newcomer = make_user(name="Nora Ny", email="nora@bergen.example")
    kml = db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML"))
    login(client, OFFICE)
    response = post(client, "/cycles/handover", {
        "portfolio": kml.id, "old_user": user(CONTACT).id, "new_user": newcomer.id})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "contact_handed_over"))
    assert event.details["to_user"] == newcomer.id
    from app.models import OutboxMessage

    told = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.to_email == "nora@bergen.example")).all()
    assert len(told) == 1 and told[0].kind == "invitation"
    assert draft.id in told[0].assessment_ids and draft.arena.name in told[0].body_text
    other = client.application.test_client()
    login(other, CONTACT)
    assert other.get(f"/assessments/{draft.id}").status_code == 403  # lost access
    fresh = client.application.test_client()
    login(fresh, "nora@bergen.example")
    page = fresh.get(f"/assessments/{draft.id}").get_data(as_text=True)
    assert 'name="participation_text"' in page and (text or "") in page


def test_bulk_approve_and_reassign(client, make_user):
    login(client, OFFICE)
    in_review = db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle(2026).id, Assessment.state == S.IN_REVIEW)).all()
    drafts = db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle(2026).id, Assessment.state == S.DRAFT)).all()
    ids = [a.id for a in in_review] + [drafts[0].id]
    response = post(client, "/cycles/2026/bulk", {"assessment_ids": ids, "action": "approve"})
    assert response.status_code == 302
    states = {a.id: a.state for a in db.session.scalars(
        sa.select(Assessment).where(Assessment.id.in_(ids)))}
    assert all(states[a.id] == S.APPROVED for a in in_review)
    assert states[drafts[0].id] == S.DRAFT  # not possible, left as it was
    target = user(OTHER_CONTACT)
    response = post(client, "/cycles/2026/bulk", {
        "assessment_ids": [d.id for d in drafts[:2]], "action": "reassign", "user": target.id})
    assert response.status_code == 302
    assert {db.session.get(Assessment, d.id).contact_id for d in drafts[:2]} == {target.id}


def test_bulk_without_selection_is_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/2026/bulk", {"action": "approve"})
    assert response.status_code == 400 and "Velg minst én vurdering" in response.get_data(
        as_text=True)
    assert fingerprint() == before


def test_contact_confirms_unchanged_with_a_comment(client, make_assessment):
    draft = make_assessment(state=S.DRAFT, portfolio="KML")
    draft.answers, draft.recommendation = {}, None
    db.session.commit()
    login(client, CONTACT)
    before = fingerprint()
    assert post(client, f"/assessments/{draft.id}/unchanged",
                {"unchanged_comment": "  "}).status_code == 303  # back to the page, box open
    assert fingerprint() == before
    response = post(client, f"/assessments/{draft.id}/unchanged",
                    {"unchanged_comment": "Samme deltakelse som i fjor."})
    assert response.status_code == 302
    done = db.session.get(Assessment, draft.id)
    assert done.state == S.SUBMITTED and done.unchanged_comment == "Samme deltakelse som i fjor."
    assert done.answer("participation")["value"]
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "assessment", AuditEvent.entity_id == draft.id)).all()
    assert "confirmed_unchanged" in actions and "submit" in actions
    login(client, OFFICE)
    assert "ingenting er endret siden 2021" in client.get(
        f"/assessments/{draft.id}").get_data(as_text=True)


def test_form_flags_answers_that_differ_from_last_year(client, make_assessment):
    draft = make_assessment(state=S.DRAFT, portfolio="KML")
    answers = dict(draft.answers)
    answers["influence"] = {"value": "none", "text": "Ingen påvirkning i år."}
    draft.answers = answers
    db.session.commit()
    login(client, CONTACT)
    page = client.get(f"/assessments/{draft.id}").get_data(as_text=True)
    assert page.count("Endret siden 2021") == 1  # the compared cycle is not last year's


def test_bulk_remind_now_queues_one_mail_per_contact(client):
    from app.models import OutboxMessage

    login(client, OFFICE)
    unfinished = db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle(2026).id,
        Assessment.state.in_([S.DRAFT, S.RETURNED]))).all()
    kml = [a for a in unfinished if any(p.code == "KML" for p in a.arena.portfolios)]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    response = post(client, "/cycles/2026/bulk",
                    {"assessment_ids": [a.id for a in kml], "action": "remind"})
    assert response.status_code == 302
    new = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
                             .limit(5)).all()
    added = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) - before
    overdue = cycle(2026).submission_deadline < clock.today()
    assert added == 1 and new[0].to_email == CONTACT
    assert new[0].kind == ("reminder_overdue" if overdue else "reminder")
    assert ("Fristen gikk ut" in new[0].subject) == overdue and "-" not in new[0].subject
    assert sorted(new[0].assessment_ids) == sorted(a.id for a in kml)
    assert kml[0].arena.name in new[0].body_text


@pytest.mark.parametrize("email", [COMMISSIONER, OFFICE, SECRETARY])
def test_only_the_contact_confirms_unchanged_even_with_an_empty_form(client, make_assessment,
                                                                      email):
    draft = make_assessment(state=S.DRAFT, portfolio="KML")
    login(client, email)
    before = fingerprint()
    assert post(client, f"/assessments/{draft.id}/unchanged", {}).status_code == 403
    assert post(client, f"/assessments/{draft.id}/unchanged",
                {"unchanged_comment": "Som i fjor."}).status_code == 403
    assert fingerprint() == before
