"""axe-core (WCAG 2.1 A/AA) on every page each demo role can open, plus the anonymous pages.

The pages come from the app itself: every GET rule of `app.url_map`, with demo ids filled in for
rules that take arguments, plus every link in the role's main menu. Pages that answer 403/404 for
a role are skipped; every other answer must be a 200 that axe finds nothing wrong with. All
violations of a role are collected and reported together.

Only reads, but for one planned cycle (PLANNED_YEAR, cloned once) whose setup pages only a
planned cycle shows: ids are looked up when the test runs, so the order of the browser tests does
not matter (the flow test moves one assessment through the workflow).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from playwright.sync_api import Page, expect

from app.api.blueprint import api as json_api
from tests.browser.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OPEN_YEAR,
    SECRETARY,
    format_violations,
    login,
    run_axe,
)

ROLES = {
    "contact": CONTACT,
    "byrad": COMMISSIONER,
    "kontoret": OFFICE,
    "sekretar": SECRETARY,
    "admin": ADMIN,
}
MIN_PAGES_PER_ROLE = 5
PLANNED_YEAR = OPEN_YEAR + 1  # cloned from the open cycle; its setup pages are forms
PLANNED_PAGES = {"cycles.dashboard", "cycles.arenas", "cycles.criteria"}
SKIPPED_STATUSES = (403, 404)
# Endpoints that are not pages (files) or only answer POST in practice.
NOT_PAGES = {"static", "calendar.feed"}  # calendar.feed: an ICS file, not HTML
NOT_PAGES |= {"about.healthz"}  # JSON for monitoring
NOT_PAGES |= {"documents.job_status"}  # JSON the document page polls
NOT_PAGES |= {"documents.version_file", "documents.publication_file",  # PDF/DOCX files
              "documents.export_xlsx", "documents.export_csv"}
NOT_PAGES |= {f"api.{e.name}" for e in json_api.endpoints}  # the JSON API (Bearer tokens)
NOT_PAGES |= {"arenas.download"}  # the register as a CSV/XLSX/YAML file
NOT_PAGES |= {"council.minutes"}  # the minutes extract, a DOCX file
NOT_PAGES |= {"favicon"}  # an icon
NOT_PAGES |= {"statistics.office_csv", "statistics.public_csv"}  # a chart's table as CSV


# --------------------------------------------------------------------------- which pages


def demo_values(app: Flask, email: str) -> dict[str, list]:
    """Demo values for each URL argument name, chosen for the user `email`.

    assessment_id: for each state, an assessment of the open cycle the user may see (any one
    when they may see none of that state), and one of 2021.
    """
    from app.extensions import db
    from app.models import Arena, Assessment, Portfolio, User
    from workflows.assessment import AssessmentState, can_view

    app.test_cli_runner().invoke(args=[  # refused (harmlessly) once the cycle exists
        "cycles", "clone", "--from", str(OPEN_YEAR), "--to", str(PLANNED_YEAR)])
    with app.app_context():
        try:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            contact = db.session.scalar(sa.select(User).where(User.email == CONTACT))
            kml = db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML"))
            arena = db.session.scalar(
                sa.select(Arena).where(Arena.portfolios.any(Portfolio.id == kml.id))
                .order_by(Arena.id).limit(1))
            assessments = db.session.scalars(
                sa.select(Assessment).join(Assessment.cycle).order_by(Assessment.id)).all()
            ids = []
            for state in AssessmentState:
                of_state = [a for a in assessments
                            if a.cycle.year == OPEN_YEAR and a.state == state]
                visible = [a for a in of_state if can_view(a, user)]
                if visible or of_state:
                    ids.append((visible or of_state)[0].id)
            old = [a for a in assessments if a.cycle.year == 2021]
            ids.append(([a for a in old if can_view(a, user)] or old)[0].id)
            return {
                "assessment_id": ids,
                "year": [2021, OPEN_YEAR],
                "arena_id": [arena.id],
                "arena_key": [arena.key],
                "user_id": [contact.id],
                "portfolio_id": [kml.id],
                "portfolio_code": [kml.code],
                "code": [kml.code],
                "template_key": ["returned"],  # mail templates
                "locale": ["nb", "en"],
                "number": [1], "version_id": [1], "ext": ["pdf"],  # review document versions
                "term_id": [1], "case_id": [1], "item_id": [3, 5], "proposal_id": [1, 6],  # council
                "name": ["close_submissions"],  # a lifecycle step's confirmation page
                "mapping_id": [sign_in_group_id()],  # admin: a single sign-on group's form
                "token": ["A" * 43],  # a one-time link nobody has: 404 (the valid one: below)
            }
        finally:
            db.session.remove()


def sign_in_group_id() -> int:
    """A single sign-on group row (made once), so its edit page is checked too."""
    from app.auth.oidc_operations import GroupMappingInput, create_group_mapping
    from app.extensions import db
    from app.models import OidcGroupMapping
    from workflows.roles import Role

    found = db.session.scalar(sa.select(OidcGroupMapping.id).limit(1))
    if found is None:
        found = create_group_mapping(None, GroupMappingInput(
            group_id="a1b2c3d4-kontakter", role=Role.CONTACT, description="Kontaktpersoner",
            is_just_in_time=True)).id
        db.session.commit()
    return found


def page_paths(app: Flask, values: dict[str, list]) -> tuple[list[str], list[str]]:
    """(paths to visit, rules whose arguments have no demo value)."""
    paths: list[str] = []
    unresolved: list[str] = []
    with app.test_request_context():
        rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        for rule in rules:
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
                continue
            names = sorted(rule.arguments - set(rule.defaults or {}))
            if any(name not in values for name in names):
                unresolved.append(f"{rule.rule} ({rule.endpoint}): no demo value for "
                                  + ", ".join(n for n in names if n not in values))
                continue
            for combo in itertools.product(*(values[n] for n in names)):
                paths.append(url_for(rule.endpoint, **dict(zip(names, combo, strict=True))))
            if rule.endpoint in PLANNED_PAGES:
                paths.append(url_for(rule.endpoint, year=PLANNED_YEAR))
            if rule.endpoint == "cycles.confirm_step":  # what opening the planned cycle does
                paths.append(url_for(rule.endpoint, year=PLANNED_YEAR, name="open_cycle"))
            if rule.endpoint == "admin.users":  # the user list searched and filtered by role
                paths.append(url_for(rule.endpoint, q="kontakt", role="contact"))
            if rule.endpoint == "cycles.dashboard":  # the dashboard filtered by a state
                paths.append(url_for(rule.endpoint, year=OPEN_YEAR, state="returned"))
    return list(dict.fromkeys(paths)), unresolved


def menu_paths(page: Page) -> list[str]:
    """The links of the main menu on the current page (as paths)."""
    hrefs = page.locator("nav[aria-label] a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return [urlsplit(h).path + (f"?{urlsplit(h).query}" if urlsplit(h).query else "")
            for h in hrefs]


# --------------------------------------------------------------------------- checking

# axe only reports text it cannot see as "incomplete" (e.g. a table overlapping the next one);
# this catches that case: a table sticking out of a box that does not scroll.
SPILLED_TABLES_JS = """() => [...document.querySelectorAll('main table')].filter((t) => {
    const box = t.parentElement;
    const style = getComputedStyle(box);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    return !scrolls && t.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
}).map((t) => (t.id ? 'table#' + t.id : 'table')
    + (t.caption ? ' "' + t.caption.textContent.trim() + '"' : ''))
