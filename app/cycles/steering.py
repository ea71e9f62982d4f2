"""Council office pages that steer a cycle: clone, lifecycle steps, handover, bulk actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.assessments.operations import approve_assessment
from app.clock import now
from app.cycles import lifecycle
from app.cycles.handover import hand_over_portfolio, reassign_assessment, remind_now
from app.cycles.progress import load_rows
from app.cycles.steering_forms import BulkForm, CloneCycleForm, CycleTransitionForm, HandoverForm
from app.cycles.views import bp, load_cycle, require_office
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Portfolio, User, UserRole
from app.templating import org_label
from workflows.cycle import CYCLE_WORKFLOW, DOCUMENT_STEPS
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role


def lifecycle_actions(cycle) -> list:
    """The lifecycle steps the office may take on `cycle` now (the buttons)."""
    return [t for t in CYCLE_WORKFLOW.available(lifecycle.subject_for(cycle), current_user)
            if t.name not in DOCUMENT_STEPS]


def active_users(role: Role | None = None) -> list[User]:
    """Active users (optionally with `role`), by name, for choice lists."""
    query = sa.select(User).where(User.is_active_user.is_(True)).order_by(User.name)
    if role is not None:
        query = query.where(User.role_rows.any(UserRole.role == role))
    return list(db.session.scalars(query))


@bp.post("/<int:year>/clone")
@login_required
def clone(year: int):
    """Create next year's cycle from this one."""
    require_office()
    form = CloneCycleForm()
    if not form.validate_on_submit():
        flash(_("Oppgi et gyldig årstall for den nye gjennomgangen."), "error")
        return redirect(url_for(".dashboard", year=year))
    try:
        new = lifecycle.clone_cycle(current_user, load_cycle(year), form.year.data)
    except ValidationFailed:
        flash(_("Det finnes allerede en gjennomgang for %(year)s.", year=form.year.data), "error")
        return redirect(url_for(".dashboard", year=year))
    db.session.commit()
    flash(_("«%(title)s» er laget. Se over arenaer og frister før du åpner den.",
            title=new.title), "success")
    return redirect(url_for(".dashboard", year=new.year))


@bp.post("/<int:year>/lifecycle")
@login_required
def lifecycle_step(year: int):
    """Take one lifecycle step (open, close submissions, publish, reopen, ...)."""
    require_office()
    cycle, form = load_cycle(year), CycleTransitionForm()
    if not form.validate_on_submit() or form.transition.data not in CYCLE_WORKFLOW.transitions:
        abort(400)
    name = form.transition.data
    if name in DOCUMENT_STEPS:
        abort(400)  # publishing before all is decided goes with a version, on the document page
    if (CYCLE_WORKFLOW.get(name).needs_confirmation and request.form.get("confirmed") != "1"
            and not CYCLE_WORKFLOW.blockers(name, lifecycle.subject_for(cycle), current_user)):
        return redirect(url_for(".confirm_step", year=year, name=name))
    try:
        if name == "open_cycle":
            lifecycle.open_cycle(current_user, cycle)
        else:
            lifecycle.transition_cycle(current_user, cycle, name, form.comment.data or "")
    except ValidationFailed:
        db.session.rollback()
        flash(_("Skriv en begrunnelse."), "error")
        return redirect(url_for(".dashboard", year=year))
    except TransitionNotAllowed as refused:
        db.session.rollback()
        if refused.forbidden:
            abort(403)
        flash(_("Det går ikke nå: %(reasons)s", reasons="; ".join(refused.reasons)), "error")
        return redirect(url_for(".dashboard", year=year))
    db.session.commit()
    flash(STEP_DONE.get(name, _l("Gjennomgangen er oppdatert.")), "success")
    return redirect(url_for(".dashboard", year=year))


STEP_DONE = {
    "open_cycle": _l("Gjennomgangen er åpnet. Invitasjonene går ut med neste utsending."),
    "close_submissions": _l("Innsendingen er avsluttet. Gjennomgangen er nå til behandling."),
    "publish_cycle": _l("Gjennomgangen er publisert og låst."),
}


