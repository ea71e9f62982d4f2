"""After a failed submit the focus lands on the error summary, in a real browser, and the
failed "no change" box comes back at the page's own address (a reload is no 405).

Works on "Music Cities Network" and "The Human Rights Cities Network" (KML drafts in the demo);
nothing here is saved, and no other browser test uses them.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import CONTACT, assert_accessible, login

COST_SENTENCE = ("Skriv den årlige kostnaden som et helt beløp i kroner, 0 eller mer, "
                 "for eksempel 25000.")


def open_assessment(page: Page, base_url: str, arena: str) -> None:
    page.goto(f"{base_url}/assessments/")
    link = page.locator("tbody tr").get_by_role("link", name=arena, exact=True)
    with page.expect_navigation():
        link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(arena)


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_focus_moves_to_the_error_summary_after_a_failed_save(page: Page, live_server: str):
    login(page, live_server, CONTACT)
    open_assessment(page, live_server, "Music Cities Network")
    assert focused_id(page) != "error-summary"  # no summary on a page without errors
    page.fill("#yearly_cost", "12 000,50")  # a text field: what was typed reaches the server
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre utkast", exact=True).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "#yearly_cost")
    expect(page.locator("#yearly_cost-error")).to_have_text(COST_SENTENCE)
    expect(page.locator("#yearly_cost")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#yearly_cost")).to_have_value("12 000,50")  # kept to correct
    assert_accessible(page)


def test_empty_no_change_comment_comes_back_open_at_the_page(page: Page, live_server: str):
    login(page, live_server, CONTACT)
    open_assessment(page, live_server, "The Human Rights Cities Network")
    own = page.url
    box = page.locator("details.unchanged-box")
    box.locator("summary").click()
    with page.expect_navigation():
        box.get_by_role("button").click()
    assert page.url == own  # not the address that only takes a POST
    expect(box).to_have_attribute("open", "")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#unchanged_comment")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#unchanged_comment-error")).to_contain_text("Skriv en kort begrunnelse")
    assert_accessible(page)
    response = page.reload()
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Human Rights Cities"))
