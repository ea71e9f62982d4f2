"""The API token section of the profile page in a real browser: make a token, see it once,
revoke it, with axe on every state the section shows. Uses the secretary's account."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import SECRETARY, assert_accessible, login


def test_make_see_once_and_revoke_a_token(page: Page, live_server: str) -> None:
    login(page, live_server, SECRETARY)
    page.goto(f"{live_server}/profile")
    section = page.locator("#api-tokens")
    section.get_by_role("button", name="Lag API-nøkkel").click()  # no name: refused
    expect(section.get_by_text("Gi nøkkelen et navn.").first).to_be_visible()
    assert_accessible(page)

    section.get_by_label("Hva skal nøkkelen brukes til?").fill("Arkivsystemet")
    section.get_by_role("button", name="Lag API-nøkkel").click()
    shown = section.get_by_label("Din nye API-nøkkel")
    expect(shown).to_have_value(re.compile(r"^sam_[A-Za-z0-9_-]{43}$"))
    token = shown.input_value()
    assert_accessible(page)

    page.goto(f"{live_server}/profile")
    assert token not in page.content()  # shown once only
    row = page.locator("#api-token-table tr", has_text="Arkivsystemet")
    expect(row).to_contain_text("Aktiv")
    assert_accessible(page)

    row.get_by_role("button", name="Trekk tilbake Arkivsystemet").click()
    expect(page.locator("#api-token-table tr", has_text="Arkivsystemet")).to_contain_text(
        "Trukket tilbake")
    assert_accessible(page)
