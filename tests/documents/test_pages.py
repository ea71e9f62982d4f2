"""The office's document pages and the public archive."""

from __future__ import annotations

import csv
import io
from hashlib import sha256

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.documents.operations import assemble_document, publish_version
from app.extensions import db
from app.models import (
    AssemblyJob,
    AuditEvent,
    Cycle,
    DocumentFormat,
    DocumentSettings,
    DocumentVersion,
    JobStatus,
    PartOrder,
    SentenceTemplate,
    User,
)
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    SECRETARY,
    fingerprint,
    login,
    post,
)
from tests.documents.conftest import cycle_of

OFFICE_PAGES = ["/documents/2021", "/documents/2021/preview", "/documents/2021/settings",
                "/documents/2021/sentences", "/documents/2021/export.xlsx",
                "/documents/2021/export.csv", "/documents/2026"]


def office_user() -> User:
    return db.session.scalar(sa.select(User).where(User.email == OFFICE))


QUICK = (DocumentFormat.DOCX, DocumentFormat.HTML)  # the PDF takes a second; not always needed


def assembled(year: int = 2021, publish: bool = False, formats=tuple(DocumentFormat)):
    """Assemble (and optionally publish) a cycle's document directly, committed."""
    cycle = cycle_of(year)
    versions = assemble_document(cycle, office_user(), formats)
    if publish:
        publish_version(cycle, versions[0].number, office_user())
    db.session.commit()
    return versions


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, SECRETARY, ADMIN])
def test_office_pages_are_refused_to_everyone_else(client, email):
    versions = assembled(formats=QUICK)
    login(client, email)
    pages = OFFICE_PAGES + [f"/documents/2021/versions/{versions[0].id}/file",
                            "/documents/2021/versions/1/view"]
    for page in pages:
        assert client.get(page).status_code == 403, page
    before = fingerprint()
    assert post(client, "/documents/2021/assemble", {"locale": "nb"}).status_code == 403
    assert post(client, "/documents/2021/versions/1/publish").status_code == 403
    assert post(client, "/documents/2021/settings", {"part_order": "custom"}).status_code == 403
    assert fingerprint() == before


def test_anonymous_is_sent_to_login_for_office_pages(client):
    response = client.get("/documents/2021")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_office_pages_open(client):
    login(client, OFFICE)
    for page in OFFICE_PAGES:
        assert client.get(page).status_code == 200, page
    assert client.get("/documents/1999").status_code == 404


def test_dashboard_links_to_the_document_page(client):
    login(client, OFFICE)
    html = client.get("/cycles/2026").get_data(as_text=True)
    assert 'href="/documents/2026"' in html


def test_assemble_button_queues_a_job_and_shows_its_progress(client):
    login(client, OFFICE)
    response = post(client, "/documents/2021/assemble", {"locale": "nb"})
    assert response.status_code == 302
    job = db.session.scalar(sa.select(AssemblyJob))
    assert job.status == JobStatus.QUEUED and job.requested_by.email == OFFICE
    html = client.get("/documents/2021").get_data(as_text=True)
    assert 'id="job-progress"' in html and "i kø" in html
    assert "Sett sammen dokumentet" not in html  # no second request while one waits
    before = fingerprint()
    assert post(client, "/documents/2021/assemble", {"locale": "nb"}).status_code == 409
    assert fingerprint() == before


def test_assemble_refuses_an_unknown_language(client):
    login(client, OFFICE)
    before = fingerprint()
    assert post(client, "/documents/2021/assemble", {"locale": "de"}).status_code == 400
    assert fingerprint() == before


def test_publish_from_the_page(client):
    first, second = assembled(formats=QUICK)[0], assembled(formats=QUICK)[0]
    login(client, OFFICE)
    html = client.get("/documents/2021").get_data(as_text=True)
    assert "Publiser versjon 1" in html and "Publiser versjon 2" in html
    response = post(client, f"/documents/2021/versions/{first.number}/publish")
    assert response.status_code == 302
    published = db.session.scalars(sa.select(DocumentVersion).where(
        DocumentVersion.is_published.is_(True))).all()
    assert {v.number for v in published} == {first.number} and len(published) == 2
    assert post(client, f"/documents/2021/versions/{first.number}/publish").status_code == 409
    assert post(client, "/documents/2021/versions/99/publish").status_code == 404
    assert second.is_published is False


