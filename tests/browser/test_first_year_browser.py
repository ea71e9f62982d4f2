"""Fjordvik's first year in a real browser, from an empty database to a published review.

The made-up municipality of tests/municipality/fjordvik.py (no byråd, five kommunalområder)
is set up and run through the pages alone; only the first administrator and the assembly job
(which the scheduler runs) come from the command line. axe checks every page the tour lands
on, and no page may use Bergen's words. The Bergen demo is never loaded: this test has its own
server on its own empty database.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page

from tests.browser.conftest import format_violations, run_axe
from tests.municipality import fjordvik as F


@pytest.fixture(scope="module")
def fjordvik_app(tmp_path_factory):
    """The app on an empty, migrated database (no demo), with the first administrator."""
    from app import create_app
    from app.extensions import db
    from config import TestConfig

    folder = tmp_path_factory.mktemp("fjordvik")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'db.sqlite3'}",
                     DOCUMENT_STORAGE=str(folder / "documents"))
    runner = app.test_cli_runner()
    for args in (["db", "upgrade", "heads"],
                 ["users", "create", F.ADMIN[0], "--name", F.ADMIN[1], "--role", "admin",
                  "--password", F.PASSWORD]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def server(fjordvik_app) -> Iterator[str]:
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, fjordvik_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


class Tour:
    """Walks the pages; after every page load: axe, and no Bergen words in the main content."""

    def __init__(self, page: Page, base: str):
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.visited: list[str] = []

    def check(self) -> None:
        page = self.page
        self.visited.append(page.url)
        violations = run_axe(page)
        if violations:
            self.problems.append(f"{page.url}:\n{format_violations(violations)}")
        main = page.locator("main").inner_text().lower()
        if "/admin/settings" in page.url:  # its hints name other municipalities' words
            return
        if found := [w for w in F.FOREIGN_WORDS if w.lower() in main]:
            self.problems.append(f"{page.url}: Bergen's words {found}")

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and
                                                                   response.status)
        self.check()

    def click(self, selector: str) -> None:
        """Click a button or link that loads a page; confirm if the product asks first."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.check()
        confirm = self.page.locator("main form button[data-variant=primary]")
        if "bekreft" in self.page.url.lower() or "confirm" in self.page.url.lower():
            with self.page.expect_navigation():
                confirm.first.click()
            self.check()

    def submit(self, form: str) -> None:
        """Send `form` with its primary (or only) submit button."""
        buttons = self.page.locator(f"{form} button[type=submit]")
        primary = self.page.locator(f"{form} button[type=submit][data-variant=primary]")
        self.click_locator(primary if primary.count() else buttons)

    def click_locator(self, locator) -> None:
        with self.page.expect_navigation():
            locator.first.click()
        self.check()

    def expect_flash(self, text: str) -> None:
        assert text in self.page.locator("main").inner_text(), (self.page.url, text)

    def login(self, email: str) -> None:
        self.page.context.clear_cookies()
        self.go("/auth/login")
        self.page.fill("#email", email)
        self.page.fill("#password", F.PASSWORD)
        self.submit("form#login-form")


def ids(app, model, column) -> dict:
    from app.extensions import db

    with app.app_context():
        try:
            return dict(db.session.execute(sa.select(column, model.id)).all())
        finally:
            db.session.remove()


def set_up(tour: Tour, app) -> None:
    from app.models import Portfolio

    page = tour.page
    tour.login(F.ADMIN[0])
    tour.go("/admin/settings")
    page.fill("#name", F.NAME)
    for key, (nb, en) in F.LABELS.items():
        page.fill(f"#{key}_nb", nb)
        page.fill(f"#{key}_en", en)
    tour.submit("#settings-form")
    for code, name_nb, name_en in F.PORTFOLIOS:
        tour.go("/admin/portfolios/new")
        page.fill("#code", code)
        page.fill("#name_nb", name_nb)
        page.fill("#name_en", name_en)
        tour.submit("#portfolio-form")
    portfolio_ids = ids(app, Portfolio, Portfolio.code)
    for person in F.PEOPLE:
        tour.go("/admin/users/new")
        page.fill("#email", person.email)
        page.fill("#name", person.name)
        page.fill("#password", F.PASSWORD)
        for role in person.roles:
            page.check(f"input[name=roles][value={role}]")
        for code in person.portfolios:
            page.check(f"input[name=portfolios][value='{portfolio_ids[code]}']")
        tour.submit("#user-form")
    tour.go("/admin/users")
    for person in F.PEOPLE:
        assert person.email in page.locator("main").inner_text()


def register_and_create(tour: Tour, app) -> None:
    from app.models import Portfolio

    page = tour.page
    portfolio_ids = ids(app, Portfolio, Portfolio.code)
    tour.login(F.OFFICE.email)
    for spec in F.ARENAS:
        tour.go("/arenas/new")
        page.fill("#key", spec.key)
        page.fill("#name", spec.name)
        page.check(f"input[name=kind][value={spec.kind}]")
        page.fill("#description_nb", spec.description)
        page.check(f"input[name=portfolio_ids][value='{portfolio_ids[spec.portfolio]}']")
        tour.submit("main form")
    tour.go("/cycles/")
    tour.click("#new-cycle")
    page.fill("#year", str(F.YEAR))
    page.fill("#title", f"Gjennomgang av medlemskap {F.YEAR}")
    for name, value in F.DEADLINES.items():
        page.fill(f"#{name}", value)
    tour.submit("main form")
    assert page.url.endswith(f"/cycles/{F.YEAR}")
    tour.click(f"a[href='/cycles/{F.YEAR}/criteria']")
    for name, value in F.COST_BENEFIT.items():
        page.fill(f"#new-{name}", value)
    page.check("#new-is_required")
    tour.submit("main form.form-stack")
    tour.expect_flash("Kriteriene er lagret")


