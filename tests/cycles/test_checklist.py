"""The checklist on a planned cycle's page (issue 13): each gap named in the municipality's
words, with the fix and a link to the page that makes it."""

from __future__ import annotations

import re
from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.admin.operations import create_user
from app.cycles.operations import create_cycle
from app.extensions import db
from app.models import Arena, ArenaKind, Cycle, Organisation, Portfolio, User
from app.models.council import CouncilTerm
from config import TestConfig
from tests.conftest import OFFICE, IsolatedClient, login
from workflows.roles import Role

PASSWORD = "et-langt-passord"
LABELS = {"head_label": {"nb": "Kommunalsjef"}, "head_label_plural": {"nb": "Kommunalsjefer"},
          "portfolio_label": {"nb": "Kommunalområde"},
          "portfolio_label_plural": {"nb": "Kommunalområder"},
          "council_label": {"nb": "Kommunestyret"},
          "council_office_label": {"nb": "Politisk sekretariat"}}


@pytest.fixture()
def fjordvik(empty_database_url):
    """An installation with two portfolios, one arena each, and only a council office user."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    application.test_client_class = IsolatedClient
    with application.app_context():
        flask_migrate.upgrade(revision="heads")
        helse = Portfolio(code="HO", name_nb="Helse og omsorg")
        kultur = Portfolio(code="KU", name_nb="Kultur og idrett")
        db.session.add_all([
            Organisation(name="Fjordvik kommune", labels=LABELS), helse, kultur,
            Arena(key="healthy-cities", name="Sunne byer", kind=ArenaKind.NETWORK,
                  portfolios=[helse]),
            Arena(key="kulturnett", name="Kulturnettverket", kind=ArenaKind.NETWORK,
                  portfolios=[kultur])])
        db.session.flush()
        create_user(None, email="kontor@fjordvik.example", name="Kari Kontor",
                    roles={Role.COUNCIL_OFFICE}, password=PASSWORD, portfolio_ids=set())
        create_cycle(None, 2027)
        db.session.commit()
        yield application
        db.session.remove()
        db.engine.dispose()


def page(app) -> str:
    client = app.test_client()
    login(client, "kontor@fjordvik.example", PASSWORD)
    response = client.get("/cycles/2027")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def item(html: str, key: str) -> list[str]:
    """The checklist lines of `key`: passed or not, and the words (without the tag)."""
    lines = re.findall(rf'<li data-check="{key}" data-passed="(\w+)">(.*?)</li>', html, re.S)
    words = [re.sub(r'<span class="ds-tag"[^>]*>.*?</span>', "", text) for _p, text in lines]
    return [f"{passed}: " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for (passed, _t), text in zip(lines, words, strict=True)]


def portfolio(code: str) -> Portfolio:
    return db.session.scalar(sa.select(Portfolio).where(Portfolio.code == code))


def test_an_empty_start_lists_every_gap_in_the_municipalitys_words(fjordvik):
    html = page(fjordvik)
    assert item(html, "contacts") == [
        "false: «Helse og omsorg» har ingen kontaktperson som kan fylle ut vurderingene. "
        "En administrator gir en bruker rollen kontaktperson for «Helse og omsorg» under Brukere.",
        "false: «Kultur og idrett» har ingen kontaktperson som kan fylle ut vurderingene. "
        "En administrator gir en bruker rollen kontaktperson for «Kultur og idrett» under "
        "Brukere."]
    heads = item(html, "heads")
    assert len(heads) == 2 and "«Helse og omsorg» har ingen kommunalsjef: ingen kan godkjenne" \
        in heads[0]
    assert item(html, "deadlines") == [
        "false: Ikke satt: frist for innsending, frist for behandling, møtedato i "
        "kommunestyret. Sett datoene under Innstillinger og frister."]
    assert item(html, "office")[0].startswith("true: Noen i politisk sekretariat får")
    assert item(html, "council_term") == []  # no meeting date yet: nothing to compare
    checklist = html.split('id="checklist"', 1)[1].split("</section>", 1)[0]
    assert 'href="/admin/users"' in checklist and 'href="/cycles/2027/settings"' in checklist
    assert "byråd" not in checklist.lower() and "bystyret" not in checklist.lower()
    assert "Må rettes" in checklist and "Bør rettes" in checklist


def test_the_checks_pass_once_the_gaps_are_filled(fjordvik):
    ids = {portfolio("HO").id, portfolio("KU").id}
    create_user(None, email="kontakt@fjordvik.example", name="Kim Kontakt",
                roles={Role.CONTACT}, password=PASSWORD, portfolio_ids=ids)
    create_user(None, email="sjef@fjordvik.example", name="Siri Sjef",
                roles={Role.COMMISSIONER}, password=PASSWORD, portfolio_ids=ids)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2027))
    cycle.submission_deadline, cycle.review_deadline = date(2027, 3, 19), date(2027, 4, 9)
    cycle.council_meeting_date = date(2027, 5, 5)
    db.session.commit()
    html = page(fjordvik)
    assert item(html, "council_term") == [
        "false: Ingen valgperiode for kommunestyret dekker møtedatoen 5. mai 2027. "
        "Møtesekretæren registrerer valgperioden under Valgperioder og medlemmer, eller du "
        "endrer møtedatoen."]
    assert 'href="/council/terms"' in html
    db.session.add(CouncilTerm(name="2023–2027", starts_on=date(2023, 10, 1),
                               ends_on=date(2027, 9, 30), seats=35))
    db.session.commit()
    html = page(fjordvik)
    assert re.findall(r'data-passed="false"', html) == []
    assert item(html, "contacts") == ["true: Alle kommunalområder har en kontaktperson."]
    assert item(html, "heads") == [
        "true: Alle kommunalområder har en kommunalsjef som godkjenner og får varsler."]
    assert "Alt er klart for å åpne gjennomgangen." in html


def test_without_a_sign_off_step_a_missing_head_only_loses_the_warning_mail(fjordvik):
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2027))
    cycle.requires_sign_off = False
    db.session.commit()
    heads = item(page(fjordvik), "heads")
    assert heads[0] == (
        "false: «Helse og omsorg» har ingen kommunalsjef, så varselet om forsinkede vurderinger "
        "går til politisk sekretariat i stedet. En administrator gir en bruker rollen "
        "kommunalsjef for «Helse og omsorg» under Brukere.")  # sign-off is off already


def test_an_inactive_contact_does_not_count(fjordvik):
    user = create_user(None, email="borte@fjordvik.example", name="Borte", roles={Role.CONTACT},
                       password=PASSWORD, portfolio_ids={portfolio("HO").id})
    user.is_active_user = False
    db.session.commit()
    assert len(item(page(fjordvik), "contacts")) == 2


def test_the_demo_office_sees_the_checklist_only_on_a_planned_cycle(client):
    login(client, OFFICE)
    assert 'id="checklist"' not in client.get("/cycles/2021").get_data(as_text=True)
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    create_cycle(office, 2031)
    db.session.commit()
    html = client.get("/cycles/2031").get_data(as_text=True)
    assert 'id="checklist"' in html and 'data-check="deadlines" data-passed="false"' in html


def test_an_arena_registered_after_the_cycle_was_made_is_pointed_out(fjordvik):
    db.session.add(Arena(key="ny-arena", name="Den nye arenaen", kind=ArenaKind.NETWORK,
                         portfolios=[portfolio("HO")]))
    db.session.commit()
    html = page(fjordvik)
    assert item(html, "arenas_left_out") == [
        "false: 1 aktive arenaer i registeret er ikke med: Den nye arenaen. "
        "Velg dem for gjennomgangen hvis de skal vurderes i år."]
    assert 'href="/cycles/2027/arenas"' in html.split('data-check="arenas_left_out"')[1]


def test_with_an_empty_register_the_fix_is_to_register_arenas(fjordvik):
    for arena in db.session.scalars(sa.select(Arena)):
        arena.is_archived = True
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2027))
    cycle.arenas = []
    db.session.commit()
    html = page(fjordvik)
    assert item(html, "arenas") == [
        "false: Gjennomgangen har ingen arenaer. Registrer arenaene i arenaregisteret, og velg "
        "dem så for gjennomgangen."]
    assert 'href="/arenas/new"' in html.split('data-check="arenas"')[1]
