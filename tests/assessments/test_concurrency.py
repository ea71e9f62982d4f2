"""Two people editing the same draft: the second save must not silently overwrite the first."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.assessments import operations as ops
from app.errors import ConflictError
from app.extensions import db
from app.models import Assessment, AuditEvent, Recommendation, User
from tests.assessments.conftest import complete_answers, form_state, fresh, page, take
from tests.conftest import CONTACT, OFFICE, fingerprint, login
from workflows.assessment import AssessmentState
from workflows.roles import Role

FIRST = "Den første kontakten skrev dette."
SECOND = "Den andre kontakten skrev noe helt annet."


@pytest.fixture()
def two_contacts(client, new_client, make_user, make_assessment):
    """Two logged-in contacts of KML, both with the same draft open; yields (id, a, b, forms)."""
    colleague = make_user(roles={Role.CONTACT}, portfolios=["KML"], name="Kåre Kollega")
    aid = make_assessment(state=AssessmentState.DRAFT, portfolio="KML").id
    first, second = client, new_client()
    login(first, CONTACT)
    login(second, colleague.email)
    return aid, first, second, form_state(page(first, aid)), form_state(page(second, aid))


def conflict_notice(html: str) -> str:
    """The conflict box of a page (asserts it is there)."""
    start = html.index('id="conflict"')
    return html[start:html.index("</table>", start)]


def post_answers(client, aid, form: dict, text: str):
    return client.post(f"/assessments/{aid}",
                       data={**form, **complete_answers(participation_text=text),
                             "action": "save"})


def test_stale_save_is_refused_and_shows_both_versions(two_contacts):
    aid, first, second, first_form, second_form = two_contacts
    assert first_form["version"] == second_form["version"]
    assert post_answers(first, aid, first_form, FIRST).status_code == 302
    saved = fresh(aid)
    assert saved.answers["participation"]["text"] == FIRST
    before = fingerprint()

    response = post_answers(second, aid, second_form, SECOND)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    notice = conflict_notice(html)
    assert "Noen andre har lagret" in notice
    assert FIRST in notice and SECOND in notice  # the stored version beside what they typed
    assert f"{SECOND}</textarea>" in html  # and their text is still in the form
    assert fingerprint() == before
    assert fresh(aid).answers["participation"]["text"] == FIRST

    retry = form_state(html)
    assert retry["version"] == str(saved.version) != second_form["version"]
    assert post_answers(second, aid, retry, SECOND).status_code == 302
    assert fresh(aid).answers["participation"]["text"] == SECOND


def test_stale_submit_is_refused_too(two_contacts):
    aid, first, second, first_form, second_form = two_contacts
    assert post_answers(first, aid, first_form, FIRST).status_code == 302
    before = fingerprint()
    response = second.post(f"/assessments/{aid}", data={
        **second_form, **complete_answers(participation_text=SECOND), "action": "submit"})
    assert response.status_code == 409
    assert fingerprint() == before
    assert fresh(aid).state == AssessmentState.DRAFT


def after_someone_else(operation):
    """`operation`, run after another writer bumped the row behind the loaded object's back.

    On PostgreSQL another request can commit between our read and our UPDATE; only the
    version column (UPDATE ... WHERE version = ?) notices. Here the "other writer" shares our
    transaction, so the refusal's rollback undoes it too and the database must be unchanged.
    """

    def run(assessment, *args, **kwargs):
        db.session.execute(
            sa.update(Assessment).where(Assessment.id == assessment.id)
            .values(version=Assessment.version + 1, recommendation_reason="Den andre.")
            .execution_options(synchronize_session=False))
        return operation(assessment, *args, **kwargs)

    return run


def test_write_between_check_and_save_is_a_conflict_not_a_crash(two_contacts, monkeypatch):
    aid, first, _second, first_form, _ = two_contacts
    monkeypatch.setattr(ops, "save_answers", after_someone_else(ops.save_answers))
    before = fingerprint()
    response = post_answers(first, aid, first_form, FIRST)
    assert response.status_code == 409
    assert "Den andre." not in conflict_notice(response.get_data(as_text=True))  # rolled back
    assert fingerprint() == before


def test_write_between_save_and_submit_is_a_conflict(two_contacts, monkeypatch):
    aid, first, _second, first_form, _ = two_contacts
    monkeypatch.setattr(ops, "submit_assessment", after_someone_else(ops.submit_assessment))
    response = first.post(f"/assessments/{aid}", data={
        **first_form, **complete_answers(participation_text=FIRST), "action": "submit"})
    assert response.status_code == 409
    saved = fresh(aid)  # the save committed before the submit was refused
    assert saved.state == AssessmentState.DRAFT
    assert saved.answers["participation"]["text"] == FIRST


def test_write_between_check_and_transition_is_a_conflict(client, make_assessment, monkeypatch):
    aid = make_assessment(state=AssessmentState.IN_REVIEW).id
    login(client, OFFICE)
    monkeypatch.setattr(ops, "transition_assessment",
                        after_someone_else(ops.transition_assessment))
    before = fingerprint()
    response = take(client, aid, "approve")
    assert response.status_code == 409
    assert "Noen andre har lagret" in response.get_data(as_text=True)
    assert fingerprint() == before


def answer_input(text: str) -> ops.AnswerInput:
    return ops.AnswerInput(
        answers={"participation": {"value": "active", "participants": [], "text": text}},
        yearly_cost=100, recommendation=Recommendation.TERMINATE, recommendation_reason=text)


def test_save_answers_with_stale_version_raises_and_writes_nothing(app, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT)
    contact = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    audit_count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    before = fingerprint()
    assessment = db.session.get(Assessment, assessment.id)
    with pytest.raises(ConflictError) as raised:
        ops.save_answers(assessment, contact, answer_input("Utdatert."), assessment.version - 1)
    assert (raised.value.current_version, raised.value.submitted_version) == (
        assessment.version, assessment.version - 1)
    db.session.commit()  # anything the operation had changed would be stored now
    assert fingerprint() == before
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == audit_count


def test_save_answers_with_current_version_bumps_it(app, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT)
    contact = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    version = assessment.version
    changed = ops.save_answers(assessment, contact, answer_input("Ferskt."), version)
    db.session.commit()
    assert {"participation", "recommendation"} <= set(changed)
    assert fresh(assessment.id).version == version + 1


@pytest.mark.parametrize("race", ["state", "version"])
def test_a_submit_beaten_by_another_change_keeps_the_saved_draft_and_says_so(
        client, make_assessment, monkeypatch, race):
    """The save commits, then someone else's change (another submit, or a newer version)
    wins before the submit: the page says the draft is saved and not sent, and shows it."""
    from sqlalchemy.orm.exc import StaleDataError

    from app.assessments import views
    from workflows.engine import TransitionNotAllowed

    def beaten(assessment, actor):
        if race == "state":
            raise TransitionNotAllowed("submit", ["the state changed"])
        raise StaleDataError("a newer version")

    aid = make_assessment(state=AssessmentState.DRAFT).id
    login(client, CONTACT)
    monkeypatch.setattr(views.ops, "submit_assessment", beaten)
    form = {**form_state(page(client, aid)), **complete_answers(
        participation_text="Skrevet rett før innsending."), "action": "submit"}
    response = client.post(f"/assessments/{aid}", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Utkastet er lagret, men ikke sendt inn" in html
    stored = fresh(aid)
    assert stored.state == AssessmentState.DRAFT
    assert stored.answer("participation")["text"] == "Skrevet rett før innsending."
    assert "Skrevet rett før innsending." in html  # what the user typed is on the page
