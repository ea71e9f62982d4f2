"""The page that creates a cycle from nothing: the first year of a new installation, or any
later year without cloning."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cycles.forms import CycleCreateForm
from app.cycles.operations import create_cycle
from app.cycles.views import bp
from app.errors import ValidationFailed
from app.extensions import db
from app.templating import org_label
from workflows.roles import Role


def require_creator() -> None:
    """403 unless the user may create cycles (council office or administrator)."""
    if not current_user.has_role(Role.COUNCIL_OFFICE, Role.ADMIN):
        abort(403)


def render_new(form: CycleCreateForm, status: int = 200):
    return render_template("cycles/new.html", form=form), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a planned cycle with the default criteria and every active arena."""
    require_creator()
    form = CycleCreateForm()
    if not form.validate_on_submit():
        return render_new(form, 400 if form.errors else 200)
    try:
        cycle = create_cycle(current_user, form.year.data, **form.values())
    except ValidationFailed as failed:
        db.session.rollback()
        for name, message in failed.errors.items():
            form[name].errors = [*form[name].errors, message]
        return render_new(form, 400)
    db.session.commit()
    if not current_user.has_role(Role.COUNCIL_OFFICE):  # an administrator hands it on
        flash(_("«%(title)s» er laget med %(n)s arenaer. %(office)s ser over kriteriene og "
                "sjekklisten før gjennomgangen åpnes.", title=cycle.title,
                n=len(cycle.arenas), office=org_label("council_office_label")), "success")
        return redirect(url_for(".new"))
    flash(_("«%(title)s» er laget med %(n)s arenaer. Se over kriteriene og sjekklisten før "
            "du åpner den.", title=cycle.title, n=len(cycle.arenas)), "success")
    return redirect(url_for(".dashboard", year=cycle.year))
