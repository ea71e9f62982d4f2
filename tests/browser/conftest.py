"""Real-browser test harness: Debian's Chromium driven by Playwright's sync API.

No pytest-playwright plugin: the fixtures here are hand-made.

- `browser` (session): one headless /usr/bin/chromium for the whole run.
- `live_server` (session): the app on a temp-file SQLite database, migrated and loaded with the
  demo data, served by werkzeug in a daemon thread; yields the base URL (no trailing slash).
- `page` (function): a fresh context (locale nb-NO) and page, closed afterwards.
- `login(page, base_url, email, password="demo")` and `assert_accessible(page)` are plain
  functions; they are also offered as fixtures of the same name, so a test can either take them
  as arguments or import them.

Every test under tests/browser/ gets the `browser` marker automatically (see the hook at the end),
so `pytest -m browser` runs exactly these and `pytest -m "not browser"` leaves them out.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with the demo data, served over HTTP in a thread. Yields the base URL."""
    import flask_migrate
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo.loader import load_demo
    from app.extensions import db
    from config import TestConfig

    db_file = tmp_path_factory.mktemp("browser-db") / "browser.sqlite3"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_file}")
    with app.app_context():
        flask_migrate.upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


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


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser/ with `browser` (this hook sees the whole session)."""
    for item in items:
        path = Path(item.path).resolve()
        if path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)
