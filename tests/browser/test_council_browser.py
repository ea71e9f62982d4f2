"""A council case in a real browser, with axe on every page it shows.

The office sends an approved assessment of the open cycle to the council; the secretary
registers a new term (members imported from CSV), a case, the arena, the innstilling
(pre-filled from the recommendation) and its vote per party group (an inconsistent count is
refused first), then the decision. Last, the secretary corrects a vote of the demo's 2021 case
and the original stays on the page.

Works on an approved assessment of the open cycle other than ICA (the flow test's arena).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import OFFICE, OPEN_YEAR, SECRETARY, assert_accessible, logout

PARTIES = {"Parti Rød": 30, "Parti Grønn": 20, "Parti Blå": 17}  # 67 seats


def approved_arena(app: Flask) -> str:
    """An approved assessment of the open cycle no other browser test changes."""
    from app.extensions import db
    from app.models import Arena, Assessment, Cycle
    from workflows.assessment import AssessmentState

    with app.app_context():
        try:
            return db.session.scalar(
                sa.select(Arena.name).join(Assessment.arena).join(Assessment.cycle)
                .where(Cycle.year == OPEN_YEAR, Assessment.state == AssessmentState.APPROVED,
                       Assessment.recommendation.is_not(None),
                       Arena.name != "International Council on Archives (ICA)")
                .order_by(Arena.name).limit(1))
        finally:
            db.session.remove()


def members_csv() -> bytes:
    lines, seat = ["navn;parti;sete"], 0
    for party, seats in PARTIES.items():
        for _ in range(seats):
            seat += 1
            lines.append(f"Medlem {seat};{party};{seat}")
    return "\n".join(lines).encode("utf-8")


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that loads a page, wait for it, and run axe on it."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/login")
    page.fill("#email", email)
    page.fill("#password", "demo")
    click_and_wait(page, page.locator("form#login-form button[type=submit]"))


def nav(page: Page, name: str) -> None:
    menu = page.get_by_role("navigation", name="Hovedmeny")
    click_and_wait(page, menu.get_by_role("link", name=name, exact=True))


def flash(page: Page, text: str) -> None:
    expect(page.locator(".flash")).to_contain_text(text)


def office_routes(page: Page, base: str, arena: str) -> None:
    sign_in(page, base, OFFICE)
    nav(page, "Politiske saker")
    click_and_wait(page, page.get_by_role("link", name=f"Gjennomgang {OPEN_YEAR}", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Politisk behandling: Gjennomgang {OPEN_YEAR}")
    choice = page.get_by_role("group", name=f"Behandling av {arena}")
    choice.get_by_label("Til politisk behandling", exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Lagre valgene"))
    flash(page, "1 vurderinger er endret.")
    logout(page)


def secretary_registers_term(page: Page) -> None:
    nav(page, "Politiske saker")
    click_and_wait(page, page.get_by_role("link", name="Valgperioder og medlemmer"))
    # the demo already holds the term that covers today; the secretary registers the next one
    page.get_by_label("Navn på perioden").fill("Bystyret 2027–2031")
    page.get_by_label("Første dag").fill("2027-10-01")
    page.get_by_label("Siste dag").fill("2031-09-30")
    page.get_by_label("Antall seter").fill("67")
    click_and_wait(page, page.get_by_role("button", name="Registrer valgperiode"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bystyret 2027–2031")
    bad = "navn;parti;sete\nMedlem 1;Parti Rød;1\nMedlem 2;Parti Rød;1\n".encode()
    page.set_input_files("#file", files=[{"name": "feil.csv", "mimeType": "text/csv",
                                          "buffer": bad}])
    click_and_wait(page, page.get_by_role("button", name="Importer"))
    expect(page.locator("#import-errors")).to_contain_text("Linje 3: sete 1 står også på linje 2.")
    page.set_input_files("#file", files=[{"name": "medlemmer.csv", "mimeType": "text/csv",
                                          "buffer": members_csv()}])
    click_and_wait(page, page.get_by_role("button", name="Importer"))
    flash(page, "67 medlemmer er importert.")
    expect(page.locator("#members tbody tr")).to_have_count(67)


def secretary_creates_case(page: Page, arena: str) -> None:
    nav(page, "Politiske saker")
    click_and_wait(page, page.get_by_role("link", name="Registrer ny sak"))
    page.get_by_label("Gjennomgang").select_option(label=f"Gjennomgang {OPEN_YEAR}")
    page.get_by_label("Valgperiode").select_option(label="Bystyret 2023–2027")
    page.get_by_label("Saksnummer").fill("21/26")
    page.get_by_label("Møtedato").fill(f"{OPEN_YEAR}-03-02")  # the demo's today
    page.get_by_label("Arkivreferanse").fill(f"{OPEN_YEAR}/4711-3")
    page.get_by_label("Tittel").fill("Internasjonale samarbeidsarenaer – årlig gjennomgang")
    click_and_wait(page, page.get_by_role("button", name="Registrer sak"))
    flash(page, "Saken 21/26 er registrert.")
    page.get_by_role("group", name=re.compile("Arenaer sendt til behandling")).get_by_label(
        arena, exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Legg til i saken"))
    click_and_wait(page, page.locator("#case-items").get_by_role("link", name=arena))
    expect(page.get_by_role("heading", level=1)).to_have_text(arena)


def secretary_records_vote(page: Page) -> None:
    form = page.locator("#proposal-form")
    expect(form.get_by_role("radio", name="Innstilling")).to_be_checked()
    recommended = form.locator("fieldset#proposal-outcome input:checked")
    expect(recommended).to_have_count(1)  # pre-filled from the assessment
    form.get_by_label("Forslagstekst").fill("Bergen kommune følger anbefalingen.")
    click_and_wait(page, form.get_by_role("button", name="Registrer forslag"))
    click_and_wait(page, page.get_by_role("link", name=re.compile("Registrer stemmegivning")))
    page.get_by_label("Medlemmer til stede").fill("67")
    page.get_by_label("Stemmer for").fill("45")
    page.get_by_label("Stemmer mot").fill("22")
    page.get_by_label("Avholdende", exact=True).fill("0")
    page.get_by_role("group", name=re.compile("Resultat slik")).get_by_label("Vedtatt").check()
    # the case is in the demo's term that covers today: nine groups, 67 seats
    for party, votes in (("Parti A", (15, 0, 0)), ("Parti B", (12, 0, 0)),
                         ("Parti C", (10, 0, 0)), ("Parti D", (8, 1, 0)),
                         ("Parti E", (0, 7, 0)), ("Parti F", (0, 6, 0)),
                         ("Parti G", (0, 4, 0)), ("Parti H", (0, 3, 0)),
                         ("Parti I", (0, 0, 0))):  # 45 for, but 21 against: refused
        for column, count in zip(("For", "Mot", "Avholdende"), votes, strict=True):
            page.get_by_label(f"{party}: {column}", exact=True).fill(str(count))
    click_and_wait(page, page.get_by_role("button", name="Lagre stemmegivningen"))
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "Partigruppene har til sammen 21 stemmer mot, men totalen er 22.")
    page.get_by_label("Parti I: Mot", exact=True).fill("1")
    click_and_wait(page, page.get_by_role("button", name="Lagre stemmegivningen"))
    flash(page, "Stemmegivningen er registrert.")
    expect(page.locator("main")).to_contain_text("Vedtatt med 45 mot 22 stemmer, 0 avsto.")
    expect(page.locator("main")).to_contain_text("Etter flertallsregelen: Vedtatt")


def secretary_decides(page: Page) -> None:
    form = page.locator("#decision-form")
    expect(form.locator("fieldset#decision-outcome input:checked")).to_have_count(1)
    expect(form.get_by_label("Gjelder fra")).to_have_value(f"{OPEN_YEAR}-03-02")
    click_and_wait(page, form.get_by_role("button", name="Registrer vedtaket"))
    flash(page, "Vedtaket er registrert.")
    expect(page.locator("h1 + p .ds-tag").first).to_have_text("Vedtatt")
    click_and_wait(page, page.get_by_role("link", name="Hele vurderingen"))
    expect(page.locator("#council-summary")).to_contain_text("Sak 21/26")


def secretary_corrects_2021(page: Page) -> None:
    nav(page, "Politiske saker")
    click_and_wait(page, page.get_by_role("link", name="95/21", exact=True))
    click_and_wait(page, page.get_by_role("link", name="Union of the Baltic Cities (UBC)"))
    click_and_wait(page, page.get_by_role("link", name=re.compile("Rett stemmegivningen")))
    expect(page.get_by_label("Stemmer for")).to_have_value("45")
    page.get_by_label("Stemmer for").fill("44")
    page.get_by_label("Stemmer mot").fill("23")
    page.get_by_label("Parti A: For", exact=True).fill("14")
    page.get_by_label("Parti A: Mot", exact=True).fill("1")
    page.get_by_label("Hvorfor stemmegivningen rettes").fill("Feil i opptellingen for Parti A.")
    click_and_wait(page, page.get_by_role("button", name="Lagre stemmegivningen"))
    flash(page, "Stemmegivningen er registrert.")
    main = page.locator("main")
    expect(main).to_contain_text("Vedtatt med 44 mot 23 stemmer, 0 avsto.")
    expect(main).to_contain_text("Vedtatt med 45 mot 22 stemmer, 0 avsto.")  # the original
    expect(main).to_contain_text("Feil i opptellingen for Parti A.")


def test_secretary_records_a_council_case(page: Page, live_app: Flask, live_server: str) -> None:
    arena = approved_arena(live_app)
    assert arena, "the demo has an approved assessment in the open cycle"
    office_routes(page, live_server, arena)
    sign_in(page, live_server, SECRETARY)
    secretary_registers_term(page)
    secretary_creates_case(page, arena)
    secretary_records_vote(page)
    secretary_decides(page)
    secretary_corrects_2021(page)
    nav(page, "Politiske saker")
    click_and_wait(page, page.get_by_role("link", name="Oppfølging av vedtak"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Oppfølging av vedtak")


def block_vote_case(app: Flask) -> tuple[int, list[str]]:
    """A case of the open cycle on today's meeting with two routed items, each with its
    innstilling (approved arenas other than the one the test above routes, and ICA)."""
    from app.clock import today
    from app.council.operations import (
        CaseInput,
        ProposalInput,
        add_case_items,
        add_proposal,
        create_case,
    )
    from app.extensions import db
    from app.models import Arena, Assessment, Cycle, Recommendation, User
    from app.models.council import CaseItem, CouncilTerm, ProposalKind
    from workflows.assessment import AssessmentState

    with app.app_context():
        try:
            secretary = db.session.scalar(sa.select(User).where(User.email == SECRETARY))
            cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))
            term = next(t for t in db.session.scalars(sa.select(CouncilTerm))
                        if t.covers(today()))
            free = db.session.scalars(
                sa.select(Assessment).join(Assessment.arena)
                .where(Assessment.cycle_id == cycle.id,
                       Assessment.state == AssessmentState.APPROVED,
                       Assessment.recommendation.is_not(None),
                       Arena.name != "International Council on Archives (ICA)",
                       Assessment.id.not_in(sa.select(CaseItem.assessment_id)))
                .order_by(Arena.name)).all()[1:3]
            for assessment in free:
                assessment.routed_to_council = True
            case = create_case(secretary, CaseInput(cycle.id, term.id, "30/26", today(), "",
                                                    "Felles stemmegivning"))
            for item in add_case_items(secretary, case, [a.id for a in free]):
                add_proposal(secretary, item, ProposalInput(
                    ProposalKind.RECOMMENDATION, Recommendation.CONTINUE, "Videreføre."))
            db.session.commit()
            return case.id, [a.arena.name for a in free]
        finally:
            db.session.remove()


def test_secretary_records_a_block_vote(page: Page, live_app: Flask, live_server: str) -> None:
    case_id, arenas = block_vote_case(live_app)
    assert len(arenas) == 2, "the demo has three approved assessments in the open cycle"
    sign_in(page, live_server, SECRETARY)  # lands on a case of the open cycle
    assert re.search(r"/council/cases/\d+$", page.url), page.url
    page.goto(f"{live_server}/council/cases/{case_id}")
    click_and_wait(page, page.get_by_role("link", name="Registrer felles stemmegivning"))
    page.get_by_label("Medlemmer til stede").fill("60")
    page.get_by_label("Stemmer for").fill("40")
    page.get_by_label("Stemmer mot").fill("20")
    page.get_by_role("group", name=re.compile("Resultat slik")).get_by_label("Vedtatt").check()
    click_and_wait(page, page.get_by_role("button", name=re.compile("Lagre stemmegivningen")))
    expect(page.locator("#error-summary")).to_contain_text("Velg minst to arenaer.")
    assert page.url.endswith(f"/council/cases/{case_id}/block-vote")  # the page's own address
    group = page.get_by_role("group", name=re.compile("Arenaer det ble stemt over samlet"))
    for arena in arenas:
        group.get_by_label(arena, exact=True).check()
    click_and_wait(page, page.get_by_role("button", name=re.compile("Lagre stemmegivningen")))
    flash(page, "Stemmegivningen er registrert for 2 arenaer.")
    click_and_wait(page, page.locator("#case-items").get_by_role("link", name=arenas[0]))
    main = page.locator("main")
    expect(main).to_contain_text("Vedtatt med 40 mot 20 stemmer")
    expect(main.locator(".block-vote")).to_contain_text(arenas[1])
