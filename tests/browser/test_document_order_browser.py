"""In a real browser: the office orders arenas by drag and drop or with the keyboard, and the
document page follows an assembly job by itself. Runs with `pytest -m browser`."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_TODAY, OFFICE, login

pytestmark = pytest.mark.browser
YEAR = 2026


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, object]]:
    """The demo with a 2026 assembly job waiting, served in a thread; yields (url, app)."""
    import flask_migrate
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo.loader import load_demo
    from app.documents.operations import queue_assembly
    from app.extensions import db
    from app.models import Cycle, User
    from config import TestConfig

    folder = tmp_path_factory.mktemp("document-order-browser")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'db.sqlite3'}",
                     DOCUMENT_STORAGE=str(folder / "documents"))
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        load_demo(DEMO_TODAY)
        office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
        queue_assembly(db.session.scalar(sa.select(Cycle).where(Cycle.year == YEAR)), office)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def part_one(page) -> list[str]:
    return page.locator("#order-part-1 ~ ol .order-name").all_inner_texts()


def test_drag_and_drop_then_save(page, served):
    base, _app = served
    login(page, base, OFFICE)
    page.goto(f"{base}/cycles/{YEAR}/order")
    first, second = part_one(page)[:2]
    items = page.locator("#order-part-1 ~ ol .order-item")
    items.nth(0).drag_to(items.nth(1), target_position={"x": 10, "y": 30})
    unsaved = "Rekkefølgen er endret, men ikke lagret ennå."
    expect(page.locator("#order-status")).to_have_text(unsaved)
    page.get_by_role("button", name="Lagre rekkefølgen").click()
    expect(page.locator(".ds-alert").first).to_contain_text("Rekkefølgen er lagret.")
    assert part_one(page)[:2] == [second, first]


def test_keyboard_move_up_and_down(page, served):
    base, _app = served
    login(page, base, OFFICE)
    page.goto(f"{base}/cycles/{YEAR}/order")
    before = part_one(page)
    button = page.locator("#order-part-1 ~ ol .order-item").first.locator(
        "button", has_text="Flytt ned")
    expect(button).to_contain_text(before[0])  # the arena's name, for screen readers
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert part_one(page)[:2] == [before[1], before[0]]


def test_the_document_page_follows_the_job_by_itself(page, served):
    base, app = served
    login(page, base, OFFICE)
    page.goto(f"{base}/documents/{YEAR}")
    expect(page.locator("#job-status-text")).to_contain_text("Ingen planlegger kjører nå")
    from app import clock
    from app.documents.jobs import run_pending_assembly_jobs
    from app.extensions import db

    with app.app_context():
        run_pending_assembly_jobs(clock.now())
        db.session.remove()
    expect(page.locator("#assembly-job")).to_contain_text("Resultat: versjon 1.", timeout=20_000)
