"""Publishing a version: at once when every assessment is decided, else after a page that
lists what is not decided and says what publishing does to it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.documents import operations as ops
from app.documents.forms import PublishForm
from app.documents.versions import versions_of
from app.documents.views import bp, office_cycle
from app.extensions import db
from app.models import Arena, Assessment, Cycle, CycleStatus
from workflows.assessment import AssessmentState


def undecided_assessments(cycle: Cycle) -> list[Assessment]:
    """The cycle's assessments that are not decided, by arena name."""
    return list(db.session.scalars(
        sa.select(Assessment).join(Arena, Arena.id == Assessment.arena_id)
        .where(Assessment.cycle_id == cycle.id, Assessment.state != AssessmentState.DECIDED)
        .order_by(Arena.name)))


def publish_version_step(cycle: Cycle, number: int):
    """The POST: publish, or send the office to the confirmation page first."""
    if not PublishForm().validate_on_submit():
        abort(400)
    confirmed = request.form.get("confirmed") == "1"
    try:
        ops.publish_version(cycle, number, current_user, confirmed=confirmed)
    except LookupError:
        abort(404)
    except ops.ConfirmationRequired:
        db.session.rollback()
        return redirect(url_for("documents.confirm_publish", year=cycle.year, number=number))
    db.session.commit()
    flash(_("Versjon %(number)s er publisert. Gjennomgangen står nå i det offentlige arkivet.",
            number=number), "success")
    return redirect(url_for("documents.cycle_page", year=cycle.year))


@bp.get("/documents/<int:year>/versions/<int:number>/publish")
@login_required
def confirm_publish(year: int, number: int):
    """What publishing version `number` would do, and the button that does it."""
    cycle = office_cycle(year)
    if not any(v.number == number for v in versions_of(cycle)):
        abort(404)
    return render_template(
        "documents/confirm_publish.html", cycle=cycle, number=number, form=PublishForm(),
        undecided=undecided_assessments(cycle),
        already_published=cycle.status == CycleStatus.PUBLISHED)
