"""The council office's day: where sign-in lands, what closing submission says, and the
dashboard's document link and routed counts."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Cycle
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from workflows.cycle import CycleStatus


def cycle(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def test_office_lands_on_the_running_cycle(client):
    response = post(client, "/auth/login", {"email": OFFICE, "password": "demo"})
    assert response.location == "/"
    assert client.get("/").location == "/cycles/2026"


def test_office_lands_on_the_list_when_no_cycle_runs(client):
    cycle(2026).status = CycleStatus.PUBLISHED
    db.session.commit()
    login(client, OFFICE)
    assert client.get("/").location == "/cycles/"


def test_secretary_does_not_land_on_the_office_dashboard(client):
    login(client, SECRETARY)
    assert client.get("/").location != "/cycles/2026"


def test_closing_submission_asks_first_and_says_what_it_does(client):
    login(client, OFFICE)
    dashboard = client.get("/cycles/2026").get_data(as_text=True)
    assert 'href="/cycles/2026/lifecycle/close_submissions"' in dashboard
    before = fingerprint()
    response = post(client, "/cycles/2026/lifecycle", {"transition": "close_submissions"})
    assert response.location.endswith("/cycles/2026/lifecycle/close_submissions")
    assert fingerprint() == before
    page = client.get(response.location).get_data(as_text=True)
    assert "Gjennomgangen får status «Under behandling»" in page
    assert "De blir verken slettet eller låst" in page
    assert "kan kontaktpersonen rette og sende inn på nytt" in page
    assert "Ingen får e-post om at innsendingen er avsluttet" in page
    assert 'name="confirmed" value="1"' in page
    post(client, "/cycles/2026/lifecycle", {"transition": "close_submissions", "confirmed": "1"})
    db.session.expire_all()
    assert cycle(2026).status == CycleStatus.IN_REVIEW