def gaps(page: Page) -> list[str]:
    return [item.get_attribute("data-check")
            for item in page.locator("#checklist li[data-passed=false]").all()]


def test_fjordvik_runs_its_first_year_in_the_browser(page: Page, server, fjordvik_app):
    app = fjordvik_app
    tour = Tour(page, server)
    set_up(tour, app)
    register_and_create(tour, app)

    tour.go(f"/cycles/{F.YEAR}")
    assert gaps(page) == ["council_term"]
    checklist = page.locator("#checklist").inner_text()
    assert "kommunestyret" in checklist and "Alle kommunalområder har en kommunalsjef" in \
        checklist
    tour.login(F.SECRETARY.email)
    tour.go("/council/terms")
    for name in ("name", "starts_on", "ends_on", "seats"):
        page.fill(f"#term-form #{name}", str(F.TERM[name]))
    tour.submit("#term-form")

    tour.login(F.OFFICE.email)
    tour.go(f"/cycles/{F.YEAR}")
    assert gaps(page) == [] and "Alt er klart" in page.locator("#checklist").inner_text()
    tour.click(f"a[href='/cycles/{F.YEAR}/lifecycle/open_cycle']")  # says what opening does
    tour.submit("form:has(input[name=confirmed])")
    tour.go(f"/cycles/{F.YEAR}")
    assert page.locator("[data-state=draft]").inner_text() == str(len(F.ARENAS))

    by_name = {spec.name: spec for spec in F.ARENAS}
    for contact in F.CONTACTS:
        tour.login(contact.email)
        tour.go("/assessments/")
        links = sorted({href for href in (a.get_attribute("href") for a in
                                          page.locator("main a").all())
                        if href and re.fullmatch(r"/assessments/\d+", href)})
        assert len(links) == sum(s.portfolio in contact.portfolios for s in F.ARENAS)
        for link in links:
            tour.go(link)
            spec = by_name[page.locator("h1").inner_text().split(" – ")[0].strip()]
            fill_in(page, spec)
            tour.click_locator(page.locator("button[name=action][value=submit]"))

    for head in F.HEADS:
        tour.login(head.email)
        for link in assessment_links(tour, "/assessments/sign-off"):
            tour.go(link)
            tour.click("form:has(input[name=transition][value=sign_off]) button")

    tour.login(F.OFFICE.email)
    tour.go(f"/cycles/{F.YEAR}?state=in_review")
    for link in assessment_links(tour, None):
        tour.go(link)
        tour.click("form:has(input[name=transition][value=approve]) button")
    tour.go(f"/council/routing/{F.YEAR}")
    for radio in page.locator("#routing-form input[type=radio][value=settle]").all():
        radio.check()
    tour.submit("#routing-form")
    tour.go(f"/cycles/{F.YEAR}")
    assert page.locator("[data-state=decided]").inner_text() == str(len(F.ARENAS))

    tour.go(f"/documents/{F.YEAR}")
    tour.submit(f"form[action='/documents/{F.YEAR}/assemble']")
    result = app.test_cli_runner().invoke(args=["review", "run-jobs"])  # the scheduler's job
    assert result.exit_code == 0, result.output
    tour.go(f"/documents/{F.YEAR}")
    tour.click(f"a[href='/documents/{F.YEAR}/versions/1/publish']")  # says what publishing does
    tour.submit("form:has(input[name=confirmed])")

    page.context.clear_cookies()
    tour.go(f"/publications/{F.YEAR}")
    text = page.locator("main").inner_text()
    assert "Fjordvik kommune" in text and "ansvarlig kommunalsjef" in text
    for spec in F.ARENAS:
        assert spec.name in text
    assert len(tour.visited) > 40
    assert not tour.problems, "\n".join(tour.problems)


def assessment_links(tour: Tour, path: str | None) -> list[str]:
    """The assessment pages linked from `path` (None: the current page)."""
    if path:
        tour.go(path)
    hrefs = (a.get_attribute("href") for a in tour.page.locator("main a").all())
    return sorted({h for h in hrefs if h and re.fullmatch(r"/assessments/\d+", h)})


def fill_in(page: Page, spec: F.ArenaSpec) -> None:
    """Every criterion answered, a cost, the recommendation and its reason."""
    for group in page.locator("fieldset[id$=_value]").all():
        name = group.get_attribute("id")
        value = "active" if name.startswith("participation") else "medium"
        page.check(f"input[name={name}][value={value}]")
    if page.locator("input[name=participation_participants]").count():
        page.check("input[name=participation_participants][value=administrative]")
    for area in page.locator("textarea[name$=_text]").all():
        area.fill(f"{spec.name} gir et nyttig utbytte for Fjordvik.")
    page.fill("#yearly_cost", "25000")
    page.check(f"input[name=recommendation][value={spec.recommendation}]")
    page.fill("#recommendation_reason", f"{spec.name} er verdt å følge opp.")
