"""The statistics page in Chromium: the charts are drawn (inline SVG with a size, styled by the
site's stylesheet, no policy violations), each data table is in the accessibility tree, the CSV
downloads, and axe finds nothing; the same for the public page and the review's appendix."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page

from tests.browser.conftest import OFFICE, format_violations, login, run_axe

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/statistics-2026.png")

# Collects Content-Security-Policy violations from the first script the page runs.
CSP_WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""
CHARTS_JS = """() => [...document.querySelectorAll('svg.stats-chart')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const bar = svg.querySelector('.series .reactive');
  return {label: svg.getAttribute('aria-label'), role: svg.getAttribute('role'),
          width: box.width, height: box.height,
          fill: bar ? getComputedStyle(bar).fill : null,
          background: getComputedStyle(svg.querySelector('.plot > .background')).fill};
})"""

IMAGES_JS = """(imgs) => imgs.map((i) =>
  [i.complete, i.naturalWidth, i.getBoundingClientRect().width])"""


def watched(page: Page) -> Page:
    page.context.add_init_script(CSP_WATCH)
    return page


def check_charts(page: Page) -> None:
    charts = page.evaluate(CHARTS_JS)
    # A chart with nothing to show is a sentence instead: the demo gives no costs, but the
    # browser tests before this one may have saved one (they share the database).
    empty = page.locator("section[data-chart] .stats-empty").count()
    assert len(charts) == page.locator("section[data-chart]").count() - empty >= 5
    for chart in charts:
        assert chart["role"] == "img" and chart["label"], chart
        assert chart["width"] > 200 and chart["height"] > 100, chart
        assert chart["background"] == "rgb(255, 255, 255)", chart  # statistics.css applies
    drawn = [c for c in charts if c["fill"]]
    assert drawn and all(c["fill"] != "rgb(0, 0, 0)" for c in drawn), drawn
    for section in page.locator("section[data-chart]").all():
        title = section.locator("h2").inner_text()
        table = page.get_by_role("table", name=f"Tabell: {title}")
        assert table.count() == 1, title
        assert table.is_visible()
        assert table.locator("tbody tr").count() >= 1
    assert page.evaluate("() => window.__csp") == []
    violations = run_axe(page)
    assert not violations, format_violations(violations)


def test_office_page_draws_charts_with_tables(page: Page, live_server: str):
    watched(page)
    login(page, live_server, OFFICE)
    page.goto(f"{live_server}/cycles/2026")
    page.locator("#statistics-link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/statistics/2026")
    check_charts(page)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_public_page_of_a_published_cycle(page: Page, live_server: str):
    watched(page)
    response = page.goto(f"{live_server}/publications/2021/statistics")
    assert response is not None and response.status == 200
    check_charts(page)
    with page.expect_download() as info:
        page.locator("section[data-chart='decisions'] a[download]").click()
    download = info.value
    assert download.suggested_filename == "statistikk-2021-decisions.csv"
    with open(download.path(), encoding="utf-8") as stream:
        text = stream.read()
    assert text.startswith("\ufeffAnbefaling;")
    unpublished = page.goto(f"{live_server}/publications/2026/statistics")
    assert unpublished is not None and unpublished.status == 404


def test_appendix_images_in_the_document_preview(page: Page, live_server: str, live_app):
    from app.extensions import db
    from app.models import Cycle, DocumentSettings

    def switch(on: bool) -> None:
        with live_app.app_context():
            cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
            db.session.get(DocumentSettings, cycle.id).show_statistics = on
            db.session.commit()
            db.session.remove()

    switch(True)
    try:
        watched(page)
        login(page, live_server, OFFICE)
        page.goto(f"{live_server}/documents/2021/preview")
        images = page.locator(".review-statistics img")
        assert images.count() >= 5  # the charts with something to show (the demo has no costs)
        sizes = images.evaluate_all(IMAGES_JS)
        assert all(done and natural > 0 and shown > 0 for done, natural, shown in sizes), sizes
        assert page.evaluate("() => window.__csp") == []
        violations = run_axe(page)
        assert not violations, format_violations(violations)
    finally:
        switch(False)
