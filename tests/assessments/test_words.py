"""The assessment page speaks the municipality's words: no stored key in the history or the
conflict view, "i fjor" only about last year, and the cost starts from the register."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Assessment, Cycle
from tests.assessments.conftest import complete_answers, form_state, fresh, page, save_form
from tests.conftest import CONTACT, login
from workflows.assessment import AssessmentState
from workflows.roles import Role


def main_text(html: str) -> str:
    """The page's main part with tags and attribute values removed (what a reader sees)."""
    if "<main" in html:
        html = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"<[^>]+>", " ", html)


def history(html: str) -> str:
    return main_text(html[html.index('id="history-heading"'):])


def test_the_history_names_fields_in_words(client, make_assessment):
    aid = make_assessment(state=AssessmentState.DRAFT, portfolio="KML").id
    login(client, CONTACT)
    answers = complete_answers(yearly_cost="4321", influence_value="low",
                               recommendation="terminate")
    assert save_form(client, aid, answers).status_code == 302
    text = history(page(client, aid))
    assert "Årlig kostnad" in text and "Anbefaling" in text and "Gjennomslagskraft" in text
    for key in ("yearly_cost", "recommendation", "influence", "learning_outcome"):
        assert key not in text, key


def test_the_conflict_view_shows_ratings_and_choices_as_words(
        client, new_client, make_user, make_assessment):
    colleague = make_user(roles={Role.CONTACT}, portfolios=["KML"], name="Kåre Kollega")
    aid = make_assessment(state=AssessmentState.DRAFT, portfolio="KML").id
    first, second = client, new_client()
    login(first, CONTACT)
    login(second, colleague.email)
    first_form, second_form = form_state(page(first, aid)), form_state(page(second, aid))
    saved = first.post(f"/assessments/{aid}", data={
        **first_form, **complete_answers(influence_value="high", recommendation="continue"),
        "action": "save"})
    assert saved.status_code == 302
    response = second.post(f"/assessments/{aid}", data={
        **second_form, **complete_answers(influence_value="low", recommendation="terminate"),
        "action": "save"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    notice = html[html.index('id="conflict"'):html.index("</table>", html.index('id="conflict"'))]
    cells = main_text(notice)
    assert "Stort" in cells and "Lite" in cells
    assert "Videreføre" in cells and "Avslutte (melde ut)" in cells
    for key in (">high<", ">low<", ">continue<", ">terminate<"):
        assert key not in notice, key


def test_answers_from_2021_are_not_called_last_years(client, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT, portfolio="KML")
    login(client, CONTACT)
    text = main_text(page(client, assessment.id))
    assert "Svar fra 2021" in text and "Fjorårets" not in text and "i fjor" not in text
    assert "Ingen endring siden 2021?" in text


def test_answers_from_last_year_are_last_years(client, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT, portfolio="KML")
    old = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    old.year = assessment.cycle.year - 1
    db.session.commit()
    login(client, CONTACT)
    text = main_text(page(client, assessment.id))
    assert "Fjorårets svar" in text and "Ingen endring siden i fjor?" in text
    assert "Svar fra" not in text


def test_the_yearly_cost_starts_from_the_register(client, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT, portfolio="KML")
    assessment.yearly_cost = None
    assessment.arena.yearly_cost = 18500
    db.session.commit()
    login(client, CONTACT)
    html = page(client, assessment.id)
    assert re.search(r'name="yearly_cost"[^>]*value="18500"', html)
    assert "Tallet er hentet fra arenaregisteret (18\u00a0500 kr)" in html
    # the contact can change it; the stored figure then wins, and the note is gone
    assert save_form(client, assessment.id, complete_answers(yearly_cost="9000")).status_code == 302
    assert fresh(assessment.id).yearly_cost == 9000
    html = page(client, assessment.id)
    assert re.search(r'name="yearly_cost"[^>]*value="9000"', html)
    assert "hentet fra arenaregisteret" not in html


def test_a_stored_cost_is_never_replaced_by_the_register(client, make_assessment):
    assessment = make_assessment(state=AssessmentState.DRAFT, portfolio="KML")
    assessment.yearly_cost = 700
    assessment.arena.yearly_cost = 18500
    db.session.commit()
    login(client, CONTACT)
    html = page(client, assessment.id)
    assert re.search(r'name="yearly_cost"[^>]*value="700"', html)
    assert "hentet fra arenaregisteret" not in html
    assert db.session.get(Assessment, assessment.id).yearly_cost == 700
