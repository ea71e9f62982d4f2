"""The council office's day: where sign-in lands, what closing submission says, and the
dashboard's document link and routed counts."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assessment, Cycle
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from workflows.assessment import AssessmentState as S
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


def test_document_section_is_linked_from_the_top_of_the_dashboard(client):
    login(client, OFFICE)
    page = client.get("/cycles/2026").get_data(as_text=True)
    top = page.index('href="#document-heading"')
    assert top < page.index('id="steering-heading"') < page.index('id="document-heading"')


def _approved(year: int) -> list[Assessment]:
    return list(db.session.scalars(sa.select(Assessment).where(
        Assessment.cycle_id == cycle(year).id, Assessment.state == S.APPROVED)))


def test_dashboard_tells_routed_from_not_yet_routed(client):
    approved = _approved(2026)
    assert len(approved) >= 2
    for a in approved:
        a.routed_to_council = None
    approved[0].routed_to_council = True
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/cycles/2026").get_data(as_text=True)
    assert f'data-state="approved">{len(approved)}<' in page
    assert 'sendt til bystyret: <strong data-count="approved-routed">1<' in page
    waiting = page.split('data-count="approved-waiting">')[1].split("<")[0]
    assert int(waiting) == len(approved) - 1
    assert 'href="/council/routing/2026">ikke sendt videre ennå:' in page


def test_compare_with_last_year_only_when_there_is_one(client):
    login(client, OFFICE)
    assert "sammenlign med i fjor" not in client.get("/cycles/2026").get_data(as_text=True)
    assert "sammenlign med 2021" in client.get("/cycles/2026").get_data(as_text=True)
    page = client.get("/cycles/2021").get_data(as_text=True)
    assert "Sett sammen og publiser" in page and "sammenlign" not in page
    post(client, "/cycles/2026/clone", {"year": "2027"})
    assert "sammenlign med i fjor" in client.get("/cycles/2027").get_data(as_text=True)


def _export_header(client, year: int) -> list[str]:
    text = client.get(f"/documents/{year}/export.csv").data.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text), delimiter=";"))


def test_export_names_a_sign_off_only_when_the_cycle_has_one(client):
    login(client, OFFICE)
    with_step = _export_header(client, 2026)
    assert "Godkjent av byråd" in with_step
    cycle(2026).requires_sign_off = False
    db.session.commit()
    without = _export_header(client, 2026)
    assert not any(h.startswith("Godkjent av") for h in without)
    assert len(without) == len(with_step) - 1 and "Godkjent" in without
    text = client.get("/documents/2026/export.csv").data.decode("utf-8-sig")
    assert {len(r) for r in csv.reader(io.StringIO(text), delimiter=";")} == {len(without)}


def test_export_and_dashboard_name_the_cycle_last_years_answers_came_from(client):
    """The demo's open year, 2026, follows 2021: its columns say 2021, not "i fjor" (the year
    right after says "i fjor": tests/cycles/test_running_the_year.py); the first year names
    no year."""
    login(client, OFFICE)
    header = _export_header(client, 2026)
    assert "Videreført fra 2021" in header and "Uendret fra 2021 – kommentar" in header
    assert not any("i fjor" in h for h in header)
    first = _export_header(client, 2021)  # nothing before it in the demo
    assert "Videreført fra forrige gjennomgang" in first and "Uendret – kommentar" in first
    from app.cycles.progress import previous_year

    assert previous_year(cycle(2026)) == 2021 and previous_year(cycle(2021)) is None


@pytest.mark.parametrize("sign_off", [True, False])
def test_opening_says_who_is_invited_as_the_cycle_is_set_up(client, sign_off):
    from app.cycles.operations import create_cycle
    from app.models import User

    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    create_cycle(office, 2031, requires_sign_off=sign_off)
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/cycles/2031/lifecycle/open_cycle").get_data(as_text=True)
    both = "Kontaktpersonene og de som godkjenner, får en invitasjon"
    only = "Kontaktpersonene får en invitasjon på e-post med neste utsending."
    assert (both in page) is sign_off and (only in page) is not sign_off
