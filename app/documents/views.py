"""Document pages: the office's page per cycle (assemble, versions, publish, settings, export)
and the public archive of published reviews (no login)."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.documents import export
from app.documents import operations as ops
from app.documents.builder import build_review
from app.documents.changes import changes_since_last_year
from app.documents.forms import (
    AssembleForm,
    DocumentSettingsForm,
    PublishForm,
    sentence_fields,
    sentence_form_data,
    sentence_texts,
    sentences_form_class,
)
from app.documents.html_renderer import extract_fragment, render_fragment
from app.documents.jobs import scheduler_running
from app.documents.sentences import PLACEHOLDERS
from app.documents.versions import published_versions, read_version, versions_of
from app.errors import ValidationFailed
from app.extensions import db
from app.models import (
    AssemblyJob,
    Cycle,
    DocumentFormat,
    DocumentSettings,
    DocumentVersion,
    PartOrder,
    SentenceTemplate,
)
from app.templating import locale_code
from workflows.roles import Role

bp = Blueprint("documents", __name__)
DOWNLOADS = (DocumentFormat.PDF, DocumentFormat.DOCX)
JOB_LABELS = {"queued": _l("i kø"), "running": _l("pågår"), "done": _l("ferdig"),
              "failed": _l("feilet")}
JOB_COLOURS = {"queued": "info", "running": "info", "done": "success", "failed": "danger"}


def require_office() -> None:
    """403 unless the current user works in the council office."""
    if not current_user.has_role(Role.COUNCIL_OFFICE):
        abort(403)


def office_cycle(year: int) -> Cycle:
    """The cycle of `year` for the council office: 403 first, then 404."""
    require_office()
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year)) or abort(404)


def grouped(versions: list[DocumentVersion]) -> list[list[DocumentVersion]]:
    """Versions grouped by number (newest first), formats in a fixed order."""
    groups: dict[int, list[DocumentVersion]] = {}
    for version in versions:
        groups.setdefault(version.number, []).append(version)
    order = list(DocumentFormat)
    return [sorted(g, key=lambda v: order.index(v.format)) for g in groups.values()]


def latest_job(cycle: Cycle) -> AssemblyJob | None:
    """The cycle's most recent assembly job."""
    return db.session.scalar(sa.select(AssemblyJob).where(AssemblyJob.cycle_id == cycle.id)
                             .order_by(AssemblyJob.id.desc()).limit(1))


@bp.get("/documents/<int:year>")
@login_required
def cycle_page(year: int):
    """Assemble, follow the job, publish a version, see what changed since last year."""
    cycle = office_cycle(year)
    return render_template(
        "documents/cycle.html", cycle=cycle, job=latest_job(cycle),
        groups=grouped(versions_of(cycle)), changes=changes_since_last_year(cycle),
        assemble_form=AssembleForm(locale=locale_code()), publish_form=PublishForm(),
        job_labels=JOB_LABELS, job_colours=JOB_COLOURS, scheduler_running=scheduler_running())


@bp.post("/documents/<int:year>/assemble")
@login_required
def assemble(year: int):
    """Queue an assembly job; the scheduler (or `flask review run-jobs`) runs it."""
    cycle = office_cycle(year)
    form = AssembleForm()
    if not form.validate_on_submit():
        abort(400)
    ops.queue_assembly(cycle, current_user, form.locale.data)
    db.session.commit()
    flash(_("Dokumentet settes sammen. Følg med på framdriften her."), "success")
    return redirect(url_for(".cycle_page", year=year))


@bp.post("/documents/<int:year>/versions/<int:number>/publish")
@login_required
def publish(year: int, number: int):
    """Publish one version (all its formats) in the public archive; while assessments are
    not decided, only after the confirmation page (see publish_views.py)."""
    from app.documents.publish_views import publish_version_step

    return publish_version_step(office_cycle(year), number)


def file_response(version: DocumentVersion) -> Response:
    """A version's file as a download, checked against its SHA-256."""
    name = f"gjennomgang-{version.cycle.year}-v{version.number}.{version.format.value}"
    return send_file(io.BytesIO(read_version(version)), mimetype=version.format.media_type,
                     as_attachment=True, download_name=name, max_age=0)


@bp.get("/documents/<int:year>/versions/<int:version_id>/file")
@login_required
def version_file(year: int, version_id: int):
    """Download any version of the cycle (office only)."""
    cycle = office_cycle(year)
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.cycle_id != cycle.id:
        abort(404)
    return file_response(version)


@bp.get("/documents/<int:year>/versions/<int:number>/view")
@login_required
def version_view(year: int, number: int):
    """Read a version's HTML in the site's layout (office only)."""
    cycle = office_cycle(year)
    html = db.session.scalar(sa.select(DocumentVersion).where(
        DocumentVersion.cycle_id == cycle.id, DocumentVersion.number == number,
        DocumentVersion.format == DocumentFormat.HTML)) or abort(404)
    fragment = extract_fragment(read_version(html).decode("utf-8"))
    return render_template("documents/view.html", cycle=cycle, fragment=fragment, version=html,
                           downloads=[], public=False)


