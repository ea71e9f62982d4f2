"""Assessment pages: my list, the form, sign-off list and transitions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from app.assessments import operations as ops
from app.assessments import queries
from app.assessments.forms import (
    TransitionForm,
    answer_input_from,
    assessment_form_class,
    form_data_from,
)
from app.assessments.wording import compared_words, field_label, shown_value
from app.cycles.handover import confirm_unchanged
from app.cycles.steering_forms import UnchangedForm
from app.errors import ConflictError, IncompleteError, ValidationFailed
from app.extensions import db
from app.labels import STATE_COLOURS, STATE_LABELS
from app.listing import Dates, labels_for, link_pattern, tag, tag_list
from app.models import Assessment
from workflows.assessment import ASSESSMENT_WORKFLOW, can_edit_answers, can_view
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
SUBMIT_TRANSITIONS = ("submit", "submit_for_review")


def load_visible(assessment_id: int) -> Assessment:
    """The assessment if the current user may see it: 404 when there is none, 403 when it is
    not theirs (or no longer: a contact after a handover is told they lost access, not that
    the page vanished). Which arenas are assessed is public, so 403 reveals nothing."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        abort(404)
    if not can_view(assessment, current_user):
        abort(403)
    return assessment


@bp.get("/")
@login_required
def mine():
    """The contact's assessments in the open cycle(s)."""
    if not current_user.has_role(Role.CONTACT):
        abort(403)
    return render_template("assessments/mine.html",
                           rows=mine_cells(queries.contact_rows(current_user)))


def mine_cells(rows: list[queries.ContactRow]) -> list[tuple]:
    """The contact's list as ready, escaped cells (see app/listing.py): link, arena, whether
    it came back with a comment, year, tags (state, overdue) and deadline."""
    link = link_pattern("assessments.detail", "assessment_id")
    dates = Dates()
    states = labels_for(STATE_LABELS)
    overdue = tag("danger", _("Forfalt"))
    tags: dict[tuple, Markup] = {}
    cells = []
    for row in rows:
        key = (row.state, row.overdue)
        if key not in tags:
            tags[key] = tag_list(tag(STATE_COLOURS[row.state], states[row.state]),
                                 overdue if row.overdue else None)
        cells.append((link(row.id), escape(row.arena), row.returned_with_comment, row.year,
                      tags[key], dates.date(row.deadline)))
    return cells


@bp.get("/sign-off")
@login_required
def sign_off_list():
    """The byråd's list: the portfolio's assessments, those waiting for sign-off first."""
    if not current_user.has_role(Role.COMMISSIONER):
        abort(403)
    items = queries.assessments_awaiting_sign_off(current_user)
    return render_template("assessments/sign_off.html", items=items)


def render_detail(assessment, form=None, status=200, conflict=None, missing=()):
    """The assessment page: the form when the user may edit, else the read-only answers."""
    editable = can_edit_answers(assessment, current_user)
    if editable and form is None:
        form = assessment_form_class(assessment.cycle.criteria_set)(data=form_data_from(assessment))
        prefill_cost(assessment, form)
    transitions = [t for t in ASSESSMENT_WORKFLOW.available(assessment, current_user)
                   if t.name not in SUBMIT_TRANSITIONS]
    errors = [(name, _("Mangler svar: %(field)s", field=field_label(assessment, name)))
              for name in missing]
    previous = queries.previous_assessment(assessment)
    return render_template(
        "assessments/detail.html", a=assessment, form=form if editable else None,
        previous=previous, trail=queries.audit_trail(assessment),
        compared=compared_words(assessment, previous), shown_value=shown_value,
        field_name_of=lambda name: field_label(assessment, name),
        cost_from_register=cost_from_register(assessment, form),
        transitions=transitions, transition_form=TransitionForm(), conflict=conflict,
        missing=set(missing), missing_errors=errors,
    ), status


def prefill_cost(assessment: Assessment, form) -> None:
    """An assessment with no cost yet starts from the register's figure for the arena."""
    if assessment.yearly_cost is None and form.yearly_cost.data is None:
        form.yearly_cost.data = assessment.arena.yearly_cost


