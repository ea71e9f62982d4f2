"""Cycles with their progress (council office and council secretaries, as the dashboard)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for

from app.api import serializers
from app.api.auth import require_role
from app.api.blueprint import api
from app.api.errors import ApiError
from app.api.paging import PAGING, paginate
from app.cycles import operations as cycle_ops
from app.cycles.progress import cycle_progress
from app.extensions import db
from app.models import Assessment, Cycle
from workflows.roles import Role

OVERVIEW = (Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY)


def state_counts(cycle_ids: list[int]) -> dict[int, Counter]:
    """Assessments per state for each cycle (one query for all of them)."""
    rows = db.session.execute(
        sa.select(Assessment.cycle_id, Assessment.state, sa.func.count())
        .where(Assessment.cycle_id.in_(cycle_ids))
        .group_by(Assessment.cycle_id, Assessment.state))
    counts: dict[int, Counter] = {i: Counter() for i in cycle_ids}
    for cycle_id, state, n in rows:
        counts[cycle_id][state] = n
    return counts


def serialize_cycles(cycles) -> list[dict[str, Any]]:
    """A page of cycles with their counts (one query for the counts)."""
    counts = state_counts([c.id for c in cycles])
    return [serializers.cycle(c, counts[c.id]) for c in cycles]


@api.route("GET", "/cycles", summary="List cycles with progress counts", tag="cycles",
           query=PAGING, responses={200: "CyclePage"}, errors=(403,))
def list_cycles(query: dict[str, Any]):
    """Every cycle, newest first, with counts per state."""
    require_role(*OVERVIEW)
    return paginate(sa.select(Cycle).order_by(Cycle.year.desc()), query, serialize_cycles)


@api.route("GET", "/cycles/{year}", summary="One cycle: progress per state and portfolio",
           tag="cycles", responses={200: "CycleDetail"}, errors=(403,))
def get_cycle(year: int):
    """A cycle's criteria and progress, as the dashboard shows it."""
    require_role(*OVERVIEW)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise ApiError(404)
    return cycle_detail(cycle)


def cycle_detail(cycle: Cycle) -> dict[str, Any]:
    """The cycle with its criteria, counts and counts per portfolio."""
    progress = cycle_progress(cycle)
    by_portfolio = [{"portfolio": serializers.portfolio_ref(p),
                     "by_state": serializers.progress(counts)["by_state"]}
                    for p, counts in sorted(progress.by_portfolio.items(), key=lambda i: i[0].code)]
    return {**serializers.cycle(cycle, progress.by_state), "overdue": progress.overdue,
            "criteria": [serializers.criterion(c) for c in cycle.criteria_set.criteria],
            "by_portfolio": by_portfolio}


@api.route("POST", "/cycles", summary="Create a planned cycle (council office, admin)",
           tag="cycles", body="CycleCreate", responses={201: "CycleDetail"}, errors=(403, 409))
def create_cycle(body: dict[str, Any]):
    """A new cycle without an earlier one: the default criteria, every active arena of the
    register. 409 when the year has a cycle already."""
    user = require_role(Role.COUNCIL_OFFICE, Role.ADMIN)
    dates = {name: date.fromisoformat(body[name]) if body.get(name) else None
             for name in ("submission_deadline", "review_deadline", "council_meeting_date")}
    try:
        cycle = cycle_ops.create_cycle(user, body["year"], body["title"],
                             requires_sign_off=body.get("requires_sign_off", True), **dates)
    except cycle_ops.CycleYearTaken as taken:
        raise ApiError(409, taken.errors["year"]) from None
    db.session.commit()
    return cycle_detail(cycle), 201, {"Location": url_for(".get_cycle", year=cycle.year)}
