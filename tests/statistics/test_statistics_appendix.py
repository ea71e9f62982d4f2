"""The statistics in the review's appendix: a document setting, images in HTML and PDF,
tables (no images) in Word."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import docx
import pytest
import sqlalchemy as sa

from app.documents.builder import build_review
from app.documents.docx_renderer import write_docx
from app.documents.html_renderer import render_fragment
from app.documents.pdf_renderer import write_pdf
from app.extensions import db
from app.models import Cycle, DocumentSettings
from tests.conftest import OFFICE, login, post

SVG = "{http://www.w3.org/2000/svg}"


def cycle_2021() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))


def switch_on(client) -> None:
    """Turn the setting on through the office's settings form (as the office would)."""
    login(client, OFFICE)
    page = client.get("/documents/2021/settings").get_data(as_text=True)
    assert 'name="show_statistics"' in page
    values = {"title": "", "reference_label": "", "council_basis": "", "introduction_nb": "",
              "introduction_en": "", "part_order": "custom", "show_council_details": "y",
              "show_statistics": "y"}
    assert post(client, "/documents/2021/settings", values).status_code == 302
    db.session.expire_all()


def test_off_by_default_nothing_in_the_appendix(app):
    doc = build_review(cycle_2021().id)
    assert doc.statistics is None
    assert "review-statistics" not in render_fragment(doc)


def test_setting_is_saved_and_carried_forward(client):
    switch_on(client)
    assert db.session.get(DocumentSettings, cycle_2021().id).show_statistics is True
    from app.documents.operations import carry_forward_settings

    target = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2026))
    assert carry_forward_settings(cycle_2021(), target).show_statistics is True
    db.session.rollback()


def test_charts_as_svg_images_with_their_tables_in_html(client):
    switch_on(client)
    doc = build_review(cycle_2021().id)
    assert doc.statistics is not None and len(doc.statistics.charts) >= 5
    titles = [c.title for c in doc.statistics.charts]
    # the demo gives no costs: those charts are left out of the document, not drawn empty
    assert "Årlig kostnad etter type arena" not in titles
    html = str(render_fragment(doc))
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == len(doc.statistics.charts)
    for payload, alt in images:
        root = ET.fromstring(base64.b64decode(payload))
        assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
        assert not list(root.iter(f"{SVG}script"))
        assert alt.startswith("Diagram: ")
    decisions = next(c for c in doc.statistics.charts if c.title == "Anbefalinger og vedtak")
    assert f"<caption>{decisions.title}</caption>" in html
    assert doc.fingerprint() == build_review(cycle_2021().id).fingerprint()  # stable SVG
    english = build_review(cycle_2021().id, "en")
    assert english.statistics.title == "Statistics"
    assert "Recommendations and decisions" in [c.title for c in english.statistics.charts]


def test_trend_in_the_document_stops_at_its_year(client):
    switch_on(client)
    doc = build_review(cycle_2021().id)
    trend = next(c for c in doc.statistics.charts
                 if c.title == "Antall arenaer per gjennomgang")
    assert [r[0] for r in trend.rows] == ["2021"]


def test_docx_has_the_tables_not_images(client):
    switch_on(client)
    doc = build_review(cycle_2021().id)
    stream = io.BytesIO()
    write_docx(doc, stream)
    word = docx.Document(io.BytesIO(stream.getvalue()))
    assert len(word.inline_shapes) == 0
    assert len(word.tables) == 2 + len(doc.statistics.charts)
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert all(c.title in headings for c in doc.statistics.charts)
    last = word.tables[-1]
    assert tuple(cell.text for cell in last.rows[0].cells) == doc.statistics.charts[-1].columns


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_has_the_charts(client, tmp_path):
    switch_on(client)
    doc = build_review(cycle_2021().id)
    path = tmp_path / "review.pdf"
    with path.open("wb") as stream:
        write_pdf(doc, stream)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Anbefalinger og vedtak" in text
    # the chart's own text (its title drawn in the SVG) is there as well as the caption
    assert text.count("Anbefalinger og vedtak") >= 2
