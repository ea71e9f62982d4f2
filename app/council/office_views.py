"""The council office's pages: routing approved assessments, and following up decisions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.council import queries
from app.council.blueprint import bp, get_or_404, require_office, require_viewer
from app.council.forms import ConfirmForm, FollowUpToggleForm, routing_form_class
from app.council.routing import (
    Route,
    current_route,
    route_assessment,
    route_assessments,
    set_follow_up_done,
)
from app.extensions import db
from app.models import Assessment, Cycle
from app.models.council import FollowUp


def load_cycle(year: int) -> Cycle:
    """The cycle of `year`, or 404."""
    return db.session.scalar(db.select(Cycle).where(Cycle.year == year)) or abort(404)


def routable(cycle: Cycle) -> tuple[list[Assessment], list[Assessment]]:
    """The cycle's approved assessments: (those the office can route, those on a case)."""
    rows = queries.routing_rows(cycle)
    covered = queries.covered_ids([a.id for a in rows])
    return [a for a in rows if a.id not in covered], [a for a in rows if a.id in covered]


def render_routing(cycle: Cycle, rows, form, status: int = 200):
    """The routing page (with the form's errors when status is 400)."""
    return render_template("council/routing.html", cycle=cycle, rows=rows, form=form,
                           on_case=routable(cycle)[1]), status


@bp.get("/routing/<int:year>")
@login_required
def routing(year: int):
    """Approved assessments of a cycle: to the council, or the recommendation stands."""
    require_office()
    cycle = load_cycle(year)
    rows = routable(cycle)[0]
    data = {f"route_{a.id}": current_route(a).value for a in rows}
    return render_routing(cycle, rows, routing_form_class(rows)(data=data))


@bp.post("/routing/<int:year>")
@login_required
def save_routing(year: int):
    """Route every approved assessment of the cycle as chosen."""
    require_office()
    cycle = load_cycle(year)
    rows = routable(cycle)[0]
    form = routing_form_class(rows)()
    if not form.validate_on_submit():
        return render_routing(cycle, rows, form, 400)
    choices = {a: Route(form[f"route_{a.id}"].data) for a in rows if form[f"route_{a.id}"].data}
    changed = route_assessments(current_user, choices)
    db.session.commit()
    flash(_("%(n)s vurderinger er endret.", n=changed), "success")
    return redirect(url_for(".routing", year=year))


@bp.post("/assessments/<int:assessment_id>/route")
@login_required
def route(assessment_id: int):
    """Send one approved assessment to the council (from the assessment's page)."""
    require_office()
    assessment = get_or_404(Assessment, assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    route_assessment(current_user, assessment, Route.COUNCIL)
    db.session.commit()
    flash(_("Vurderingen er sendt til politisk behandling."), "success")
    return redirect(url_for("assessments.detail", assessment_id=assessment_id))


@bp.get("/follow-ups")
@login_required
def follow_ups():
    """What each decision requires of the council office, and whether it is done."""
    require_viewer()
    return render_template("council/follow_ups.html", rows=queries.follow_ups())


@bp.post("/follow-ups/<int:follow_up_id>")
@login_required
def toggle_follow_up(follow_up_id: int):
    """Mark a follow-up task done, or not done again."""
    require_office()
    follow_up = get_or_404(FollowUp, follow_up_id)
    form = FollowUpToggleForm()
    if not form.validate_on_submit():
        abort(400)
    done = form.done.data == "1"
    set_follow_up_done(current_user, follow_up, done)
    db.session.commit()
    flash(_("Oppgaven er merket som utført.") if done else _("Oppgaven er åpnet igjen."),
          "success")
    return redirect(url_for(".follow_ups"))
