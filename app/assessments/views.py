"""Assessment pages: my list, the form, sign-off list and transitions."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError

from app.assessments import operations as ops
from app.assessments import queries
from app.assessments.changes import changed_since_previous, changed_since_submission
from app.assessments.forms import (
    TEXT_MAX,
    SignOffManyForm,
    TransitionForm,
    answer_input_from,
    assessment_form_class,
    form_data_from,
)
from app.assessments.wording import compared_words, field_label, shown_value, transition_done
from app.clock import today
from app.cycles.handover import confirm_unchanged
from app.cycles.steering_forms import UnchangedForm
from app.errors import ConflictError, IncompleteError, ValidationFailed
from app.extensions import db
from app.labels import STATE_COLOURS, STATE_LABELS
from app.listing import Dates, labels_for, link_pattern, tag, tag_list
from app.models import Assessment
from app.templating import org_word
from workflows.assessment import (
    ASSESSMENT_WORKFLOW,
    EDITABLE_STATES,
    can_edit_answers,
    can_view,
    is_commissioner,
)
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
    """The contact's assessments in the open cycle(s), what needs doing first at the top."""
    if not current_user.has_role(Role.CONTACT):
        abort(403)
    rows = queries.contact_rows(current_user)
    return render_template("assessments/mine.html", rows=mine_cells(rows),
                           progress=progress_lines(rows))


def progress_lines(rows: list[queries.ContactRow]) -> list[str]:
    """"3 av 15 sendt inn" per cycle (with the year when the list holds more than one)."""
    years = sorted({row.year for row in rows}, reverse=True)
    lines = []
    for year in years:
        mine = [row for row in rows if row.year == year]
        done = sum(row.state not in EDITABLE_STATES for row in mine)
        line = _("%(done)s av %(total)s sendt inn", done=done, total=len(mine))
        lines.append(_("%(year)s: %(line)s", year=year, line=line) if len(years) > 1 else line)
    return lines


def days_left(row: queries.ContactRow) -> str:
    """How long the contact has left, in words; an overdue one says so, never "-3 dager"."""
    if row.deadline is None or row.state not in EDITABLE_STATES:
        return ""
    days = (row.deadline - today()).days
    if days > 0:
        return ngettext("%(num)s dag igjen", "%(num)s dager igjen", days)
    if days == 0:
        return _("Fristen er i dag")
    return ngettext("Fristen gikk ut for %(num)s dag siden",
                    "Fristen gikk ut for %(num)s dager siden", -days)


def mine_cells(rows: list[queries.ContactRow]) -> list[tuple]:
    """The contact's list as ready, escaped cells (see app/listing.py): link, arena, whether
    it came back with a comment, year, tags (state, overdue), deadline and days left."""
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
                      tags[key], dates.date(row.deadline), escape(days_left(row))))
    return cells


@bp.get("/sign-off")
@login_required
def sign_off_list():
    """The byråd's list: the portfolio's assessments, those waiting for sign-off first."""
    if not current_user.has_role(Role.COMMISSIONER):
        abort(403)
    items = queries.assessments_awaiting_sign_off(current_user)
    return render_template("assessments/sign_off.html", items=items, form=SignOffManyForm())


@bp.post("/sign-off")
@login_required
def sign_off_many():
    """Sign off the checked assessments at once; say which were and which were refused."""
    if not current_user.has_role(Role.COMMISSIONER):
        abort(403)
    form = SignOffManyForm()
    if not form.validate_on_submit():
        abort(400)
    done, refused = ops.sign_off_many(current_user, form.chosen_ids())
    db.session.commit()
    if not done and not refused:
        flash(_("Kryss av de vurderingene du vil godkjenne."), "warning")
    if done:
        flash(ngettext("%(num)s vurdering er godkjent og sendt til %(who)s: %(names)s.",
                       "%(num)s vurderinger er godkjent og sendt til %(who)s: %(names)s.",
                       len(done), who=org_word("council_office_label"),
                       names=", ".join(a.arena.name for a in done)), "success")
    reasons = {"missing": _("finnes ikke"),
               "not_permitted": _("du kan ikke godkjenne denne"),
               "not_waiting": _("venter ikke lenger på godkjenning")}
    for name, reason in refused:
        flash(_("Ikke godkjent: %(name)s (%(reason)s).", name=name, reason=reasons[reason]),
              "warning")
    return redirect(url_for(".sign_off_list"))


def render_detail(assessment, form=None, status=200, conflict=None, missing=(), kept=None):
    """The assessment page: the form when the user may edit, else the read-only answers.
    `kept` is what the user typed into a small form that failed (the "unchanged" box, a
    transition's comment) with its error, so the page shows it again, open and marked."""
    editable = can_edit_answers(assessment, current_user)
    if editable and form is None:
        form = assessment_form_class(assessment.cycle.criteria_set)(data=form_data_from(assessment))
        prefill_cost(assessment, form)
    transitions = [t for t in ASSESSMENT_WORKFLOW.available(assessment, current_user)
                   if t.name not in SUBMIT_TRANSITIONS]
    kept = kept or {}
    errors = [(name, _("Mangler svar: %(field)s", field=field_label(assessment, name)))
              for name in missing] + ([(kept["field"], kept["error"])] if kept else [])
    previous = queries.previous_assessment(assessment)
    trail = queries.audit_trail(assessment)
    return render_template(
        "assessments/detail.html", a=assessment, form=form if editable else None,
        previous=previous, trail=trail,
        compared=compared_words(assessment, previous), shown_value=shown_value,
        field_name_of=lambda name: field_label(assessment, name),
        cost_from_register=cost_from_register(assessment, form),
        transitions=transitions, transition_form=TransitionForm(), conflict=conflict,
        missing=set(missing), missing_errors=errors, kept=kept,
        marks=None if editable else change_marks(assessment, previous, trail),
        next_waiting=(queries.next_waiting(current_user, assessment.id)
                      if is_commissioner(assessment, current_user) else None),
    ), status


