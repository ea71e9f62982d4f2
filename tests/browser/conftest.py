"""Real-browser test harness: Debian's Chromium driven by Playwright's sync API.

No pytest-playwright plugin: the fixtures here are hand-made.

- `browser` (session): one headless /usr/bin/chromium for the whole run.
- `live_app` (session): the Flask app on a temp-file SQLite database, migrated and loaded with the
  demo data as of DEMO_TODAY (2026-03-02). While each browser test runs, the app's clock is
  shifted to that day (autouse `_demo_clock`), so "today" (deadlines, overdue tags) does not
  depend on the real date. Open an app context on it to look up demo ids.
- `live_server` (session): `live_app` served by werkzeug in a daemon thread; yields the base URL
  (no trailing slash). One server and database for the whole session: each test must work on
  its own assessments (pick them by arena name) or not depend on the order tests run in.
- `page` (function): a fresh context (locale nb-NO) and page, closed afterwards.
- `login(page, base_url, email, password="demo")`, `logout(page)` and `assert_accessible(page)`
  are plain functions (`from tests.browser.conftest import login`); `login` and
  `assert_accessible` are also offered as fixtures of the same name.

Every test under tests/browser/ gets the `browser` marker automatically (see the hook at the end),
so `pytest -m browser` runs exactly these and `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Page

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS_DIR.parent.parent
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_TIMEOUT_MS = 15_000
# The demo is loaded as of this date (a Monday; the open cycle 2026 then runs 2026-02-09 ..
# 2026-03-09), the same as tests/conftest.py, so pages do not change with the real date.
DEMO_TODAY = date(2026, 3, 2)
OPEN_YEAR = 2026

# Demo accounts (password "demo"), one per role; the same as tests/conftest.py.
CONTACT = "kontakt@bergen.example"  # portfolios KML and ASB
COMMISSIONER = "byrad@bergen.example"  # KML and ASB
OFFICE = "kontoret@bergen.example"
SECRETARY = "sekretar@bergen.example"
ADMIN = "admin@bergen.example"

# `app` and `config` live at the repository root; make them importable however pytest was started.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session. Fails (never skips) if it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's Chromium (`apt-get install -y chromium`). "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


_clock: dict[str, Any] = {}  # the real clock functions and the offset, fixed at first use


def _travel_to(mp: pytest.MonkeyPatch, day: date) -> None:
    """Shift app.clock (and every app module that imported its functions by name) to `day`.

    The shifted clock starts at 10:00 UTC on `day` the first time this is called and keeps
    running from there, so timestamps written during the session stay in order.
    """
    from app import clock

    if not _clock:
        _clock.update(now=clock.now, today=clock.today,
                      offset=datetime.combine(day, time(10, 0), tzinfo=UTC) - clock.now())
    real_now, real_today, offset = _clock["now"], _clock["today"], _clock["offset"]

    def shifted_now() -> datetime:
        return real_now() + offset

    def shifted_today() -> date:
        return shifted_now().astimezone(clock.OSLO).date()

    for name, module in list(sys.modules.items()):
        if module is None or not (name == "app" or name.startswith("app.")):
            continue
        for attr, real, fake in (("now", real_now, shifted_now),
                                 ("today", real_today, shifted_today)):
            if getattr(module, attr, None) is real:
                mp.setattr(module, attr, fake)


@pytest.fixture(autouse=True)
def _demo_clock() -> Iterator[None]:
    """During each browser test the app's "today" is DEMO_TODAY (undone afterwards, so tests
    outside tests/browser/ that run in the same session see the real clock)."""
    with pytest.MonkeyPatch.context() as mp:
        _travel_to(mp, DEMO_TODAY)
        yield


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The Flask app behind `live_server`, on a temp-file SQLite database with the demo.

    The demo is loaded as of DEMO_TODAY, and during browser tests the app's clock says it is that
    day too (see `_demo_clock`). Tests may open an app context on it to look up ids, e.g.
    `with live_app.app_context(): ...`.
    """
    import flask_migrate

    from app import create_app
    from app.demo.loader import load_demo
    from app.extensions import db
    from config import TestConfig

    db_file = tmp_path_factory.mktemp("browser-db") / "browser.sqlite3"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    with pytest.MonkeyPatch.context() as mp, app.app_context():
        _travel_to(mp, DEMO_TODAY)
        flask_migrate.upgrade(revision="heads")
        load_demo(DEMO_TODAY)
        db.session.commit()
        db.session.remove()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The app with the demo data, served over HTTP in a thread. Yields the base URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        """Logs only server errors, so a failing test's output is not buried in GET lines."""

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if str(code).startswith("5"):
                super().log_request(code, size)

    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (Norwegian locale, no shared cookies) and one page in it."""
    context = browser.new_context(locale="nb-NO")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------- helpers


def login(page: Page, base_url: str, email: str, password: str = "demo") -> None:
    """Log in through the real form (/auth/login) and wait for the resulting page to load.

    Does not assert success: a wrong password re-renders the form, which tests may want to check.
    """
    page.goto(f"{base_url.rstrip('/')}/auth/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("form#login-form button[type=submit]").click()


def logout(page: Page) -> None:
    """Log out with the header's "Logg ut" button and wait for the login page."""
    with page.expect_navigation():
        page.locator("form[action$='/auth/logout'] button[type=submit]").first.click()  # header


