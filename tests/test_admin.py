"""Administration: users, portfolios and the municipality's settings (labels are data)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.admin.forms import settings_form_data
from app.audit import trail
from app.auth.passwords import verify_password
from app.extensions import db
from app.models import Organisation, Portfolio, User
from app.templating import organisation
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OTHER_CONTACT,
    SECRETARY,
    fingerprint,
    login,
    post,
)
from workflows.roles import Role

NAV_RE = re.compile(r'<nav aria-label="[^"]+">(.*?)</nav>', re.S)  # the main menu


def user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def portfolio(code: str) -> Portfolio:
    db.session.expire_all()
    return db.session.scalar(sa.select(Portfolio).where(Portfolio.code == code))


def events(entity_type: str, entity_id: int, action: str) -> list:
    return [e for e in trail(entity_type, entity_id) if e.action == action]


def nav(html: str) -> str:
    match = NAV_RE.search(html)
    assert match, "no main navigation"
    return match.group(1)


def user_form(u: User, **overrides) -> dict:
    """The edit form as it stands for `u`, with `overrides`."""
    data = {"name": u.name, "roles": sorted(r.value for r in u.roles),
            "portfolios": sorted(u.portfolio_ids), "locale": u.locale, "new_password": ""}
    if u.is_active_user:
        data["is_active"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def settings_form(**overrides) -> dict:
    data = settings_form_data(organisation())
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- access

USER_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/{id}/edit"]
SHARED_PAGES = ["/admin/portfolios", "/admin/portfolios/new", "/admin/portfolios/{pid}/edit",
                "/admin/settings"]


def fill(url: str) -> str:
    return url.format(id=user(CONTACT).id, pid=portfolio("KML").id)


@pytest.mark.parametrize("url", USER_PAGES + SHARED_PAGES)
def test_administrator_opens_every_page(client, url):
    login(client, ADMIN)
    response = client.get(fill(url))
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<h1") == 1


@pytest.mark.parametrize("url", SHARED_PAGES)
def test_council_office_opens_portfolios_and_settings(client, url):
    login(client, OFFICE)
    assert client.get(fill(url)).status_code == 200


@pytest.mark.parametrize("url", USER_PAGES)
def test_council_office_can_not_manage_users(client, url):
    login(client, OFFICE)
    assert client.get(fill(url)).status_code == 403


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, SECRETARY])
@pytest.mark.parametrize("url", USER_PAGES + SHARED_PAGES)
def test_other_roles_get_403(client, email, url):
    login(client, email)
    assert client.get(fill(url)).status_code == 403


@pytest.mark.parametrize("url", USER_PAGES + SHARED_PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(fill(url))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER])
def test_other_roles_can_not_change_anything(client, email):
    login(client, email)
    before = fingerprint()
    pid = portfolio("KML").id
    assert post(client, "/admin/users/new", {"name": "X"}).status_code == 403
    assert post(client, f"/admin/users/{user(OTHER_CONTACT).id}/deactivate").status_code == 403
    assert post(client, "/admin/portfolios/new", {"code": "NY"}).status_code == 403
    assert post(client, f"/admin/portfolios/{pid}/archive").status_code == 403
    assert post(client, "/admin/settings", settings_form(name="X")).status_code == 403
    assert fingerprint() == before


def test_settings_link_only_for_office_and_admin(client):
    login(client, CONTACT)
    assert "/admin/settings" not in nav(client.get("/assessments/").get_data(as_text=True))
    post(client, "/auth/logout")
    for email in (OFFICE, ADMIN):
        login(client, email)
        assert 'href="/admin/settings"' in nav(client.get("/admin/portfolios")
                                               .get_data(as_text=True))


# --------------------------------------------------------------------------- users


def test_user_list_shows_roles_with_the_municipalitys_words(client):
    login(client, ADMIN)
    html = client.get("/admin/users").get_data(as_text=True)
    row = html[html.index(COMMISSIONER) - 200:html.index(COMMISSIONER) + 300]
    assert "Byråd" in row and "ASB, KML" in row
    assert "Bystyrets kontor" in html and "Møtesekretær" in html
    assert html.count("<tr>") - 1 == db.session.scalar(sa.select(sa.func.count(User.id)))


def test_create_user_round_trip(client):
    login(client, ADMIN)
    kml = portfolio("KML").id
    response = post(client, "/admin/users/new", {
        "name": "Nina Ny", "email": "Nina.Ny@Bergen.example", "password": "langt-passord-1",
        "roles": ["contact", "commissioner"], "portfolios": [kml]})
    assert response.status_code == 302
    new = user("nina.ny@bergen.example")
    assert new.name == "Nina Ny" and new.roles == {Role.CONTACT, Role.COMMISSIONER}
    assert new.portfolio_ids == {kml} and new.is_active
    assert verify_password(new.password_hash, "langt-passord-1")
    [event] = events("user", new.id, "user_created")
    assert event.actor_id == user(ADMIN).id
    assert event.details["roles"] == ["commissioner", "contact"]
    post(client, "/auth/logout")
    login(client, "nina.ny@bergen.example", "langt-passord-1")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"password": "kort"}, "password", "Passordet må ha minst 10 tegn."),
    ({"email": "KONTAKT@bergen.example"}, "email",
     "Det finnes allerede en bruker med denne e-postadressen."),
    ({"email": "ikke-en-adresse"}, "email", "Skriv inn en gyldig e-postadresse."),
    ({"name": ""}, "name", "Skriv inn et navn."),
    ({"roles": ["emperor"]}, "roles", "Ugyldig valg."),
])
def test_invalid_new_user_saves_nothing(client, overrides, field, message):
    login(client, ADMIN)
    data = {"name": "Nina Ny", "email": "nina@bergen.example", "password": "langt-passord-1",
            "roles": ["contact"]}
    data.update(overrides)
    before = fingerprint()
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 400
    assert f'id="{field}-error">{message}' in response.get_data(as_text=True)
    assert fingerprint() == before


def test_edit_user_round_trip(client):
    target = user(CONTACT)
    login(client, ADMIN)
    data = user_form(target, name="Kari K. Kontakt", roles=["contact", "council_secretary"],
                     portfolios=[portfolio("KMB").id], locale="en",
                     new_password="et-nytt-passord")
    assert post(client, f"/admin/users/{target.id}/edit", data).status_code == 302
    changed = user(CONTACT)
    assert changed.name == "Kari K. Kontakt" and changed.locale == "en"
    assert changed.roles == {Role.CONTACT, Role.COUNCIL_SECRETARY}
    assert [p.code for p in changed.portfolios] == ["KMB"]
    assert verify_password(changed.password_hash, "et-nytt-passord")
    [event] = events("user", target.id, "user_updated")
    assert sorted(event.details["fields"]) == ["locale", "name", "password", "portfolios",
                                               "roles"]
    assert "et-nytt-passord" not in str(event.details) and "argon2" not in str(event.details)


def test_edit_user_refuses_a_short_new_password(client):
    target = user(CONTACT)
    login(client, ADMIN)
    before = fingerprint()
    response = post(client, f"/admin/users/{target.id}/edit",
                    user_form(target, new_password="kort"))
    assert response.status_code == 400
    assert "Passordet må ha minst 10 tegn." in response.get_data(as_text=True)
    assert fingerprint() == before


def test_admin_can_not_remove_own_admin_role(client):
    me = user(ADMIN)
    login(client, ADMIN)
    before = fingerprint()
    response = post(client, f"/admin/users/{me.id}/edit", user_form(me, roles=["contact"]))
    assert response.status_code == 400
    assert ('id="roles-error">Du kan ikke fjerne din egen administratorrolle.'
            in response.get_data(as_text=True))
    assert fingerprint() == before


def test_admin_can_not_deactivate_themselves(client):
    me = user(ADMIN)
    login(client, ADMIN)
    before = fingerprint()
    response = post(client, f"/admin/users/{me.id}/edit", user_form(me, is_active=None))
    assert response.status_code == 400
    assert "Du kan ikke deaktivere din egen brukerkonto." in response.get_data(as_text=True)
    response = post(client, f"/admin/users/{me.id}/deactivate")
    assert response.status_code == 400
    assert "Du kan ikke deaktivere din egen brukerkonto." in response.get_data(as_text=True)
    assert fingerprint() == before


def test_deactivate_user_round_trip(client):
    target = user(OTHER_CONTACT)
    login(client, ADMIN)
    assert post(client, f"/admin/users/{target.id}/deactivate").status_code == 302
    assert user(OTHER_CONTACT).is_active is False
    assert len(events("user", target.id, "user_deactivated")) == 1
    assert post(client, f"/admin/users/{target.id}/deactivate").status_code == 409
    post(client, "/auth/logout")
    refused = post(client, "/auth/login", {"email": OTHER_CONTACT, "password": "demo"})
    assert refused.status_code != 302


def test_user_changes_without_csrf_token_are_refused(client):
    target = user(OTHER_CONTACT)
    login(client, ADMIN)
    before = fingerprint()
    assert client.post("/admin/users/new", data={
        "name": "X", "email": "x@bergen.example", "password": "langt-passord-1"}
    ).status_code == 400
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 400
    assert client.post(f"/admin/users/{target.id}/edit",
                       data=user_form(target, name="X")).status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- portfolios


PORTFOLIO = {"code": "DIG", "name_nb": "Byrådsavdeling for digitalisering",
             "name_en": "Department of Digitalisation", "head_title_nb": "Byråd for digitalisering",
             "head_title_en": "Commissioner for Digitalisation"}


@pytest.mark.parametrize("email", [OFFICE, ADMIN])
def test_portfolio_create_edit_archive_round_trip(client, email):
    login(client, email)
    assert post(client, "/admin/portfolios/new", PORTFOLIO).status_code == 302
    new = portfolio("DIG")
    assert (new.name_nb, new.head_title_en) == (PORTFOLIO["name_nb"], PORTFOLIO["head_title_en"])
    assert events("portfolio", new.id, "portfolio_created")[0].actor_id == user(email).id
    edited = dict(PORTFOLIO, code="DIGI", name_nb="Digitalisering")
    assert post(client, f"/admin/portfolios/{new.id}/edit", edited).status_code == 302
    assert portfolio("DIGI").name_nb == "Digitalisering"
    [event] = events("portfolio", new.id, "portfolio_updated")
    assert sorted(event.details["fields"]) == ["code", "name_nb"]
    assert post(client, f"/admin/portfolios/{new.id}/archive").status_code == 302
    assert portfolio("DIGI").is_archived is True
    assert len(events("portfolio", new.id, "portfolio_archived")) == 1
    assert post(client, f"/admin/portfolios/{new.id}/archive").status_code == 409
    assert post(client, f"/admin/portfolios/{new.id}/unarchive").status_code == 302
    assert portfolio("DIGI").is_archived is False


def test_portfolio_list_shows_names_and_the_municipalitys_heading(client):
    login(client, OFFICE)
    html = client.get("/admin/portfolios").get_data(as_text=True)
    assert '<h1 class="ds-heading" data-size="lg">Byrådsavdelinger</h1>' in html
    assert "Byrådsavdeling for kultur, mangfold og likestilling" in html


@pytest.mark.parametrize(("code", "message"), [
    ("KML", "Koden er allerede i bruk. Velg en annen."),
    ("kml", "Koden er allerede i bruk. Velg en annen."),
    ("K M L", "Bruk 1–20 bokstaver, tall, bindestrek eller understrek."),
])
def test_portfolio_code_must_be_unique_and_valid(client, code, message):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/admin/portfolios/new", dict(PORTFOLIO, code=code))
    assert response.status_code == 400
    assert f'id="code-error">{message}' in response.get_data(as_text=True)
    assert fingerprint() == before


def test_portfolio_edit_to_another_code_is_refused(client):
    kml = portfolio("KML")
    login(client, OFFICE)
    before = fingerprint()
    data = {"code": "ASB", "name_nb": kml.name_nb, "name_en": kml.name_en,
            "head_title_nb": kml.head_title_nb, "head_title_en": kml.head_title_en}
    response = post(client, f"/admin/portfolios/{kml.id}/edit", data)
    assert response.status_code == 400
    assert "Koden er allerede i bruk." in response.get_data(as_text=True)
    assert fingerprint() == before


def test_portfolio_changes_without_csrf_token_are_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    assert client.post("/admin/portfolios/new", data=PORTFOLIO).status_code == 400
    assert client.post(f"/admin/portfolios/{portfolio('KML').id}/archive").status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- settings


def test_settings_form_shows_the_current_words(client):
    login(client, OFFICE)
    html = client.get("/admin/settings").get_data(as_text=True)
    assert 'id="head_label_nb" maxlength="100" name="head_label_nb" required type="text" ' \
           'value="Byråd"' in html
    assert 'value="Bergen kommune"' in html


def test_new_labels_show_up_in_nav_and_pages(client):
    login(client, ADMIN)
    data = settings_form(name="Eksempel kommune", head_label_nb="Kommunalsjef",
                         portfolio_label_plural_nb="Kommunalområder",
                         portfolio_label_plural_en="Service areas")
    assert post(client, "/admin/settings", data).status_code == 302
    org = db.session.scalar(sa.select(Organisation))
    db.session.refresh(org)
    assert org.name == "Eksempel kommune"
    assert org.labels["head_label"] == {"nb": "Kommunalsjef", "en": "Commissioner"}
    [event] = events("organisation", org.id, "settings_updated")
    assert sorted(event.details["fields"]) == ["head_label", "name", "portfolio_label_plural"]
    html = client.get("/admin/users").get_data(as_text=True)
    assert ">Kommunalområder</a>" in nav(html)
    assert "Byrådsavdelinger" not in nav(html)
    assert "Eksempel kommune" in html
    row = html[html.index(COMMISSIONER):html.index(COMMISSIONER) + 200]
    assert "Kommunalsjef" in row and "Byråd" not in row
    post(client, "/language", {"locale": "en", "next": "/admin/users"})
    assert ">Service areas</a>" in nav(client.get("/admin/users").get_data(as_text=True))


def test_settings_need_every_norwegian_label(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/admin/settings", settings_form(head_label_nb=" "))
    assert response.status_code == 400
    assert 'id="head_label_nb-error">Skriv inn ordet på bokmål.' in response.get_data(
        as_text=True)
    assert fingerprint() == before


def test_settings_without_csrf_token_are_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    response = client.post("/admin/settings", data=settings_form(head_label_nb="Kommunalsjef"))
    assert response.status_code == 400
    assert fingerprint() == before


# --------------------------------------------------------------------------- search, warnings


def user_rows(html: str) -> list[str]:
    body = html[html.index('id="user-table"'):]
    return re.findall(r'<td><a class="ds-link" href="/admin/users/\d+/edit">([^<]+)</a></td>',
                      body)


def test_user_list_is_searched_by_name_or_email_and_filtered_by_role(client, make_user):
    make_user(roles=(Role.CONTACT,), portfolios=("KML",), name="Ålesund Øyvind",
              email="oyvind@test.example")
    make_user(roles=(Role.COMMISSIONER,), portfolios=("KML",), name="Øyvind Byråd",
              email="annen@test.example")
    login(client, ADMIN)
    html = client.get("/admin/users?q=yvind").get_data(as_text=True)
    assert set(user_rows(html)) == {"Øyvind Byråd", "Ålesund Øyvind"}
    assert 'value="yvind"' in html and "Brukere som passer søket (2)" in html
    assert user_rows(client.get("/admin/users?q=OYVIND@TEST").get_data(as_text=True)) == \
        ["Ålesund Øyvind"]
    html = client.get("/admin/users?q=yvind&role=commissioner").get_data(as_text=True)
    assert user_rows(html) == ["Øyvind Byråd"]
    assert '<option selected value="commissioner">' in html \
        or '<option value="commissioner" selected>' in html
    everyone = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert len(user_rows(client.get("/admin/users").get_data(as_text=True))) == everyone
    html = client.get("/admin/users?q=%25").get_data(as_text=True)  # no wildcard: a % sign
    assert user_rows(html) == [] and "Ingen brukere passer søket." in html


def test_user_search_with_bad_input_says_so_and_lists_everyone(client):
    login(client, ADMIN)
    response = client.get("/admin/users?role=emperor")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Ugyldig valg." in html
    assert len(user_rows(html)) == db.session.scalar(sa.select(sa.func.count(User.id)))
    response = client.get("/admin/users?q=" + "x" * 101)
    assert response.status_code == 400 and "Skriv høyst 100 tegn." in response.get_data(True)


def test_contact_without_portfolio_is_warned_about_with_the_fix(client, make_user):
    lone = make_user(roles=(Role.CONTACT,), name="Ola Uten")
    make_user(roles=(Role.COUNCIL_SECRETARY,),
              name="Sekretær Uten")
    login(client, ADMIN)
    html = client.get("/admin/users?role=admin").get_data(as_text=True)  # whatever the filter
    warning = html[html.index('id="missing-portfolio"'):html.index('id="user-filter"')]
    assert "1 kontaktperson er ikke knyttet til noen byrådsavdelinger" in warning
    assert f'href="/admin/users/{lone.id}/edit#portfolios">Ola Uten</a>' in warning
    assert "Sekretær Uten" not in warning
    form = client.get(f"/admin/users/{lone.id}/edit").get_data(as_text=True)
    assert "Ola Uten er kontaktperson, men er ikke knyttet til noen byrådsavdelinger" in form
    assert 'href="#portfolios"' in form and 'id="portfolios' in form
    assert "missing-portfolio" not in client.get(
        f"/admin/users/{user(CONTACT).id}/edit").get_data(as_text=True)
    data = {"name": "Ola Uten", "roles": ["contact"], "portfolios": [portfolio("KML").id],
            "is_active": "y", "locale": "nb", "new_password": ""}
    assert post(client, f"/admin/users/{lone.id}/edit", data).status_code == 302
    assert "missing-portfolio" not in client.get("/admin/users").get_data(as_text=True)


def test_saving_a_contact_without_portfolio_warns(client):
    login(client, ADMIN)
    response = post(client, "/admin/users/new", {
        "name": "Nina Ny", "email": "nina@test.example", "password": "langt-passord-1",
        "roles": ["contact"]})
    assert response.status_code == 302 and user("nina@test.example").portfolio_ids == set()
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Nina Ny er kontaktperson, men er ikke knyttet til noen byrådsavdelinger." in html


def test_without_single_sign_on_the_user_list_offers_no_group_mapping(client):
    login(client, ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Inviter bruker" in page  # passwords are the way in here
    assert "/admin/sign-in-groups" not in page and "Grupper for felles innlogging" not in page