def test_office_downloads_and_reads_any_version(client):
    versions = {v.format: v for v in assembled()}
    login(client, OFFICE)
    pdf = client.get(f"/documents/2021/versions/{versions[DocumentFormat.PDF].id}/file")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    view = client.get("/documents/2021/versions/1/view").get_data(as_text=True)
    assert "Union of the Baltic Cities (UBC)" in view and view.count("<h1") == 1
    other = client.get(f"/documents/2026/versions/{versions[DocumentFormat.PDF].id}/file")
    assert other.status_code == 404  # a version of another cycle


def test_preview_shows_todays_data_without_keeping_a_version(client):
    login(client, OFFICE)
    before = fingerprint()
    html = client.get("/documents/2026/preview").get_data(as_text=True)
    assert 'id="preview-notice"' in html and "Del 1 Organisasjoner og nettverk" in html
    assert html.count("<h1") == 1
    assert fingerprint() == before


def test_settings_change_the_introduction_and_the_order(client):
    login(client, OFFICE)
    response = post(client, "/documents/2021/settings", {
        "introduction_nb": "Første avsnitt.\r\n\r\nAndre avsnitt om æøå.",
        "introduction_en": "", "part_order": "custom", "document_date": "2021-05-10"})
    assert response.status_code == 302
    cycle = cycle_of(2021)
    assert cycle.introduction_nb.startswith("Første avsnitt.")
    settings = db.session.get(DocumentSettings, cycle.id)
    assert settings.part_order == PartOrder.CUSTOM and str(settings.document_date) == "2021-05-10"
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "document_settings_changed")) is not None
    html = client.get("/documents/2021/preview").get_data(as_text=True)
    assert "Andre avsnitt om æøå." in html and "10. mai 2021" in html


