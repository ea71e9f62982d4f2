"""axe-core (WCAG 2.1 A/AA) on the document pages with real content: a published 2021 review,
a waiting assembly job, and the public archive as an anonymous visitor sees it.

The shared walk in tests/browser/test_axe_all_pages.py visits every route on a database with no
assembled documents (so version pages answer 404 there); this module assembles and publishes
first. Runs with `pytest -m browser`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.browser.conftest import (
    DEMO_TODAY,
    OFFICE,
    format_violations,
    login,
    run_axe,
)

pytestmark = pytest.mark.browser

ANONYMOUS_PAGES = ["/publications", "/publications/2021"]
OFFICE_PAGES = ["/documents/2021", "/documents/2026", "/documents/2021/versions/1/view",
                "/documents/2021/preview", "/documents/2021/settings",
                "/documents/2021/sentences", "/cycles/2021"]


@pytest.fixture(scope="module")
def document_server(tmp_path_factory) -> Iterator[str]:
    """The demo with 2021 assembled and published and a 2026 job waiting, served in a thread."""
    import flask_migrate
    from werkzeug.serving import make_server

    from app import create_app
    from app.demo.loader import load_demo
    from app.documents.operations import assemble_document, publish_version, queue_assembly
    from app.extensions import db
    from app.models import Cycle, User
    from config import TestConfig

    folder = tmp_path_factory.mktemp("document-browser")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'db.sqlite3'}",
                     DOCUMENT_STORAGE=str(folder / "documents"))
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        load_demo(DEMO_TODAY)
        office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
        cycles = {c.year: c for c in db.session.scalars(sa.select(Cycle))}
        assemble_document(cycles[2021], office)
        publish_version(cycles[2021], 1, office)
        queue_assembly(cycles[2026], office)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def check(tab, base: str, paths: list[str]) -> list[str]:
    """Visit each path; return one problem line per page that is not a clean 200."""
    problems = []
    for path in paths:
        response = tab.goto(base + path)
        if response is None or response.status != 200:
            problems.append(f"{path}: HTTP {response.status if response else '?'}")
            continue
        if tab.locator("h1").count() != 1:
            problems.append(f"{path}: {tab.locator('h1').count()} h1 elements")
        violations = run_axe(tab)
        if violations:
            problems.append(f"{path}:\n{format_violations(violations)}")
    return problems


def test_public_archive_passes_axe_anonymously(page, document_server):  # noqa: F811
    problems = check(page, document_server, ANONYMOUS_PAGES)
    assert not problems, "\n".join(problems)
    page.goto(document_server + "/publications")
    assert page.get_by_role("link", name="Les gjennomgangen for 2021").count() == 1


def test_office_document_pages_pass_axe(page, document_server):  # noqa: F811
    login(page, document_server, OFFICE)
    problems = check(page, document_server, OFFICE_PAGES)
    assert not problems, "\n".join(problems)
    page.goto(document_server + "/documents/2026")
    assert page.locator("#job-progress").get_attribute("value") == "0"
