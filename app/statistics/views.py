"""The statistics page of a cycle: for the council office and the administrator, and (once
the cycle is published) for everyone from the public archive; each chart's table as CSV."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Cycle, CycleStatus
from app.statistics.charts import csv_text, inline_svg
from app.statistics.figures import CycleStatistics, cycle_statistics
from workflows.roles import Role

bp = Blueprint("statistics", __name__)
VIEWERS = (Role.COUNCIL_OFFICE, Role.ADMIN)


def _cycle(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year)) or abort(404)


def office_cycle(year: int) -> Cycle:
    """The cycle of `year` for the council office or the administrator: 403 first, then 404."""
    if not current_user.has_role(*VIEWERS):
        abort(403)
    return _cycle(year)


def published_cycle(year: int) -> Cycle:
    """The cycle of `year` once it is published; 404 for any other."""
    cycle = _cycle(year)
    return cycle if cycle.status == CycleStatus.PUBLISHED else abort(404)


def _page(stats: CycleStatistics, public: bool):
    svgs = {c.key: inline_svg(c) for c in stats.charts if not c.empty}  # the empty: a sentence
    return render_template("statistics/cycle.html", stats=stats, cycle=stats.cycle, svgs=svgs,
                           public=public)


def _csv(stats: CycleStatistics, key: str) -> Response:
    chart = stats.chart(key) or abort(404)
    return Response(csv_text(chart), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="statistikk-{stats.cycle.year}-{chart.key}.csv"'})


@bp.get("/statistics/<int:year>")
@login_required
def office_page(year: int):
    """The cycle's statistics for the office; the trend covers every cycle."""
    return _page(cycle_statistics(office_cycle(year), published_only=False), public=False)


@bp.get("/statistics/<int:year>/<chart>.csv")
@login_required
def office_csv(year: int, chart: str):
    """One chart's table as CSV, for the office."""
    return _csv(cycle_statistics(office_cycle(year), published_only=False), chart)


@bp.get("/publications/<int:year>/statistics")
def public_page(year: int):
    """A published cycle's statistics for everyone; the trend covers published cycles only."""
    return _page(cycle_statistics(published_cycle(year), published_only=True), public=True)


@bp.get("/publications/<int:year>/statistics/<chart>.csv")
def public_csv(year: int, chart: str):
    """One chart's table of a published cycle as CSV, for everyone."""
    return _csv(cycle_statistics(published_cycle(year), published_only=True), chart)
