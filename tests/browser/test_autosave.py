"""Unsaved input survives a reload: static/app.js keeps a copy in localStorage.

Works on the draft of "Nordisk fritidskonferanse" (KML, empty in the demo) and never saves it,
so the server's data is untouched.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import CONTACT, assert_accessible, login

ARENA = "Nordisk fritidskonferanse"
TYPED = "Skrevet, men ikke lagret:\nfritidsklubbene deltar på konferansen hvert år."


def test_unsaved_text_can_be_restored_after_a_reload(page: Page, live_server: str) -> None:
    login(page, live_server, CONTACT)
    page.goto(f"{live_server}/assessments/")
    page.get_by_role("link", name=ARENA, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ARENA)
    form = page.locator("form[data-autosave]")
    key = "autosave:" + form.get_attribute("data-autosave")

    textarea = page.locator("#other_value_text")
    expect(textarea).to_have_value("")
    banner = page.locator("#restore-banner")
    expect(banner).to_be_hidden()
    textarea.click()
    textarea.press_sequentially(TYPED)  # real key presses: app.js listens for "input"
    # app.js writes after a 500 ms pause in typing; wait for that, not for a fixed time.
    page.wait_for_function(
        """([key, text]) => {
            const stored = JSON.parse(localStorage.getItem(key) || "null");
            return stored !== null && stored.data.other_value_text === text;
        }""",
        arg=[key, TYPED],
    )

    page.reload()  # not saved: the server still has the empty draft
    expect(textarea).to_have_value("")
    expect(banner).to_be_visible()
    restore = banner.get_by_role("button", name="Hent tilbake ulagrede endringer")
    expect(restore).to_be_visible()
    assert_accessible(page)  # the page with the banner showing

    restore.click()
    expect(textarea).to_have_value(TYPED)
    expect(banner).to_be_hidden()