"""


@dataclass
class Report:
    checked: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def check(self, page: Page, label: str | None = None) -> None:
        """Run axe on the page shown now and note any violations under its URL."""
        where = label or urlsplit(page.url).path + (
            f"?{urlsplit(page.url).query}" if urlsplit(page.url).query else "")
        self.checked.append(where)
        violations = run_axe(page)
        if violations:
            self.problems.append(f"{where}:\n{format_violations(violations)}")
        spilled = page.evaluate(SPILLED_TABLES_JS)
        if spilled:
            self.problems.append(
                f"{where}:\n" + "\n".join(
                    f"- table wider than its box (may overlap what is next to it) -> {t}"
                    for t in spilled))

    def visit(self, page: Page, base_url: str, path: str) -> None:
        response = page.goto(base_url + path)
        assert response is not None, path
        final = urlsplit(page.url)
        final_path = final.path + (f"?{final.query}" if final.query else "")
        if response.status in SKIPPED_STATUSES:
            self.skipped.append(f"{path} ({response.status})")
        elif response.status != 200:
            self.problems.append(f"{path}: HTTP {response.status} (expected 200, 403 or 404)")
        elif final_path in self.checked:
            via = f"redirects to {final_path}, " if final_path != path else ""
            self.skipped.append(f"{path} ({via}already checked)")
        else:
            self.check(page)

    def fail_if_problems(self, who: str, extra: list[str] = ()) -> None:
        problems = self.problems + list(extra)
        if problems:
            pytest.fail(
                f"{len(problems)} page(s) with problems for {who} "
                f"({len(self.checked)} checked):\n" + "\n".join(problems),
                pytrace=False,
            )


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_passes_axe(
    role: str, page: Page, live_app: Flask, live_server: str
) -> None:
    email = ROLES[role]
    paths, unresolved = page_paths(live_app, demo_values(live_app, email))
    login(page, live_server, email)
    expect(page.locator("form[action$='/auth/logout']")).to_be_visible()
    paths += [p for p in menu_paths(page) if p not in paths]

    report = Report()
    for path in paths:
        report.visit(page, live_server, path)

    print(f"{role}: {len(report.checked)} page(s) checked: {', '.join(report.checked)}")
    print(f"{role}: skipped {', '.join(report.skipped) or 'none'}")
    report.fail_if_problems(
        f"{role} ({email})",
        [f"unchecked rule {u} (add a demo value in demo_values)" for u in unresolved],
    )
    assert len(report.checked) >= MIN_PAGES_PER_ROLE, (
        f"only {len(report.checked)} page(s) checked for {role}: {report.checked}; "
        f"skipped: {report.skipped}")


def test_anonymous_pages_pass_axe(page: Page, live_server: str) -> None:
    report = Report()

    page.goto(f"{live_server}/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    report.check(page, "/auth/login")

    response = page.goto(f"{live_server}/finnes-ikke")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Fant ikke siden")
    report.check(page, "/finnes-ikke (404)")

    page.goto(f"{live_server}/tilgjengelighet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilgjengelighetserklæring")
    report.check(page, "/tilgjengelighet")

    page.goto(f"{live_server}/publications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Publiserte gjennomganger")
    report.check(page, "/publications")

    report.fail_if_problems("an anonymous visitor")


def test_account_pages_pass_axe(page: Page, live_app: Flask, live_server: str) -> None:
    """The invitation link, "Glemt passord?", setting up the second factor and its code."""
    from app import clock
    from app.admin.invite_operations import create_invited_user
    from app.auth import totp
    from app.auth.account_operations import _issue
    from app.extensions import db
    from app.models import AccountTokenPurpose, User

    email, password = "axe.ny@bergen.example", "en lang og god setning"
    with live_app.app_context():
        invited = create_invited_user(None, email=email, name="Axe Ny", roles=set(),
                                      portfolio_ids=set())
        token = _issue(None, invited, AccountTokenPurpose.INVITE)  # the mail's, known here
        db.session.commit()
    report = Report()

    page.goto(f"{live_server}/auth/login")
    with page.expect_navigation():
        page.get_by_role("link", name="Glemt passord?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glemt passord")
    report.check(page, "/auth/forgot")
    page.get_by_label("E-post").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Send lenke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    report.check(page, "/auth/forgot (sent)")

    page.goto(f"{live_server}/auth/account/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Velg passord")
    report.check(page, "/auth/account/<token>")
    page.get_by_label("Nytt passord").fill(password)
    page.get_by_label("Gjenta passordet").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre passordet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    response = page.goto(f"{live_server}/auth/account/{token}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke lenger")
    report.check(page, "/auth/account/<token> (used, 404)")

    login(page, live_server, email, password)
    page.goto(f"{live_server}/auth/totp")
    report.check(page, "/auth/totp")
    with page.expect_navigation():
        page.get_by_role("button", name="Sett opp tofaktorinnlogging").click()
    expect(page.get_by_role("img", name="QR-kode for autentiseringsappen")).to_be_visible()
    report.check(page, "/auth/totp (QR code)")
    with live_app.app_context():
        secret = db.session.scalar(sa.select(User.totp_secret).where(User.email == email))
    page.get_by_label("Kode").fill(totp.code_at(secret, clock.now()))
    with page.expect_navigation():
        page.get_by_role("button", name="Slå på tofaktorinnlogging").click()
    expect(page.locator("#recovery-codes li")).to_have_count(8)
    report.check(page, "/auth/totp/confirm (recovery codes)")
    page.goto(f"{live_server}/profile")
    report.check(page, "/profile (second factor on)")

    page.context.clear_cookies()
    login(page, live_server, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kode fra autentiseringsappen")
    report.check(page, "/auth/second-factor")
    report.fail_if_problems("the account pages")


def test_english_dashboard_passes_axe(page: Page, live_server: str) -> None:
    login(page, live_server, OFFICE)
    page.goto(f"{live_server}/cycles/{OPEN_YEAR}")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert urlsplit(page.url).path == f"/cycles/{OPEN_YEAR}"  # back on the same page
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Gjennomgang {OPEN_YEAR}")
    expect(page.get_by_role("button", name="Norsk")).to_be_visible()

    report = Report()
    report.check(page, f"/cycles/{OPEN_YEAR} (English)")
    report.fail_if_problems("the council office in English")


def test_the_not_saved_page_passes_axe(page: Page, live_server: str, live_app: Flask,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from app.extensions import db

    login(page, live_server, CONTACT)
    page.goto(f"{live_server}/profile")
    with live_app.app_context():
        dialect = db.engine.dialect
    original = dialect.do_execute

    def disk_full(cursor, statement, parameters, context=None):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return original(cursor, statement, parameters, context)

    monkeypatch.setattr(dialect, "do_execute", disk_full)
    page.get_by_label("Hva skal nøkkelen brukes til?").fill("Arkivsystemet")
    with page.expect_navigation():
        page.get_by_role("button", name="Lag API-nøkkel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Endringen ble ikke lagret")
    expect(page.locator("#typed-input")).to_contain_text("Arkivsystemet")
    report = Report()
    report.check(page, "the not-saved page (503)")
    monkeypatch.undo()
    report.fail_if_problems("a contact whose change could not be saved")
