"""Cycle pages for the council office: the list of cycles and each one's dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cycles.checklist import cycle_checklist
from app.cycles.forms import CycleSettingsForm
from app.cycles.operations import update_cycle_settings
from app.cycles.progress import STATE_ORDER, contact_rows, dashboard_table, previous_year
from app.extensions import db
from app.labels import REMINDER_KIND_LABELS
from app.models import Cycle
from app.templating import org_label
from workflows.assessment import AssessmentState
from workflows.cycle import CycleStatus
from workflows.reminders import ReminderSchedule, escalation_dates, reminder_dates
from workflows.roles import Role

bp = Blueprint("cycles", __name__, url_prefix="/cycles")


def require_office() -> None:
    """403 unless the current user works in the council office."""
    if not current_user.has_role(Role.COUNCIL_OFFICE):
        abort(403)


def require_overview() -> None:
    """403 unless the user follows cycles as a whole (council office or secretary)."""
    if not current_user.has_role(Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY):
        abort(403)


@bp.get("/")
@login_required
def index():
    """All cycles, newest first."""
    require_overview()
    cycles = db.session.scalars(db.select(Cycle).order_by(Cycle.year.desc())).all()
    return render_template("cycles/index.html", cycles=cycles)


def load_cycle(year: int) -> Cycle:
    """The cycle of `year`, or 404."""
    return db.session.scalar(db.select(Cycle).where(Cycle.year == year)) or abort(404)


@bp.get("/<int:year>")
@login_required
def dashboard(year: int):
    """Progress of one cycle: counts per state, portfolio and contact; overdue first."""
    require_overview()
    cycle = load_cycle(year)
    state = request.args.get("state")
    try:
        state_filter = AssessmentState(state) if state else None
    except ValueError:
        abort(400)
    progress, rows = dashboard_table(cycle, state_filter)
    checks = (cycle_checklist(cycle) if cycle.status == CycleStatus.PLANNED
              and current_user.has_role(Role.COUNCIL_OFFICE) else [])
    return render_template("cycles/dashboard.html", cycle=cycle, progress=progress, rows=rows,
                           checks=checks, previous_year=previous_year(cycle),
                           contact_rows=contact_rows(progress),
                           states=STATE_ORDER,
                           state_filter=state_filter)


@bp.route("/<int:year>/settings", methods=["GET", "POST"])
@login_required
def settings(year: int):
    """Title, deadlines and the sign-off step of one cycle."""
    require_office()
    cycle = load_cycle(year)
    schedule = ReminderSchedule.from_dict(cycle.reminder_schedule)
    form = CycleSettingsForm(obj=cycle, **CycleSettingsForm.schedule_data(schedule))
    if form.validate_on_submit():
        if update_cycle_settings(current_user, cycle, form.settings_values(schedule)):
            db.session.commit()
            flash(_("Innstillingene er lagret."), "success")
        return redirect(url_for(".dashboard", year=year))
    status = 400 if form.errors else 200
    return render_template("cycles/settings.html", cycle=cycle, form=form,
                           schedule_dates=schedule_dates(cycle, schedule)), status


def schedule_dates(cycle: Cycle, schedule: ReminderSchedule) -> list[tuple]:
    """(date, what) of the reminders and escalations for the saved deadline."""
    deadline = cycle.submission_deadline
    if deadline is None:
        return []
    who = {"escalation_commissioner": org_label("head_label").lower(),
           "escalation_office": org_label("council_office_label").lower()}
    dues = sorted(reminder_dates(deadline, schedule) + escalation_dates(deadline, schedule))
    return [(due.day, str(REMINDER_KIND_LABELS[due.kind]) % {"who": who.get(due.kind, "")})
            for due in dues]