def _inject_axe(page: Page) -> None:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} not found: run `make install` (or `npm ci`) first.", pytrace=False)
    if page.evaluate("() => typeof window.axe !== 'undefined'"):
        return
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.add_script_tag(path=str(AXE_PATH))
    except PlaywrightError:
        pass  # blocked (e.g. by a CSP); fall back below
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The app's Content-Security-Policy (script-src 'self') blocks the inline <script> that
        # add_script_tag creates. page.evaluate runs over the DevTools protocol, outside the CSP.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        pytest.fail("could not load axe-core into the page", pytrace=False)


def run_axe(page: Page, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the current page; return its violations (id, impact, help, targets)."""
    _inject_axe(page)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: tags});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                targets: v.nodes.map((n) => n.target),
            }));
        }""",
        tags or AXE_TAGS,
    )


def _selector(target: Any) -> str:
    # A target is a list of selectors (more than one when it crosses iframes / shadow roots).
    if isinstance(target, list):
        return " >>> ".join(_selector(part) for part in target)
    return target if isinstance(target, str) else json.dumps(target)


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One readable line per violated rule: id, impact, help, the first 3 target selectors."""
    lines = []
    for v in violations:
        targets = [_selector(t) for t in v["targets"]]
        shown = ", ".join(targets[:3])
        more = f" (+{len(targets) - 3} more)" if len(targets) > 3 else ""
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} -> {shown}{more}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe finds any WCAG 2.0/2.1 A/AA violation on the page."""
    violations = run_axe(page)
    if violations:
        pytest.fail(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


@pytest.fixture(name="login")
def _login_fixture():
    """The `login` helper, for tests that prefer fixtures to imports."""
    return login


@pytest.fixture(name="assert_accessible")
def _assert_accessible_fixture():
    """The `assert_accessible` helper, for tests that prefer fixtures to imports."""
    return assert_accessible


# --------------------------------------------------------------------------- markers

# pytest's `filterwarnings = ["error"]` is process-wide, so it also reaches the live server's
# request threads, where it turns a library's deprecation warning into a 500 page. The browser
# tests check what users see, so these known warnings are shown in the summary instead (the
# unit tests still fail on them). Keep this list short and specific.
SERVER_WARNINGS_SHOWN = (
    # WTForms 3.3 deprecates (value, label) tuples as choices (app/assessments/forms.py).
    "default:Passing SelectField choices as tuples:DeprecationWarning",
)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ with `browser` (this hook sees the whole session)."""
    for item in items:
        path = Path(item.path).resolve()
        if path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)
            for spec in SERVER_WARNINGS_SHOWN:
                item.add_marker(pytest.mark.filterwarnings(spec))
