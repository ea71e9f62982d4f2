"""The whole year of one assessment in a real browser, with axe on every page it shows.

contact writes and submits -> byråd signs off -> the council office sends it back with a comment
-> the contact changes an answer and submits again -> byråd signs off -> the office approves.

Works on "International Council on Archives (ICA)" (portfolio KML, a pre-filled draft in the
demo); no other browser test changes it.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OPEN_YEAR,
    assert_accessible,
    logout,
)

ARENA = "International Council on Archives (ICA)"
COMMENT = "Skriv mer konkret om hva arkivet har lært av ICA i år, gjerne med et eksempel."
TEXTS = {
    "participation_text": "Arkivet deltar i to faggrupper og på årsmøtet.",
    "learning_outcome_text": "Nye metoder for digital langtidsbevaring tas i bruk i Bergen.",
    "influence_text": "Bergen leder en arbeidsgruppe om kommunale arkiver.",
    "other_value_text": "Gir synlighet for Bergen som arkivby.",
    "recommendation_reason": "Medlemskapet gir faglig utbytte som står i forhold til kostnaden.",
}


# --------------------------------------------------------------------------- helpers


def checked(page: Page) -> Page:
    """Run axe on the page just shown (called after every navigation)."""
    assert_accessible(page)
    return page


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that loads a new page, wait for it, then run axe on it."""
    with page.expect_navigation():
        target.click()
    checked(page)


def sign_in(page: Page, base_url: str, email: str) -> None:
    """Log in through the form, checking the login page and the landing page."""
    page.goto(f"{base_url}/auth/login")
    checked(page)
    page.fill("#email", email)
    page.fill("#password", "demo")
    click_and_wait(page, page.locator("form#login-form button[type=submit]"))
    expect(page.locator("form[action$='/auth/logout']")).to_be_visible()


def sign_out(page: Page) -> None:
    logout(page)
    checked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    expect(page.locator(".flash")).to_contain_text("Du er logget ut.")


def nav(page: Page, name: str) -> None:
    """Follow a link in the main menu."""
    menu = page.get_by_role("navigation", name="Hovedmeny")
    click_and_wait(page, menu.get_by_role("link", name=name, exact=True))
    expect(page).to_have_title(re.compile(re.escape(name)))


def row(page: Page, arena: str = ARENA) -> Locator:
    """The table row that links to `arena`."""
    return page.locator("tbody tr").filter(
        has=page.get_by_role("link", name=arena, exact=True)
    )


