"""Who sees which assessment page, and what is on it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import Assessment, Cycle
from tests.assessments.conftest import page
from tests.conftest import ADMIN, COMMISSIONER, CONTACT, OFFICE, OTHER_CONTACT, SECRETARY, login
from workflows.assessment import AssessmentState

S = AssessmentState
EVERYONE = (CONTACT, OTHER_CONTACT, COMMISSIONER, OFFICE, SECRETARY, ADMIN)
TRANSITION_RE = re.compile(r'name="transition" value="([a-z_]+)"')
FORM_MARK = 'name="participation_value"'


def status_of(client, email: str | None, url: str):
    if email:
        login(client, email)
    return client.get(url)


@pytest.mark.parametrize("email", EVERYONE)
def test_my_assessments_is_for_contacts(client, email):
    response = status_of(client, email, "/assessments/")
    assert response.status_code == (200 if email in (CONTACT, OTHER_CONTACT) else 403)


def test_my_assessments_lists_only_my_portfolios(client):
    html = status_of(client, CONTACT, "/assessments/").get_data(as_text=True)
    assert "Rainbow Cities Network" in html  # KML and ASB
    assert "Intercultural Cities" in html  # KML
    assert "Covenant of Mayors" not in html  # KMB
    assert "Eurocities" not in html  # BL


@pytest.mark.parametrize("url", ["/assessments/", "/assessments/sign-off", "/assessments/44"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("email", EVERYONE)
def test_sign_off_list_is_for_commissioners(client, email):
    response = status_of(client, email, "/assessments/sign-off")
    assert response.status_code == (200 if email == COMMISSIONER else 403)


def test_sign_off_list_puts_submitted_first(client):
    html = status_of(client, COMMISSIONER, "/assessments/sign-off").get_data(as_text=True)
    submitted = html.index("International Cities of Refuge Network")  # KML, submitted
    draft = html.index("Intercultural Cities")  # KML, in review
    assert submitted < draft
    assert "Covenant of Mayors" not in html  # KMB


@pytest.mark.parametrize(("email", "status"), [
    (CONTACT, 200), (COMMISSIONER, 200), (OFFICE, 200), (SECRETARY, 200),
    (OTHER_CONTACT, 403), (ADMIN, 403),
])
def test_detail_of_a_kml_assessment(client, make_assessment, email, status):
    assessment = make_assessment(state=S.SUBMITTED, portfolio="KML")
    assert status_of(client, email, f"/assessments/{assessment.id}").status_code == status


@pytest.mark.parametrize(("email", "status"), [
    (CONTACT, 403), (COMMISSIONER, 403), (OTHER_CONTACT, 200), (OFFICE, 200),
])
def test_detail_of_a_kmb_assessment(client, make_assessment, email, status):
    assessment = make_assessment(state=S.DRAFT, portfolio="KMB")
    assert status_of(client, email, f"/assessments/{assessment.id}").status_code == status


def test_unknown_assessment_is_404(client):
    assert status_of(client, OFFICE, "/assessments/999999").status_code == 404


@pytest.mark.parametrize("state", list(S))
def test_contact_gets_the_form_only_while_writing(client, make_assessment, state):
    assessment = make_assessment(state=state, portfolio="KML")
    login(client, CONTACT)
    html = page(client, assessment.id)
    assert (FORM_MARK in html) is (state in (S.DRAFT, S.RETURNED))
    assert ('name="action" value="submit"' in html) is (state in (S.DRAFT, S.RETURNED))


@pytest.mark.parametrize("email", [COMMISSIONER, OFFICE, SECRETARY])
def test_others_never_get_the_form(client, make_assessment, email):
    assessment = make_assessment(state=S.DRAFT, portfolio="KML")
    login(client, email)
    assert FORM_MARK not in page(client, assessment.id)


@pytest.mark.parametrize(("state", "email", "buttons"), [
    (S.DRAFT, CONTACT, set()),  # submitting is part of the form, not a separate button
    (S.SUBMITTED, CONTACT, set()),
    (S.SUBMITTED, COMMISSIONER, {"sign_off", "send_back"}),
    (S.SUBMITTED, OFFICE, set()),
    (S.IN_REVIEW, COMMISSIONER, set()),
    (S.IN_REVIEW, OFFICE, {"return_for_changes", "approve"}),
    (S.APPROVED, OFFICE, {"reopen_review", "confirm_recommendation"}),
    (S.APPROVED, SECRETARY, set()),
    (S.DECIDED, OFFICE, set()),
])
def test_buttons_follow_the_workflow(client, make_assessment, state, email, buttons):
    assessment = make_assessment(state=state, portfolio="KML")
    login(client, email)
    assert set(TRANSITION_RE.findall(page(client, assessment.id))) == buttons


def mark_last_year(assessment_id: int, marker: str) -> None:
    """Give the same arena's 2021 assessment a distinctive answer and reason."""
    current = db.session.get(Assessment, assessment_id)
    previous = db.session.scalar(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Assessment.arena_id == current.arena_id, Cycle.year == 2021))
    answers = dict(previous.answers)
    answers["influence"] = {**answers["influence"], "text": f"{marker} (gjennomslag)"}
    previous.answers = answers
    previous.recommendation_reason = f"{marker} (begrunnelse)"
    db.session.commit()


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED])
@pytest.mark.parametrize("email", [CONTACT, OFFICE])
def test_last_years_answers_are_shown(client, make_assessment, state, email):
    assessment = make_assessment(state=state, portfolio="KML")
    mark_last_year(assessment.id, "Fjorårsmarkør 2021")
    login(client, email)
    html = page(client, assessment.id)
    assert "Fjorårsmarkør 2021 (gjennomslag)" in html
    if state != S.DRAFT:  # the read-only page shows last year's whole assessment
        assert "Fjorårsmarkør 2021 (begrunnelse)" in html


def test_form_shows_last_years_recommendation_reason(client, make_assessment):
    from app.assessments.queries import previous_assessment

    assessment = make_assessment(state="draft", portfolio="KML")
    reason = previous_assessment(assessment).recommendation_reason
    assert reason
    login(client, CONTACT)
    html = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert 'name="recommendation_reason"' in html
    assert escape(reason) in html