def test_settings_refuse_a_bad_order_and_change_nothing(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/documents/2021/settings", {"part_order": "random"})
    assert response.status_code == 400 and 'id="error-summary"' in response.get_data(as_text=True)
    assert fingerprint() == before


def sentence_form(client) -> dict:
    """The sentence form as the page fills it in (every field with its current text)."""
    import re

    html = client.get("/documents/2021/sentences").get_data(as_text=True)
    fields = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?([^<]*)</textarea>', html)
    import html as html_lib

    return {name: html_lib.unescape(text) for name, text in fields}


def test_sentences_are_saved_per_cycle_and_used_in_the_document(client):
    login(client, OFFICE)
    data = sentence_form(client)
    default = "{council} har vedtatt å melde kommunen ut av samarbeidet."
    assert data["nb_decision_terminate"] == default
    data["nb_decision_terminate"] = "{council} vedtok utmelding."
    response = post(client, "/documents/2021/sentences", data)
    assert response.status_code == 302
    rows = db.session.scalars(sa.select(SentenceTemplate)).all()
    assert [(r.key, r.locale, r.text) for r in rows] == [
        ("decision.terminate", "nb", "{council} vedtok utmelding.")]
    html = client.get("/documents/2021/preview").get_data(as_text=True)
    assert html.count("Bystyret vedtok utmelding.") == 2  # GCF and UBC
    other_year = client.get("/documents/2026/preview").get_data(as_text=True)
    assert "vedtok utmelding" not in other_year


def test_sentences_refuse_unknown_placeholders(client):
    login(client, OFFICE)
    data = sentence_form(client)
    data["nb_responsible"] = "{heads.__class__} har ansvaret."
    before = fingerprint()
    response = post(client, "/documents/2021/sentences", data)
    assert response.status_code == 400
    assert "unknown placeholder" in response.get_data(as_text=True)
    assert fingerprint() == before


# --------------------------------------------------------------------------- changes


def test_changes_since_last_year_on_the_document_page(client):
    cycle = cycle_of(2026)
    target = next(a for a in db.session.scalars(
        sa.select(Cycle).where(Cycle.id == cycle.id)).one().arenas if a.name == "Eurocities")
    from app.models import Assessment, Recommendation
    from workflows.assessment import AssessmentState

    assessment = db.session.scalar(sa.select(Assessment).where(
        Assessment.cycle_id == cycle.id, Assessment.arena_id == target.id))
    assessment.recommendation = Recommendation.CONTINUE
    assessment.state = AssessmentState.DECIDED
    assessment.routed_to_council = True
    assessment.decision_outcome = Recommendation.TERMINATE
    db.session.commit()
    login(client, OFFICE)
    html = client.get("/documents/2026").get_data(as_text=True)
    assert "Endringer siden 2021" in html
    left = html.split('id="changes-left"')[1].split("</ul>")[0]
    assert "Global Climate Forum (GCF)" in left and "Union of the Baltic Cities (UBC)" in left
    changed = html.split('id="changes-changed"')[1].split("</table>")[0]
    assert "Solidarity Cities" in changed  # joined in 2021, now recommended continued
    against = html.split('id="changes-against"')[1].split("</table>")[0]
    assert "Eurocities" in against and "Avslutte" in against
    first = client.get("/documents/2021").get_data(as_text=True)
    assert "ingen tidligere gjennomgang" in first


# --------------------------------------------------------------------------- export


def test_xlsx_export_has_one_row_per_assessment_with_every_answer(client):
    login(client, OFFICE)
    response = client.get("/documents/2021/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 39
    for column in ("Arena", "Status", "Deltakelse", "Deltakelse – hvem deltar",
                   "Læringsutbytte – begrunnelse", "Gjennomslagskraft", "Anbefaling", "Vedtak",
                   "Sendt inn", "Vedtatt"):
        assert column in header, column
    ubc = dict(zip(header, next(r for r in body if r[0] == "Union of the Baltic Cities (UBC)"),
                   strict=True))
    assert ubc["Vedtak"] == "Avslutte (melde ut)" and ubc["Status"] == "Vedtatt"
    assert ubc["Til Bystyret"] == "Ja" and ubc["Vedtatt"].year == 2021


def test_csv_export_matches(client):
    login(client, OFFICE)
    response = client.get("/documents/2026/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 + 37 and rows[0][0] == "Arena"
    assert any(r[0] == "Århus" for r in rows) and rows[-1][0] == "Århus"  # Norwegian order


# --------------------------------------------------------------------------- public


def test_footer_links_to_the_archive_for_everyone(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/publications"' in html


def test_archive_shows_only_published_reviews(client):
    assembled(2021)
    assembled(2026, formats=QUICK)
    html = client.get("/publications").get_data(as_text=True)
    assert 'id="no-publications"' in html
    for url in ("/publications/2021", "/publications/2021/review.pdf",
                "/publications/2021/review.docx", "/publications/2026",
                "/publications/2026/review.pdf", "/publications/2021/review.html"):
        assert client.get(url).status_code == 404, url


def test_archive_serves_the_published_version(client):
    assembled(2021, formats=QUICK)  # an older, unpublished version
    published = {v.format: v for v in assembled(2021, publish=True)}
    cycle_of(2021).introduction_nb = "En nyere innledning som ikke er publisert."
    db.session.commit()
    newer = {v.format: v for v in assembled(2021)}
    assert newer[DocumentFormat.PDF].sha256 != published[DocumentFormat.PDF].sha256
    html = client.get("/publications").get_data(as_text=True)
    assert "Les gjennomgangen for 2021" in html and 'href="/publications/2021/review.pdf"' in html
    page = client.get("/publications/2021").get_data(as_text=True)
    assert "Del 2 Samarbeid med vennskapsbyene" in page and page.count("<h1") == 1
    assert "En nyere innledning" not in page
    pdf = client.get("/publications/2021/review.pdf")
    docx = client.get("/publications/2021/review.docx")
    assert pdf.status_code == 200 and docx.status_code == 200
    assert sha256(pdf.data).hexdigest() == published[DocumentFormat.PDF].sha256
    assert sha256(docx.data).hexdigest() == published[DocumentFormat.DOCX].sha256
    assert client.get("/publications/2021/review.exe").status_code == 404
    assert client.get("/publications/2026").status_code == 404
