"""Creating a cycle without an earlier one: the page, the command and the API (issue 13)."""

from __future__ import annotations

from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.cycles.operations import create_cycle, register_arenas
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, ArenaStatus, Assessment, AuditEvent, Cycle, Portfolio, User
from config import TestConfig
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    SECRETARY,
    IsolatedClient,
    fingerprint,
    login,
    post,
)
from workflows.cycle import CycleStatus

YEAR = 2031  # no demo cycle has it


def cycle(year: int) -> Cycle | None:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture()
def blank(empty_database_url):
    """The app on a migrated, empty database: no demo, no cycle, no arena."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    application.test_client_class = IsolatedClient
    with application.app_context():
        flask_migrate.upgrade(revision="heads")
        yield application
        db.session.remove()
        db.engine.dispose()


# --------------------------------------------------------------------------- the operation
def test_a_new_cycle_takes_every_active_arena_and_the_default_criteria(app):
    archived = db.session.scalar(sa.select(Arena).where(Arena.status == ArenaStatus.MEMBER))
    archived.is_archived = True
    new = create_cycle(user(OFFICE), YEAR, submission_deadline=date(YEAR, 3, 20))
    db.session.commit()
    expected = {a.id for a in register_arenas()}
    assert archived.id not in expected and expected
    assert {a.id for a in new.arenas} == expected
    assert all(a.status in (ArenaStatus.MEMBER, ArenaStatus.PROPOSED) for a in new.arenas)
    assert new.status == CycleStatus.PLANNED and new.title == f"Gjennomgang {YEAR}"
    assert [c.key for c in new.criteria_set.criteria] == [
        "participation", "learning_outcome", "influence", "other_value"]
    others = db.session.scalars(sa.select(Cycle.criteria_set_id).where(Cycle.id != new.id))
    assert new.criteria_set_id not in set(others)  # its own set: editing it touches no other
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)
                             .where(Assessment.cycle_id == new.id)) == 0
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "cycle_created"))
    assert event.entity_id == new.id and event.details["arenas"] == len(expected)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"year": 1800}, "year"),
    ({"year": "2031"}, "year"),
    ({"title": "x" * 301}, "title"),
    ({"submission_deadline": date(YEAR, 3, 20), "review_deadline": date(YEAR, 3, 1)},
     "review_deadline"),
    ({"submission_deadline": date(YEAR, 3, 20), "council_meeting_date": date(YEAR, 2, 1)},
     "council_meeting_date"),
    ({"year": 2021}, "year"),
])
def test_bad_input_changes_nothing(app, kwargs, field):
    before = fingerprint()
    year = kwargs.pop("year", YEAR)
    with pytest.raises(ValidationFailed) as failed:
        create_cycle(user(OFFICE), year, **kwargs)
    db.session.rollback()
    assert field in failed.value.errors
    assert fingerprint() == before


def test_only_the_office_and_the_administrator_create_cycles(app):
    with pytest.raises(NotPermitted):
        create_cycle(user(CONTACT), YEAR)
    assert create_cycle(user(ADMIN), YEAR).year == YEAR


def test_the_first_cycle_of_an_empty_installation(blank):
    portfolio = Portfolio(code="HO", name_nb="Helse og omsorg")
    db.session.add_all([portfolio, Arena(key="eurocities", name="Eurocities",
                                         kind=ArenaKind.NETWORK, portfolios=[portfolio])])
    db.session.flush()
    first = create_cycle(None, 2027, "Gjennomgang av medlemskap 2027")
    db.session.commit()
    assert [a.name for a in first.arenas] == ["Eurocities"]
    assert first.title == "Gjennomgang av medlemskap 2027"
    assert first.criteria_set.version == 1


# --------------------------------------------------------------------------- the page
def form(**values) -> dict:
    data = {"year": str(YEAR), "title": "", "submission_deadline": f"{YEAR}-03-20",
            "review_deadline": f"{YEAR}-04-10", "council_meeting_date": f"{YEAR}-05-05",
            "requires_sign_off": "y"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_the_office_creates_a_cycle_on_the_page(client):
    login(client, OFFICE)
    page = client.get("/cycles/")
    assert 'href="/cycles/new"' in page.get_data(as_text=True)
    assert client.get("/cycles/new").status_code == 200
    response = post(client, "/cycles/new", form(requires_sign_off=None))
    assert response.status_code == 302 and response.location.endswith(f"/cycles/{YEAR}")
    new = cycle(YEAR)
    assert new.status == CycleStatus.PLANNED and new.requires_sign_off is False
    assert (new.submission_deadline, new.review_deadline, new.council_meeting_date) == (
        date(YEAR, 3, 20), date(YEAR, 4, 10), date(YEAR, 5, 5))
    dashboard = client.get(f"/cycles/{YEAR}").get_data(as_text=True)
    assert f"/cycles/{YEAR}/criteria" in dashboard


@pytest.mark.parametrize(("values", "message"), [
    ({"year": "2021"}, "Det finnes allerede en gjennomgang for 2021."),
    ({"year": "tjuetretti"}, "Skriv årstallet gjennomgangen gjelder."),
    ({"review_deadline": f"{YEAR}-03-01"},
     "Fristen for behandling kan ikke være før innsendingsfristen."),
    ({"council_meeting_date": f"{YEAR}-01-01"},
     "Møtedatoen kan ikke være før innsendingsfristen."),
])
def test_the_page_refuses_bad_input_in_norwegian(client, values, message):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/new", form(**values))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'id="error-summary"' in html
    assert fingerprint() == before


def test_the_list_links_to_the_new_page_when_it_is_empty(blank):
    from app.admin.operations import create_user
    from workflows.roles import Role

    create_user(None, email="kontor@fjordvik.example", name="Kontoret",
                roles={Role.COUNCIL_OFFICE}, password="hemmelig-passord", portfolio_ids=set())
    db.session.commit()
    client = blank.test_client()
    login(client, "kontor@fjordvik.example", "hemmelig-passord")
    html = client.get("/cycles/").get_data(as_text=True)
    assert "Ingen gjennomganger ennå." in html and 'href="/cycles/new"' in html
    assert post(client, "/cycles/new", form()).status_code == 302
    assert cycle(YEAR).arenas == []


def test_the_administrator_creates_a_cycle_and_stays_on_the_page(client):
    login(client, ADMIN)
    assert 'href="/cycles/new"' in client.get("/cycles/new").get_data(as_text=True)
    response = post(client, "/cycles/new", form())
    assert response.status_code == 302 and response.location.endswith("/cycles/new")
    assert cycle(YEAR) is not None


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, SECRETARY])
def test_others_may_not_create_cycles(client, email):
    login(client, email)
    assert client.get("/cycles/new").status_code == 403
    assert post(client, "/cycles/new", form()).status_code == 403
    assert cycle(YEAR) is None


# --------------------------------------------------------------------------- the command
def test_the_command_creates_a_cycle(runner):
    result = runner.invoke(args=["cycles", "create", str(YEAR), "--title", "Medlemskap 2031",
                                 "--submission-deadline", f"{YEAR}-03-20", "--no-sign-off"])
    assert result.exit_code == 0, result.output
    assert "Laget «Medlemskap 2031» (planlagt)" in result.output
    new = cycle(YEAR)
    assert new.submission_deadline == date(YEAR, 3, 20) and new.requires_sign_off is False


@pytest.mark.parametrize(("args", "message"), [
    (["2021"], "Det finnes allerede en gjennomgang for 2021."),
    ([str(YEAR), "--submission-deadline", f"{YEAR}-03-20", "--review-deadline", f"{YEAR}-03-01"],
     "Fristen for behandling kan ikke være før innsendingsfristen."),
    ([str(YEAR), "--submission-deadline", "20. mars"], "er ikke en dato skrevet ÅÅÅÅ-MM-DD"),
    (["tjuetrettien"], "«tjuetrettien» er ikke et årstall."),
    (["1800"], "Skriv et årstall fra 1900 til 2200."),
])
def test_the_command_refuses_bad_input(runner, args, message):
    before = fingerprint()
    result = runner.invoke(args=["cycles", "create", *args])
    assert result.exit_code != 0 and message in result.output
    assert fingerprint() == before


def test_a_date_the_page_cannot_read_is_refused_in_norwegian(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/new", form(submission_deadline="20. mars"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="submission_deadline-error"' in html and "Not a valid" not in html
    assert fingerprint() == before
