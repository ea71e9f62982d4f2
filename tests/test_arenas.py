"""The arena register: who may see it, creating, editing, archiving, and each arena's page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.arenas import operations as ops
from app.audit import trail
from app.clock import today
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, ArenaStatus, Assessment, Cycle, Portfolio, User
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    SECRETARY,
    fingerprint,
    login,
    post,
)

RAINBOW = "Rainbow Cities Network"
NEW_NAME = "Nettverket for nordlige kystbyer"


def arena_by_name(name: str) -> Arena:
    db.session.expire_all()
    arena = db.session.scalar(sa.select(Arena).where(Arena.name == name))
    assert arena is not None, name
    return arena


def portfolio_id(code: str) -> int:
    return db.session.scalar(sa.select(Portfolio.id).where(Portfolio.code == code))


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def arena_form(**overrides) -> dict:
    """A complete, valid arena form; lists become repeated fields."""
    data = {
        "key": "nordlige-kystbyer", "name": "Nettverket for nordlige kystbyer", "kind": "network",
        "status": "proposed", "portfolio_ids": [portfolio_id("KMB"), portfolio_id("BL")],
        "description_nb": "Nettverk for store europeiske byer.",
        "description_en": "Network of large European cities.",
        "executing_unit": "Etat for plan og bygg", "via": "", "membership_type": "Fullt medlem",
        "member_since": "2001", "yearly_cost": "125000",
        "contact_persons": "Ola Nordmann, ola@bergen.example", "sort_order": "",
    }
    data.update(overrides)
    return data


def arena_data(arena: Arena, **overrides) -> dict:
    """The edit form as it stands for `arena`, with `overrides`."""
    data = {
        "key": arena.key, "name": arena.name, "kind": arena.kind.value,
        "portfolio_ids": sorted(arena.portfolio_ids), "description_nb": arena.description_nb,
        "description_en": arena.description_en, "executing_unit": arena.executing_unit,
        "via": arena.via, "membership_type": arena.membership_type,
        "member_since": "" if arena.member_since is None else str(arena.member_since),
        "yearly_cost": "" if arena.yearly_cost is None else str(arena.yearly_cost),
        "contact_persons": arena.contact_persons,
        "sort_order": "" if arena.sort_order is None else str(arena.sort_order),
    }
    data.update(overrides)
    return data


def arena_events(arena_id: int, action: str) -> list:
    return [e for e in trail("arena", arena_id) if e.action == action]


# --------------------------------------------------------------------------- access


def page_urls() -> list[str]:
    return ["/arenas/", "/arenas/new", "/arenas/{id}", "/arenas/{id}/edit"]


@pytest.mark.parametrize("url", page_urls())
def test_council_office_opens_every_page(client, url):
    login(client, OFFICE)
    response = client.get(url.format(id=arena_by_name(RAINBOW).id))
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<h1") == 1


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, SECRETARY, ADMIN])
@pytest.mark.parametrize("url", page_urls())
def test_other_roles_get_403(client, email, url):
    login(client, email)
    assert client.get(url.format(id=arena_by_name(RAINBOW).id)).status_code == 403


@pytest.mark.parametrize("url", page_urls())
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url.format(id=arena_by_name(RAINBOW).id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, ADMIN])
def test_other_roles_can_not_change_anything(client, email):
    arena = arena_by_name(RAINBOW)
    login(client, email)
    before = fingerprint()
    assert post(client, "/arenas/new", arena_form()).status_code == 403
    assert post(client, f"/arenas/{arena.id}/edit", arena_data(arena, name="X")).status_code == 403
    assert post(client, f"/arenas/{arena.id}/archive").status_code == 403
    assert fingerprint() == before


def test_unknown_arena_is_404(client):
    login(client, OFFICE)
    assert client.get("/arenas/999999").status_code == 404
    assert client.get("/arenas/999999/edit").status_code == 404


def test_archive_is_post_only(client):
    login(client, OFFICE)
    assert client.get(f"/arenas/{arena_by_name(RAINBOW).id}/archive").status_code == 405


# --------------------------------------------------------------------------- the list


def test_index_lists_active_arenas_with_their_facts(client):
    login(client, OFFICE)
    html = client.get("/arenas/").get_data(as_text=True)
    active = db.session.scalar(sa.select(sa.func.count()).select_from(Arena)
                               .where(Arena.is_archived.is_(False)))
    table = html[html.index('id="arena-table"'):]
    assert table.count('href="/arenas/') == active
    assert RAINBOW in html
    assert "Byrådsavdeling for kultur, mangfold og likestilling" in html
    assert "<caption" in html and 'href="/arenas/new"' in html


def test_index_filters_archived_and_by_portfolio(client):
    arena = arena_by_name(RAINBOW)
    ops.archive_arena(None, arena)
    db.session.commit()
    login(client, OFFICE)
    assert RAINBOW not in client.get("/arenas/").get_data(as_text=True)
    archived = client.get("/arenas/?show=archived").get_data(as_text=True)
    assert RAINBOW in archived and "Arkivert" in archived
    kmb_names = db.session.scalars(sa.select(Arena.name).where(
        Arena.portfolios.any(Portfolio.code == "KMB"))).all()
    html = client.get("/arenas/?show=all&portfolio=KMB").get_data(as_text=True)
    assert all(name in html for name in kmb_names)
    assert RAINBOW not in html  # KML and ASB, not KMB


def test_index_refuses_an_unknown_filter(client):
    login(client, OFFICE)
    assert client.get("/arenas/?show=everything").status_code == 400
    assert client.get("/arenas/?portfolio=NOPE").status_code == 400


# --------------------------------------------------------------------------- creating


def test_create_round_trip(client):
    login(client, OFFICE)
    response = post(client, "/arenas/new", arena_form())
    assert response.status_code == 302
    arena = arena_by_name(NEW_NAME)
    assert response.headers["Location"].endswith(f"/arenas/{arena.id}")
    assert arena.key == "nordlige-kystbyer" and arena.kind == ArenaKind.NETWORK
    assert arena.status == ArenaStatus.PROPOSED
    assert {p.code for p in arena.portfolios} == {"KMB", "BL"}
    assert (arena.member_since, arena.yearly_cost) == (2001, 125000)
    assert arena.membership_type == "Fullt medlem" and arena.sort_order is None
    [event] = arena_events(arena.id, "arena_created")
    assert event.actor_id == user(OFFICE).id and event.to_state == "proposed"
    assert {"name", "key", "portfolio_ids", "yearly_cost"} <= set(event.details["fields"])
    assert "via" not in event.details["fields"]  # left empty
    assert NEW_NAME in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", RAINBOW, "Det finnes allerede en arena med dette navnet."),
    ("name", RAINBOW.upper(), "Det finnes allerede en arena med dette navnet."),
    ("key", "rainbow-cities", "Nøkkelen er allerede i bruk av en annen arena."),
])
def test_duplicates_are_refused_next_to_the_field(client, field, value, message):
    existing = arena_by_name(RAINBOW)
    existing.key = "rainbow-cities"
    db.session.commit()
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/arenas/new", arena_form(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}' in html
    assert 'aria-invalid="true"' in html and "ds-error-summary" in html
    assert fingerprint() == before


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"portfolio_ids": []}, "portfolio_ids", "Velg minst én byrådsavdeling."),
    ({"portfolio_ids": ["999999"]}, "portfolio_ids", "Ugyldig valg."),
    ({"member_since": "1799"}, "member_since", "Oppgi et årstall fra 1800"),
    ({"member_since": str(today().year + 2)}, "member_since", "Oppgi et årstall fra 1800"),
    ({"yearly_cost": "-1"}, "yearly_cost", "Oppgi et beløp i hele kroner"),
    ({"key": "Euro Cities"}, "key", "Bruk bare små bokstaver"),
    ({"name": "  "}, "name", "Skriv inn navnet på arenaen."),
    ({"status": "left"}, "status", ""),
    ({"kind": ""}, "kind", "Velg type arena."),
])
def test_invalid_input_saves_nothing(client, overrides, field, message):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/arenas/new", arena_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}' in html
    assert fingerprint() == before


def test_create_without_csrf_token_is_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    response = client.post("/arenas/new", data=arena_form())
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_archived_portfolio_is_not_offered_for_new_arenas(client):
    db.session.get(Portfolio, portfolio_id("FNE")).is_archived = True
    db.session.commit()
    login(client, OFFICE)
    assert "(FNE)" not in client.get("/arenas/new").get_data(as_text=True)
    response = post(client, "/arenas/new", arena_form(portfolio_ids=[portfolio_id("FNE")]))
    assert response.status_code == 400


# --------------------------------------------------------------------------- editing


def test_edit_form_shows_current_facts(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    html = client.get(f"/arenas/{arena.id}/edit").get_data(as_text=True)
    assert f'value="{arena.key}"' in html
    checked = re.findall(r'<input checked class="ds-input" id="portfolio_ids-\d+" '
                         r'name="portfolio_ids" type="checkbox" value="(\d+)"', html)
    assert sorted(map(int, checked)) == sorted(arena.portfolio_ids) and len(checked) == 2
    assert 'name="status"' not in html  # status changes only through decisions


def test_edit_round_trip_records_the_changed_fields(client):
    arena = arena_by_name(RAINBOW)
    status = arena.status
    login(client, OFFICE)
    data = arena_data(arena, name="Rainbow Cities", yearly_cost="5000",
                      portfolio_ids=[portfolio_id("KML")], status="left")
    response = post(client, f"/arenas/{arena.id}/edit", data)
    assert response.status_code == 302
    arena = db.session.get(Arena, arena.id)
    db.session.refresh(arena)
    assert arena.name == "Rainbow Cities" and arena.yearly_cost == 5000
    assert [p.code for p in arena.portfolios] == ["KML"]
    assert arena.status == status  # a posted status is ignored
    [event] = arena_events(arena.id, "arena_updated")
    assert sorted(event.details["fields"]) == ["name", "portfolio_ids", "yearly_cost"]
    assert event.actor_id == user(OFFICE).id


def test_saving_unchanged_facts_writes_no_audit_row(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    assert post(client, f"/arenas/{arena.id}/edit", arena_data(arena)).status_code == 302
    assert arena_events(arena.id, "arena_updated") == []


def test_edit_to_another_arenas_name_is_refused(client):
    arena = arena_by_name(RAINBOW)
    other = db.session.scalar(sa.select(Arena).where(Arena.id != arena.id).limit(1))
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, f"/arenas/{arena.id}/edit", arena_data(arena, name=other.name))
    assert response.status_code == 400
    assert "Det finnes allerede en arena med dette navnet." in response.get_data(as_text=True)
    assert fingerprint() == before


def test_edit_without_csrf_token_is_refused(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    before = fingerprint()
    response = client.post(f"/arenas/{arena.id}/edit", data=arena_data(arena, name="X"))
    assert response.status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- archiving


def test_archive_and_unarchive_round_trip(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    assert post(client, f"/arenas/{arena.id}/archive").status_code == 302
    assert arena_by_name(RAINBOW).is_archived is True
    [event] = arena_events(arena.id, "arena_archived")
    assert event.details["fields"] == ["is_archived"]
    assert post(client, f"/arenas/{arena.id}/archive").status_code == 409
    assert post(client, f"/arenas/{arena.id}/unarchive").status_code == 302
    assert arena_by_name(RAINBOW).is_archived is False
    assert len(arena_events(arena.id, "arena_unarchived")) == 1


def test_archive_without_csrf_token_is_refused(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    before = fingerprint()
    assert client.post(f"/arenas/{arena.id}/archive").status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- the arena's page


def test_detail_lists_assessments_per_cycle_year(client):
    arena = arena_by_name(RAINBOW)
    years = db.session.scalars(sa.select(Cycle.year).join(Assessment, Assessment.cycle_id ==
                                                          Cycle.id)
                               .where(Assessment.arena_id == arena.id)
                               .order_by(Cycle.year.desc())).all()
    assert len(years) >= 2  # the demo has last year's review and the open one
    login(client, OFFICE)
    html = client.get(f"/arenas/{arena.id}").get_data(as_text=True)
    table = html[html.index('id="arena-assessments"'):]
    positions = [table.index(f">{year}</a>") for year in years]
    assert positions == sorted(positions)  # newest first
    facts = html[html.index('id="arena-facts"'):]
    assert "Byrådsavdeling for kultur, mangfold og likestilling (KML)" in facts
    assert "Byrådsavdeling for arbeid, sosial og bolig (ASB)" in facts


def test_detail_shows_the_change_log(client):
    arena = arena_by_name(RAINBOW)
    login(client, OFFICE)
    post(client, f"/arenas/{arena.id}/edit", arena_data(arena, yearly_cost="700"))
    html = client.get(f"/arenas/{arena.id}").get_data(as_text=True)
    log = html[html.index('id="arena-log"'):]
    assert "Kristin Kontor" in log and "Årlig kostnad (kr)" in log


# --------------------------------------------------------------------------- operations


def test_create_arena_refuses_a_status_other_than_proposed_or_member(app):
    data = ops.ArenaInput(key="x", name="X", kind=ArenaKind.NETWORK,
                          portfolio_ids=frozenset({portfolio_id("BL")}))
    with pytest.raises(ValidationFailed) as excinfo:
        ops.create_arena(None, data, ArenaStatus.LEFT)
    assert excinfo.value.errors == {"status": "invalid"}


def test_create_arena_strips_text_and_refuses_unknown_portfolios(app):
    data = ops.ArenaInput(key=" new-one ", name="  Ny arena ", kind=ArenaKind.NETWORK,
                          portfolio_ids=frozenset({portfolio_id("BL")}))
    arena = ops.create_arena(None, data)
    assert (arena.key, arena.name, arena.status) == ("new-one", "Ny arena", ArenaStatus.MEMBER)
    bad = ops.ArenaInput(key="other", name="Other", kind=ArenaKind.NETWORK,
                         portfolio_ids=frozenset({999999}))
    with pytest.raises(ValidationFailed) as excinfo:
        ops.create_arena(None, bad)
    assert excinfo.value.errors == {"portfolio_ids": "unknown"}
