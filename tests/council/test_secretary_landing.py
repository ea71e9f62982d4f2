"""After signing in, a council secretary lands on the current case (issue 19): the open cycle's
coming meeting, else its meeting just held, else the list of cases."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import today
from app.council.operations import CaseInput, create_case
from app.extensions import db
from app.models.council import CouncilCase
from tests.conftest import OFFICE, SECRETARY, login
from tests.council.conftest import open_cycle, user
from workflows.roles import Role


def landing(client, email: str) -> list[str]:
    """The addresses the sign-in redirects through, the last one the page shown."""
    response = login(client, email)
    hops = []
    while response.status_code == 302:
        hops.append(response.headers["Location"])
        response = client.get(hops[-1])
    assert response.status_code == 200
    return hops


def case_on(term_id: int, number: str, days_from_today: int) -> int:
    cycle = open_cycle()
    case = create_case(user(SECRETARY), CaseInput(
        cycle.id, term_id, number, today() + timedelta(days=days_from_today), "", "Gjennomgang"))
    db.session.commit()
    return case.id


def test_without_a_case_of_the_open_cycle_the_secretary_lands_on_the_case_list(client):
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CouncilCase).where(
        CouncilCase.cycle_id == open_cycle().id)) == 0
    assert landing(client, SECRETARY)[-1] == "/council/"


def test_the_secretary_lands_on_the_coming_meeting_of_the_open_cycle(client, term):
    case_on(term, "1/26", -20)  # already held
    coming = case_on(term, "2/26", 10)
    case_on(term, "3/26", 40)  # a later meeting
    assert landing(client, SECRETARY)[-1] == f"/council/cases/{coming}"


def test_after_the_last_meeting_the_secretary_lands_on_the_one_just_held(client, term):
    case_on(term, "1/26", -20)
    held = case_on(term, "2/26", -2)  # the votes are recorded after the meeting
    assert landing(client, SECRETARY)[-1] == f"/council/cases/{held}"


def test_others_do_not_land_on_a_case(client, term, make_user):
    case_on(term, "2/26", 10)
    assert not any("/council/" in hop for hop in landing(client, OFFICE))
    both = make_user(roles={Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY}, email="begge@test.ex")
    fresh = client.application.test_client()  # not signed in as the office
    assert "/council/current" not in landing(fresh, both.email)


def test_the_current_case_address_is_for_secretaries(client, term):
    login(client, OFFICE)
    assert client.get("/council/current").status_code == 403