@bp.get("/documents/<int:year>/preview")
@login_required
def preview(year: int):
    """The document as today's data would make it, without keeping a version."""
    cycle = office_cycle(year)
    fragment = render_fragment(build_review(cycle.id, locale_code()), _("Redigert"))
    return render_template("documents/view.html", cycle=cycle, fragment=fragment, version=None,
                           downloads=[], public=False)


@bp.route("/documents/<int:year>/settings", methods=["GET", "POST"])
@login_required
def settings(year: int):
    """The introduction, the order of the arenas and the date of the document."""
    cycle = office_cycle(year)
    row = db.session.get(DocumentSettings, cycle.id)
    form = DocumentSettingsForm(data={
        "title": row.title if row else "", "reference_label": row.reference_label if row else "",
        "council_basis": row.council_basis if row else "",
        "show_council_details": row.show_council_details if row else True,
        "show_statistics": row.show_statistics if row else False,
        "introduction_nb": cycle.introduction_nb, "introduction_en": cycle.introduction_en,
        "part_order": (row.part_order if row else PartOrder.ALPHABETICAL).value,
        "document_date": row.document_date if row else None})
    if form.validate_on_submit():
        if ops.update_document_settings(cycle, current_user, form.values()):
            db.session.commit()
            flash(_("Innstillingene for dokumentet er lagret."), "success")
        return redirect(url_for(".cycle_page", year=year))
    status = 400 if form.errors else 200
    return render_template("documents/settings.html", cycle=cycle, form=form), status


@bp.route("/documents/<int:year>/sentences", methods=["GET", "POST"])
@login_required
def sentences(year: int):
    """The wording of the document's sentences, per cycle and language."""
    cycle = office_cycle(year)
    overrides = {(r.key, r.locale): r.text for r in db.session.scalars(
        sa.select(SentenceTemplate).where(SentenceTemplate.cycle_id == cycle.id))}
    form = sentences_form_class()(data=sentence_form_data(overrides))
    if form.validate_on_submit():
        try:
            changed = ops.save_sentences(cycle, current_user, sentence_texts(form))
        except ValidationFailed:  # the form checks the same rules; kept for direct callers
            abort(400)
        db.session.commit()
        if changed:
            flash(_("Formuleringene er lagret."), "success")
        return redirect(url_for(".cycle_page", year=year))
    status = 400 if form.errors else 200
    placeholders = {k: ", ".join("{" + p + "}" for p in sorted(v))
                    for k, v in PLACEHOLDERS.items()}
    return render_template("documents/sentences.html", cycle=cycle, form=form,
                           fields=sentence_fields(form), placeholders=placeholders), status


@bp.get("/documents/<int:year>/export.xlsx")
@login_required
def export_xlsx(year: int):
    """Every assessment of the cycle as an Excel workbook."""
    cycle = office_cycle(year)
    return send_file(io.BytesIO(export.xlsx_bytes(cycle)), as_attachment=True,
                     download_name=f"vurderinger-{year}.xlsx", max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/documents/<int:year>/export.csv")
@login_required
def export_csv(year: int):
    """Every assessment of the cycle as CSV (semicolons, UTF-8 with BOM)."""
    cycle = office_cycle(year)
    return Response(export.csv_text(cycle), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="vurderinger-{year}.csv"'})


# --------------------------------------------------------------------------- public


@bp.get("/publications")
def publications():
    """Published reviews by year, with their downloads: open to everyone."""
    by_year: dict[int, dict[DocumentFormat, DocumentVersion]] = {}
    for version in published_versions():
        by_year.setdefault(version.cycle.year, {})[version.format] = version
    return render_template("documents/publications.html", by_year=by_year, downloads=DOWNLOADS,
                           html=DocumentFormat.HTML)


def published(year: int) -> dict[DocumentFormat, DocumentVersion]:
    """The published files of `year` by format; 404 when nothing of that year is published."""
    cycle_id = db.session.scalar(sa.select(Cycle.id).where(Cycle.year == year)) or abort(404)
    return {v.format: v for v in published_versions(cycle_id)} or abort(404)


@bp.get("/publications/<int:year>")
def publication(year: int):
    """The published review of `year`, read in the browser."""
    files = published(year)
    html = files.get(DocumentFormat.HTML) or abort(404)
    fragment = extract_fragment(read_version(html).decode("utf-8"))
    downloads = [files[f] for f in DOWNLOADS if f in files]
    return render_template("documents/view.html", cycle=html.cycle, fragment=fragment,
                           version=html, downloads=downloads, public=True)


@bp.get("/publications/<int:year>/review.<ext>")
def publication_file(year: int, ext: str):
    """Download the published PDF or DOCX of `year`."""
    try:
        fmt = DocumentFormat(ext)
    except ValueError:
        abort(404)
    version = published(year).get(fmt) if fmt in DOWNLOADS else None
    return file_response(version) if version else abort(404)