def cost_from_register(assessment: Assessment, form) -> int | None:
    """The register's figure when the form shows it because the contact has given none."""
    register = assessment.arena.yearly_cost
    if (form is None or assessment.yearly_cost is not None or register is None
            or form.yearly_cost.data != register):
        return None
    return register


@bp.get("/<int:assessment_id>")
@login_required
def detail(assessment_id: int):
    """Show one assessment."""
    return render_detail(load_visible(assessment_id))


@bp.post("/<int:assessment_id>")
@login_required
def save(assessment_id: int):
    """Save the contact's answers as a draft, and submit them when asked to."""
    assessment = load_visible(assessment_id)
    form = assessment_form_class(assessment.cycle.criteria_set)()
    if not form.validate_on_submit():
        return render_detail(assessment, form, status=400)
    try:
        expected = int(form.version.data or 0)
        data = answer_input_from(form, assessment.cycle.criteria_set)
        ops.save_answers(assessment, current_user, data, expected)
    except (ConflictError, StaleDataError):  # stale form, or a write since our read
        db.session.rollback()
        fresh = db.session.get(Assessment, assessment_id)
        form.version.data = fresh.version  # saving again is now a deliberate choice
        return render_detail(fresh, form, status=409, conflict=form_data_from(fresh))
    except ValidationFailed:
        db.session.rollback()
        return render_detail(assessment, form, status=400)
    db.session.commit()
    if request.form.get("action") != "submit":
        flash(_("Utkastet er lagret."), "success")
        return redirect(url_for(".detail", assessment_id=assessment.id))
    return submit(assessment, form)


def submit(assessment, form):
    """Hand the saved answers in; list what is missing next to the fields when incomplete."""
    try:
        ops.submit_assessment(assessment, current_user)
    except IncompleteError:
        db.session.rollback()
        form.version.data = assessment.version
        flash(_("Utkastet er lagret, men ikke sendt inn: noen svar mangler."), "warning")
        return render_detail(assessment, form, status=422, missing=assessment.missing_fields)
    except (StaleDataError, TransitionNotAllowed) as error:  # changed since the save above
        if getattr(error, "forbidden", False):
            raise
        db.session.rollback()
        flash(_("Utkastet er lagret, men ikke sendt inn: noen endret vurderingen i "
                "mellomtiden. Se over og send inn på nytt."), "warning")
        return render_detail(db.session.get(Assessment, assessment.id), status=409)
    db.session.commit()
    flash(_("Vurderingen er sendt inn."), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))


@bp.post("/<int:assessment_id>/transition")
@login_required
def transition(assessment_id: int):
    """Take a workflow transition (sign off, send back, approve, ...)."""
    assessment = load_visible(assessment_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    name = form.transition.data
    if name in SUBMIT_TRANSITIONS:
        abort(409)  # submitting goes through the form, which saves the answers first
    seen = assessment.version
    try:
        ops.transition_assessment(assessment, current_user, name, form.comment.data or "")
    except StaleDataError:  # someone else changed it after we read it (the version column)
        db.session.rollback()
        raise ConflictError(db.session.get(Assessment, assessment_id).version, seen) from None
    except ValidationFailed:
        db.session.rollback()
        flash(_("Skriv en kommentar som forklarer hva som må endres."), "error")
        return render_detail(db.session.get(Assessment, assessment_id), status=400)
    db.session.commit()
    flash(_("Endringen er registrert."), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))


@bp.post("/<int:assessment_id>/unchanged")
@login_required
def unchanged(assessment_id: int):
    """Confirm last year's assessment as this year's (with a short comment) and submit it."""
    assessment = load_visible(assessment_id)
    ops.require_editable(assessment, current_user)  # 403/409 before looking at the form
    form = UnchangedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        confirm_unchanged(assessment, current_user, form.unchanged_comment.data or "")
    except ValidationFailed:
        db.session.rollback()
        flash(_("Skriv en kort begrunnelse for at ingenting er endret."), "error")
        return render_detail(db.session.get(Assessment, assessment_id), status=400)
    except IncompleteError:
        db.session.rollback()
        flash(_("Fjorårets vurdering mangler svar. Fyll ut skjemaet og send inn som vanlig."),
              "error")
        return render_detail(db.session.get(Assessment, assessment_id), status=422)
    db.session.commit()
    flash(_("Fjorårets vurdering er bekreftet og sendt inn."), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))