def open_arena(page: Page, arena: str = ARENA) -> None:
    click_and_wait(page, row(page, arena).get_by_role("link", name=arena, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(arena)


def state(page: Page) -> Locator:
    """The state tag under the assessment page's heading."""
    return page.locator("h1 + p .ds-tag").first


# What each button's flash says happened, and who has the assessment now.
DONE = {
    "Godkjenn og send videre": "Godkjent og sendt til bystyrets kontor.",
    "Send tilbake med kommentar": "Sendt tilbake til kontaktpersonen med kommentaren din.",
    "Godkjenn": "Godkjent. Vurderingen ligger hos bystyrets kontor til den er avgjort.",
}


def take(page: Page, button: str) -> None:
    """Press a workflow button (sign off, approve, ...) and check the page that follows."""
    click_and_wait(page, page.get_by_role("button", name=button, exact=True))
    expect(page.locator(".flash")).to_contain_text(DONE[button])


def choose(page: Page, fieldset_id: str, label: str) -> None:
    page.locator(f"fieldset#{fieldset_id}").get_by_label(label, exact=True).check()


def fill_everything(page: Page) -> None:
    """Answer every criterion, the cost and the recommendation."""
    choose(page, "participation_value", "Aktiv deltakelse")
    participants = page.locator("fieldset#participation_participants")
    participants.get_by_label("Politisk nivå", exact=True).check()
    participants.get_by_label("Administrativ ledelse", exact=True).uncheck()
    participants.get_by_label("Fagpersoner", exact=True).check()
    choose(page, "learning_outcome_value", "Stort")
    choose(page, "influence_value", "Middels")
    for field_id, text in TEXTS.items():
        page.fill(f"#{field_id}", text)
    page.fill("#yearly_cost", "125000")
    choose(page, "recommendation", "Videreføre og styrke")


def history(page: Page) -> list[dict[str, str]]:
    """The history table's rows, oldest first, as dicts keyed by the column headers."""
    table = page.locator("section[aria-labelledby=history-heading] table")
    headers = table.locator("thead th").all_inner_texts()
    rows = []
    for tr in table.locator("tbody tr").all():
        cells = [c.strip() for c in tr.locator("td").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return list(reversed(rows))


# --------------------------------------------------------------------------- the test


def test_assessment_goes_from_draft_to_approved(page: Page, live_server: str) -> None:
    base = live_server

    # --- the contact opens a draft from "Mine vurderinger" ------------------------------
    sign_in(page, base, CONTACT)
    nav(page, "Mine vurderinger")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine vurderinger")
    drafts = page.locator("tbody tr").filter(has=page.locator(".ds-tag", has_text="Utkast"))
    expect(drafts.filter(has_text=ARENA)).to_have_count(1)
    expect(row(page).locator(".ds-tag").first).to_have_text("Utkast")
    # the demo's "today" is 2026-03-02, a week before the deadline: nothing is overdue yet
    expect(page.locator(".ds-tag", has_text="Forfalt")).to_have_count(0)
    open_arena(page)
    expect(state(page)).to_have_text("Utkast")
    form = page.locator("form.assessment-form")
    expect(form).to_be_visible()

    # --- submitting with a required answer emptied shows the error summary and the field error
    page.fill("#learning_outcome_text", "")
    # the page that comes back shows the errors; click_and_wait runs axe on that state too
    click_and_wait(page, form.get_by_role("button", name="Send inn", exact=True))
    expect(page.locator(".flash")).to_contain_text("ikke sendt inn: noen svar mangler")
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Skjemaet har feil som må rettes")
    summary_link = summary.get_by_role("link", name="Mangler svar: Læringsutbytte (begrunnelse)")
    expect(summary_link).to_have_attribute("href", "#learning_outcome_text")
    expect(summary.get_by_role("link")).to_have_count(1)
    field_error = page.locator("#learning_outcome_text-error")
    expect(field_error).to_have_text("Skriv en begrunnelse.")
    textarea = page.locator("#learning_outcome_text")
    expect(textarea).to_have_attribute("aria-invalid", "true")
    described_by = re.compile(r"\blearning_outcome_text-error\b")
    expect(textarea).to_have_attribute("aria-describedby", described_by)
    expect(state(page)).to_have_text("Utkast")

    # --- every criterion filled in: submitted to the byråd ------------------------------
    fill_everything(page)
    click_and_wait(page, form.get_by_role("button", name="Send inn", exact=True))
    expect(page.locator(".flash")).to_contain_text(
        "Vurderingen er sendt inn og venter nå på godkjenning fra byråd.")
    expect(state(page)).to_have_text("Til godkjenning")
    expect(page.locator("form.assessment-form")).to_have_count(0)  # read-only now
    answers = page.locator("dl.answers").first  # this year's; last year's is folded away
    expect(answers).to_contain_text("Aktiv deltakelse (Politisk nivå, Fagpersoner)")
    expect(answers).to_contain_text(TEXTS["learning_outcome_text"])
    expect(answers).to_contain_text("Videreføre og styrke")
    expect(answers).to_contain_text("125\u00a0000 kr")
    sign_out(page)

    # --- the byråd signs it off -------------------------------------------------------
    sign_in(page, base, COMMISSIONER)
    nav(page, "Til godkjenning")
    expect(row(page).locator(".ds-tag")).to_have_text("Til godkjenning")
    open_arena(page)
    expect(state(page)).to_have_text("Til godkjenning")
    take(page, "Godkjenn og send videre")
    expect(state(page)).to_have_text("Til behandling")
    sign_out(page)

    # --- the council office sends it back with a comment ------------------------------
    sign_in(page, base, OFFICE)
    nav(page, "Gjennomganger")
    open_cycle = page.locator("tbody tr").filter(has_text="Åpen")
    click_and_wait(page, open_cycle.get_by_role("link", name=str(OPEN_YEAR), exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Gjennomgang {OPEN_YEAR}")
    expect(row(page).locator(".ds-tag").first).to_have_text("Til behandling")
    open_arena(page)
    expect(state(page)).to_have_text("Til behandling")
    page.get_by_label("Kommentar til kontaktpersonen").fill(COMMENT)
    take(page, "Send tilbake med kommentar")
    expect(state(page)).to_have_text("Sendt tilbake")
    sign_out(page)

    # --- the contact reads the comment, changes an answer and submits again ------------
    sign_in(page, base, CONTACT)
    nav(page, "Mine vurderinger")
    expect(row(page)).to_contain_text("Sendt tilbake med kommentar")
    expect(row(page).locator(".ds-tag").first).to_have_text("Sendt tilbake")
    open_arena(page)
    expect(state(page)).to_have_text("Sendt tilbake")
    returned = page.locator(".ds-alert").filter(has_text="Sendt tilbake med kommentar")
    expect(returned.get_by_role("heading")).to_have_text("Sendt tilbake med kommentar")
    expect(returned).to_contain_text(COMMENT)
    form = page.locator("form.assessment-form")
    expect(page.locator("#learning_outcome_text")).to_have_value(TEXTS["learning_outcome_text"])
    new_text = TEXTS["learning_outcome_text"] + " Eksempel: ny rutine for e-postarkiv fra 2026."
    page.fill("#learning_outcome_text", new_text)
    choose(page, "learning_outcome_value", "Middels")
    click_and_wait(page, form.get_by_role("button", name="Send inn", exact=True))
    expect(page.locator(".flash")).to_contain_text(
        "Vurderingen er sendt inn og venter nå på godkjenning fra byråd.")
    expect(state(page)).to_have_text("Til godkjenning")
    expect(page.locator("dl.answers").first).to_contain_text("Eksempel: ny rutine for e-postarkiv")
    sign_out(page)

    # --- the byråd signs off again ------------------------------------------------------
    sign_in(page, base, COMMISSIONER)
    nav(page, "Til godkjenning")
    open_arena(page)
    take(page, "Godkjenn og send videre")
    expect(state(page)).to_have_text("Til behandling")
    sign_out(page)

    # --- the council office approves ------------------------------------------------------
    sign_in(page, base, OFFICE)
    nav(page, "Gjennomganger")
    click_and_wait(page, page.get_by_role("link", name=str(OPEN_YEAR), exact=True))
    open_arena(page)
    expect(page.get_by_role("button", name="Godkjenn", exact=True)).to_be_visible()
    take(page, "Godkjenn")
    expect(state(page)).to_have_text("Godkjent")

    # --- the history lists every step, in order ---------------------------------------
    people = {"Kari Kontakt", "Bjørn Byråd", "Kristin Kontor"}  # not the demo loader ("system")
    steps = [r for r in history(page) if r["Hvem"] in people and r["Hva"] != "Svar lagret"]
    assert [(r["Hva"], r["Hvem"], r["Fra"], r["Til"]) for r in steps] == [
        ("Send inn", "Kari Kontakt", "Utkast", "Til godkjenning"),
        ("Godkjenn og send videre", "Bjørn Byråd", "Til godkjenning", "Til behandling"),
        ("Send tilbake med kommentar", "Kristin Kontor", "Til behandling", "Sendt tilbake"),
        ("Send inn", "Kari Kontakt", "Sendt tilbake", "Til godkjenning"),
        ("Godkjenn og send videre", "Bjørn Byråd", "Til godkjenning", "Til behandling"),
        ("Godkjenn", "Kristin Kontor", "Til behandling", "Godkjent"),
    ], steps
    assert steps[2]["Detaljer"] == COMMENT
    saves = [r for r in history(page) if r["Hva"] == "Svar lagret"]
    # saved with the emptied field, then completed, then changed after the comment
    assert len(saves) == 3, saves
    assert all(r["Hvem"] == "Kari Kontakt" for r in saves)
    assert "Læringsutbytte" in saves[-1]["Detaljer"]  # the field in words, not its key
