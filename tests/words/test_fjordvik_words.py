"""Fjordvik (no byråd, "kommunalområder", "kommunestyret"): no page it uses speaks Bergen's
words, and its neuter word takes "Nytt"."""

from __future__ import annotations

import re

import pytest

from tests.municipality import fjordvik as F
from tests.municipality.test_first_year_api import browser, empty, set_up_the_municipality

__all__ = ["empty"]  # the fixture, imported for pytest

PAGES = ["/admin/portfolios", "/admin/portfolios/new", "/admin/settings", "/admin/users",
         "/cycles/new", "/cycles/", "/arenas/import", "/mail/templates"]
BERGEN_WORDS = re.compile(r"avdeling|byråd|bystyre|\bbyen\b|KML|ASB", re.IGNORECASE)


def visible(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture()
def fjordvik(empty):
    set_up_the_municipality(empty)
    return empty


def office_of(app):
    office = next(p for p in F.PEOPLE if "council_office" in {str(getattr(r, "value", r))
                                                              for r in p.roles})
    return browser(app, office.email)


@pytest.mark.parametrize("url", PAGES)
def test_no_bergen_word_on_fjordvik_pages(fjordvik, url):
    client = browser(fjordvik, F.ADMIN[0]) if url.startswith("/admin") else office_of(fjordvik)
    response = client.get(url)
    assert response.status_code == 200, url
    found = BERGEN_WORDS.findall(visible(response.get_data(as_text=True)))
    assert not found, (url, found)


def test_fjordvik_says_nytt_kommunalomrade(fjordvik):
    admin = browser(fjordvik, F.ADMIN[0])
    text = visible(admin.get("/admin/portfolios").get_data(as_text=True))
    assert "Nytt kommunalområde" in text and "Ny kommunalområde" not in text
