"""The accessibility statement (tilgjengelighetserklæring) at /tilgjengelighet."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Organisation
from tests.conftest import OFFICE, login


def test_the_statement_is_open_to_everyone_in_norwegian(client):
    response = client.get("/tilgjengelighet")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nb">' in page
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page) == ["Tilgjengelighetserklæring"]
    assert "WCAG 2.1" in page and "nivå A og AA" in page
    assert "axe" in page and "Chromium" in page  # how it was tested
    assert "Brede tabeller på smale skjermer" in page  # the known limitation
    assert 'href="https://www.uutilsynet.no/"' in page  # where to complain


def test_problems_are_reported_to_the_configured_address(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "uu@bergen.kommune.example"
    page = client.get("/tilgjengelighet").get_data(as_text=True)
    assert ('<a class="ds-link" id="accessibility-contact" '
            'href="mailto:uu@bergen.kommune.example">uu@bergen.kommune.example</a>') in page


def roles_listed(client) -> str:
    page = client.get("/tilgjengelighet").get_data(as_text=True)
    return re.search(r'<ul class="ds-list" id="tested-roles">(.*?)</ul>', page, re.S).group(1)


def test_the_tested_roles_use_the_municipalitys_own_words(client):
    assert "Byråd" in roles_listed(client)  # Bergen's word in the demo
    organisation = db.session.scalar(sa.select(Organisation))
    organisation.labels = {**(organisation.labels or {}),
                           "head_label": {"nb": "Kommunalsjef", "en": "Head"}}
    db.session.commit()
    roles = roles_listed(client)
    assert "Kommunalsjef" in roles and "Byråd" not in roles
    assert roles.count("<li>") == 6


def test_every_page_links_to_the_statement_in_its_footer(client):
    for path in ("/auth/login", "/finnes-ikke"):
        footer = re.search(r"<footer.*?</footer>", client.get(path).get_data(as_text=True), re.S)
        assert 'href="/tilgjengelighet">Tilgjengelighetserklæring</a>' in footer.group(0)
    login(client, OFFICE)
    footer = re.search(r"<footer.*?</footer>", client.get("/cycles/").get_data(as_text=True), re.S)
    assert 'href="/tilgjengelighet"' in footer.group(0)
