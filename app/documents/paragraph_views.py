"""The office's own wording of an arena's generated paragraphs, and the live job status."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.documents import operations as ops
from app.documents.builder import PARAGRAPHS, build_review
from app.documents.forms import ParagraphsForm
from app.documents.jobs import scheduler_running
from app.documents.views import JOB_LABELS, bp, latest_job, office_cycle
from app.extensions import db

LOCALES = ("nb", "en")


def _locale() -> str:
    locale = request.args.get("locale", "nb")
    return locale if locale in LOCALES else abort(404)


@bp.get("/documents/<int:year>/paragraphs")
@login_required
def paragraphs(year: int):
    """Every arena with the paragraphs the office has rewritten marked."""
    cycle = office_cycle(year)
    locale = _locale()
    doc = build_review(cycle.id, locale)
    return render_template("documents/paragraphs.html", cycle=cycle, doc=doc, locale=locale)


@bp.route("/documents/<int:year>/paragraphs/<int:arena_id>", methods=["GET", "POST"])
@login_required
def paragraph_edit(year: int, arena_id: int):
    """Rewrite one arena's generated paragraphs for this cycle (empty: the generated text)."""
    cycle = office_cycle(year)
    locale = _locale()
    doc = build_review(cycle.id, locale)
    section = next((s for s in doc.sections if s.arena_id == arena_id), None) or abort(404)
    generated = {"opening": " ".join(t for t in (section.description, section.responsible) if t),
                 "participation": section.participation, "gain": section.gain}
    form = ParagraphsForm(data={k: dict(section.edits).get(k, "") for k in PARAGRAPHS})
    if form.validate_on_submit():
        changed = [k for k in PARAGRAPHS if ops.save_paragraph(
            cycle, current_user, arena_id, k, locale, getattr(form, k).data or "")]
        db.session.commit()
        if changed:
            flash(_("Avsnittene for %(name)s er lagret.", name=section.name), "success")
        return redirect(url_for(".paragraphs", year=year, locale=locale) + f"#arena-{arena_id}")
    status = 400 if form.errors else 200
    return render_template("documents/paragraph_edit.html", cycle=cycle, section=section,
                           form=form, generated=generated, locale=locale), status


@bp.get("/documents/<int:year>/job")
@login_required
def job_status(year: int):
    """The latest assembly job as JSON, for the page that follows it."""
    cycle = office_cycle(year)
    job = latest_job(cycle)
    if job is None:
        return jsonify(pending=False, progress=0, status=None, message="")
    return jsonify(pending=job.is_pending, progress=job.progress, status=job.status.value,
                   message=job_message(job, scheduler_running()))


def no_scheduler_text() -> str:
    """Said when a job waits and no scheduler process is there to run it."""
    return _("Ingen planlegger kjører nå, så jobben starter ikke av seg selv. Be "
             "driftsansvarlig starte planleggeren.")


def job_message(job, running: bool) -> str:
    """What the page says about the job, plainly, including when nothing will run it."""
    if job.is_pending and not running:
        return no_scheduler_text()
    return _("Status: %(status)s, %(progress)s %% ferdig.", status=JOB_LABELS[job.status.value],
             progress=job.progress)