def change_marks(assessment, previous, trail) -> dict[str, list[str]]:
    """Per field of the read view, the tags saying what changed: since the last submission
    and since the earlier year."""
    marks: dict[str, list[str]] = {}
    words = compared_words(assessment, previous)
    for names, text in ((changed_since_submission(assessment, trail),
                         _("Endret siden forrige innsending")),
                        (changed_since_previous(assessment, previous), words.get("changed"))):
        # The recommendation and its reason are shown together, so they share one mark.
        for name in {"recommendation" if n == "recommendation_reason" else n for n in names}:
            marks.setdefault(name, []).append(text)
    return marks


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
    """Show one assessment (with a failed small form's input, when one was just sent back)."""
    assessment = load_visible(assessment_id)
    kept = session.pop("kept_input", None)
    if kept and kept.get("assessment_id") != assessment_id:
        kept = None
    return render_detail(assessment, kept=kept)


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
    name = "submit" if assessment.sign_off_required else "submit_for_review"
    flash(transition_done(name, assessment.state), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))


KEEP_MAX = 1500  # characters of typed text the session cookie carries back to the page


def back_with(assessment_id: int, kept: dict):
    """A small form on the assessment page failed: back to the page (a GET, so reloading it
    is safe), with what was typed and the error kept for it to show, open and marked. Text
    too long for the session cookie is shown again right away instead, so none is lost."""
    typed = kept.get("comment") or kept.get("unchanged") or ""
    if len(typed) > KEEP_MAX:
        db.session.rollback()
        return render_detail(db.session.get(Assessment, assessment_id), status=400, kept=kept)
    session["kept_input"] = {"assessment_id": assessment_id, **kept}
    return redirect(url_for(".detail", assessment_id=assessment_id), 303)


@bp.get("/<int:assessment_id>/transition")
@bp.get("/<int:assessment_id>/unchanged")
@login_required
def back_to_page(assessment_id: int):
    """These addresses take the page's POSTs; opened or reloaded as a page, they lead to it
    (where the usual 404/403 apply) instead of answering 405."""
    return redirect(url_for(".detail", assessment_id=assessment_id))


@bp.post("/<int:assessment_id>/transition")
@login_required
def transition(assessment_id: int):
    """Take a workflow transition (sign off, send back, approve, ...)."""
    assessment = load_visible(assessment_id)
    form = TransitionForm()
    if not form.validate_on_submit() and set(form.errors) - {"comment"}:
        abort(400)  # no token or no transition: not a form this page sent
    name = form.transition.data
    if name in SUBMIT_TRANSITIONS:
        abort(409)  # submitting goes through the form, which saves the answers first
    needs_comment = ASSESSMENT_WORKFLOW.get(name).needs_comment
    comment = (form.comment.data or "") if needs_comment else ""  # only send-back has one
    kept = {"transition": name, "comment": comment, "field": f"comment-{name}"}
    if needs_comment and form.comment.errors:
        kept["error"] = _("Kommentaren kan være på høyst %(num)s tegn.", num=TEXT_MAX)
        return back_with(assessment_id, kept)
    seen = assessment.version
    try:
        ops.transition_assessment(assessment, current_user, name, comment)
    except StaleDataError:  # someone else changed it after we read it (the version column)
        db.session.rollback()
        raise ConflictError(db.session.get(Assessment, assessment_id).version, seen) from None
    except ValidationFailed:
        db.session.rollback()
        kept["error"] = _("Skriv en kommentar som forklarer hva som må endres.")
        return back_with(assessment_id, kept)
    db.session.commit()
    flash(transition_done(name, assessment.state), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))


@bp.post("/<int:assessment_id>/unchanged")
@login_required
def unchanged(assessment_id: int):
    """Confirm last year's assessment as this year's (with a short comment) and submit it."""
    assessment = load_visible(assessment_id)
    ops.require_editable(assessment, current_user)  # 403/409 before looking at the form
    form = UnchangedForm()
    comment = form.unchanged_comment.data or ""
    kept = {"unchanged": comment, "field": "unchanged_comment"}
    if not form.validate_on_submit():
        if set(form.errors) - {"unchanged_comment"}:
            abort(400)  # no valid token: not a form this page sent
        kept["error"] = _("Begrunnelsen kan være på høyst 1000 tegn.")
        return back_with(assessment_id, kept)
    try:
        confirm_unchanged(assessment, current_user, comment)
    except ValidationFailed:
        db.session.rollback()
        kept["error"] = _("Skriv en kort begrunnelse for at ingenting er endret.")
        return back_with(assessment_id, kept)
    except IncompleteError:
        db.session.rollback()
        flash(_("Fjorårets vurdering mangler svar. Fyll ut skjemaet og send inn som vanlig."),
              "error")
        return redirect(url_for(".detail", assessment_id=assessment_id), 303)
    db.session.commit()
    flash(_("Fjorårets vurdering er bekreftet og sendt inn."), "success")
    return redirect(url_for(".detail", assessment_id=assessment.id))
