"""Configurable words carry their grammar: gender gives "Ny"/"Nytt" and "en"/"et", and a
word used mid-sentence is written in lower case."""

from __future__ import annotations

import re

from app.admin.forms import settings_form_data
from app.extensions import db
from app.models import Organisation
from app.templating import organisation
from tests.conftest import ADMIN, OFFICE, login, post


def settings(**overrides) -> dict:
    data = settings_form_data(organisation())
    data.update(overrides)
    return data


def fjordvik_words(client, gender: str = "n") -> None:
    response = post(client, "/admin/settings", settings(
        portfolio_label_nb="Kommunalområde", portfolio_label_en="Service area",
        portfolio_label_plural_nb="Kommunalområder", portfolio_label_gender=gender,
        council_label_nb="Kommunestyret"))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    db.session.expire_all()


def visible(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_a_neuter_word_takes_nytt_and_et(client):
    login(client, ADMIN)
    fjordvik_words(client, "n")
    org = db.session.scalar(db.select(Organisation))
    assert org.labels["portfolio_label"]["gender"] == "n"
    listing = visible(client.get("/admin/portfolios").get_data(as_text=True))
    assert "Nytt kommunalområde" in listing and "Ny kommunalområde" not in listing
    form = visible(client.get("/admin/portfolios/new").get_data(as_text=True))
    assert "Nytt kommunalområde" in form
    page = client.get("/admin/settings").get_data(as_text=True)
    assert re.search(r'value="n"[^>]*checked|checked[^>]*value="n"', page)


def test_a_common_gender_word_takes_ny_and_en(client):
    login(client, ADMIN)
    fjordvik_words(client, "m")
    post(client, "/admin/settings", settings(portfolio_label_nb="Sektor",
                                             portfolio_label_gender="m"))
    listing = visible(client.get("/admin/portfolios").get_data(as_text=True))
    assert "Ny sektor" in listing and "Nytt" not in listing


def test_the_archived_note_agrees_with_the_word(client):
    login(client, ADMIN)
    fjordvik_words(client, "n")
    from app.models import Portfolio

    pid = db.session.scalar(db.select(Portfolio.id).limit(1))
    text = visible(client.get(f"/admin/portfolios/{pid}/edit").get_data(as_text=True))
    assert "Et arkivert kommunalområde" in text and "der det allerede er valgt" in text


def test_an_unknown_gender_is_refused_and_nothing_changes(client):
    login(client, ADMIN)
    before = dict(db.session.scalar(db.select(Organisation)).labels or {})
    response = post(client, "/admin/settings", settings(portfolio_label_gender="x"))
    assert response.status_code == 400
    db.session.expire_all()
    assert (db.session.scalar(db.select(Organisation)).labels or {}) == before


def test_english_says_new(client):
    login(client, ADMIN)
    fjordvik_words(client, "n")
    with client.session_transaction() as session:
        session["locale"] = "en"
    listing = visible(client.get("/admin/portfolios").get_data(as_text=True))
    assert "New service area" in listing


def test_the_cycle_pages_use_the_municipalitys_word(client):
    login(client, OFFICE)  # the council office may change the words too
    fjordvik_words(client, "n")
    board = visible(client.get("/cycles/2026").get_data(as_text=True))
    assert "Bytt kontaktperson for et kommunalområde" in board
    assert "Antall per status og kommunalområde" in board  # the demo's names aside
    assert "status og avdeling" not in board