@bp.get("/<int:year>/lifecycle/<name>")
@login_required
def confirm_step(year: int, name: str):
    """What a lifecycle step changes, and the button that takes it."""
    require_office()
    cycle = load_cycle(year)
    if name not in CYCLE_WORKFLOW.transitions or name in DOCUMENT_STEPS:
        abort(404)
    if name not in {t.name for t in lifecycle_actions(cycle)}:
        flash(_("Det steget kan ikke tas nå."), "error")
        return redirect(url_for(".dashboard", year=year))
    return render_template("cycles/confirm_step.html", cycle=cycle, name=name,
                           form=CycleTransitionForm(transition=name),
                           waiting=lifecycle.not_submitted(cycle))


def _handover_form() -> HandoverForm:
    form = HandoverForm()
    form.portfolio.label.text = org_label("portfolio_label")  # the municipality's own word
    form.portfolio.choices = [SelectChoice(p.id, p.name_nb) for p in db.session.scalars(
        sa.select(Portfolio).where(Portfolio.is_archived.is_(False)).order_by(Portfolio.code))]
    contacts = [SelectChoice(u.id, u.name) for u in active_users(Role.CONTACT)]
    form.old_user.choices = contacts
    form.new_user.choices = [SelectChoice(u.id, f"{u.name} ({u.email})")
                             for u in active_users()]
    return form


@bp.route("/handover", methods=["GET", "POST"])
@login_required
def handover():
    """A new contact takes over a portfolio; drafts and history stay."""
    require_office()
    form = _handover_form()
    if form.validate_on_submit():
        portfolio = db.session.get(Portfolio, form.portfolio.data) or abort(404)
        old = db.session.get(User, form.old_user.data) or abort(404)
        new = db.session.get(User, form.new_user.data) or abort(404)
        try:
            moved = hand_over_portfolio(current_user, portfolio, old, new)
        except ValidationFailed:
            db.session.rollback()
            form.old_user.errors.append(_("Personen er ikke kontaktperson for «%(name)s».",
                                          name=portfolio.name_nb))
        else:
            db.session.commit()
            flash(_("%(new)s har overtatt for %(old)s (%(n)s vurderinger flyttet).",
                    new=new.name, old=old.name, n=moved), "success")
            return redirect(url_for(".handover"))
    status = 400 if form.errors else 200
    return render_template("cycles/handover.html", form=form), status


def _bulk_form(cycle) -> tuple[BulkForm, list]:
    rows = load_rows(cycle)
    form = BulkForm()
    form.assessment_ids.choices = [SelectChoice(a.id, a.arena.name) for a in rows]
    form.user.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.name)
                                                  for u in active_users(Role.CONTACT)]
    return form, rows


@bp.route("/<int:year>/bulk", methods=["GET", "POST"])
@login_required
def bulk(year: int):
    """Approve several assessments, or give several to one contact, in one step."""
    require_office()
    cycle = load_cycle(year)
    form, rows = _bulk_form(cycle)
    if form.validate_on_submit():
        chosen = [a for a in rows if a.id in set(form.assessment_ids.data)]
        done, refused = _apply_bulk(form, chosen)
        if done or not refused:
            db.session.commit()
            flash(_("%(n)s vurderinger er oppdatert.", n=done), "success")
        for name in refused:
            flash(_("Ikke endret: %(name)s (ikke mulig i denne tilstanden).", name=name),
                  "warning")
        return redirect(url_for(".bulk", year=year))
    status = 400 if form.errors else 200
    return render_template("cycles/bulk.html", cycle=cycle, form=form, rows=rows), status


def _apply_bulk(form: BulkForm, chosen: list) -> tuple[int, list[str]]:
    """Apply the action to the chosen assessments; those that refuse are left unchanged.
    Returns how many were changed (for reminders: how many people were reminded)."""
    if form.action.data == "remind":
        return remind_now(current_user, chosen, now()), []
    user = db.session.get(User, form.user.data) if form.user.data else None
    if form.action.data == "reassign" and user is None:
        return 0, [a.arena.name for a in chosen]
    done, refused = 0, []
    for assessment in chosen:
        try:
            with db.session.begin_nested():
                if form.action.data == "approve":
                    approve_assessment(assessment, current_user)
                else:
                    reassign_assessment(current_user, assessment, user)
            done += 1
        except (TransitionNotAllowed, ValidationFailed):
            refused.append(assessment.arena.name)
    return done, refused
