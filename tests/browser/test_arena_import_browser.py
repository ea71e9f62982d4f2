"""The import page in Chromium: upload through the real form, and axe on every state of the page.

The walk over all pages (tests/browser/test_axe_all_pages.py) sees the import page only as it
first opens; the refused upload (its table of problems) and the report of the last import are
checked here, with the browser harness's shared fixtures.
"""

from __future__ import annotations

import pytest

from tests.arenas_io.files import csv_bytes, row
from tests.browser import conftest as harness

pytestmark = pytest.mark.browser


def upload_file(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer", exact=True).click()


def test_import_page_states_pass_axe(page, live_server, tmp_path):
    harness.login(page, live_server, harness.OFFICE)
    page.goto(f"{live_server}/arenas/")
    with page.expect_navigation():
        page.get_by_role("link", name="Importer og eksporter").click()
    harness.assert_accessible(page)

    bad = csv_bytes([row(key="ny-1", name="Ny arena", kind="klubb"),
                     row(key="ny-2", name="", responsible="XYZ")])
    upload_file(page, tmp_path, "feil.csv", bad)
    assert page.get_by_role("alert").filter(has_text="Ingenting er importert").is_visible()
    problems = page.locator("#import-problems tbody tr")
    assert problems.count() == 3
    assert "Ukjent type «klubb»" in problems.nth(0).inner_text()
    harness.assert_accessible(page)

    upload_file(page, tmp_path, "god.csv", csv_bytes([row(key="ny-1", name="Ny arena")]))
    assert page.get_by_text("Importen er fullført. Nye: 1, endret: 0, uendret: 0.").is_visible()
    assert page.locator("#last-import-changes").inner_text().count("Ny arena") == 1
    harness.assert_accessible(page)


def test_a_missing_file_passes_axe(page, live_server):
    harness.login(page, live_server, harness.OFFICE)
    page.goto(f"{live_server}/arenas/import")
    with page.expect_navigation():
        page.get_by_role("button", name="Importer", exact=True).click()
    assert page.locator("#file-error").inner_text() == "Velg en fil."
    harness.assert_accessible(page)
