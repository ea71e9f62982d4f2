"""The council office's order of the arenas in the review document, per part.

Drag and drop where the browser runs the page's script; move up/down buttons that are plain
form posts everywhere else (keyboard and no-script users get the same result).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cycles.views import bp, load_cycle, require_office
from app.documents.operations import current_order, set_arena_order
from app.documents.order import moved
from app.errors import ValidationFailed
from app.extensions import db
from app.models import DocumentSettings, PartOrder


def _requested_order(cycle, arenas) -> list[int] | None:
    """The order the form asks for (None: alphabetical); ValueError when it is unreadable."""
    ids = [a.id for a in arenas]
    if request.form.get("action") == "alphabetical":
        return None
    if "move" in request.form:
        arena_id, step = (int(x) for x in request.form["move"].split(":", 1))
        if step not in (-1, 1):
            raise ValueError(step)
        return moved(ids, arena_id, step, {a.id: a.part for a in arenas})
    return [int(x) for x in request.form.get("order", "").split(",") if x.strip()]


def _render(cycle, status: int = 200, error: str = ""):
    arenas = current_order(cycle)
    row = db.session.get(DocumentSettings, cycle.id)
    custom = bool(row and row.part_order == PartOrder.CUSTOM)
    parts = [(1, _("Del 1 Organisasjoner og nettverk"), [a for a in arenas if a.part == 1]),
             (2, _("Del 2 Samarbeid med vennskapsbyene"), [a for a in arenas if a.part != 1])]
    return render_template("cycles/order.html", cycle=cycle, parts=parts, custom=custom,
                           order=",".join(str(a.id) for a in arenas), error=error), status


@bp.route("/<int:year>/order", methods=["GET", "POST"])
@login_required
def document_order(year: int):
    """The order of the arenas in the document: the office's own, or alphabetical."""
    require_office()
    cycle = load_cycle(year)
    if request.method == "GET":
        return _render(cycle)
    try:
        order = _requested_order(cycle, current_order(cycle))
        changed = set_arena_order(cycle, current_user, order)
    except (ValueError, ValidationFailed):
        db.session.rollback()
        return _render(cycle, 400, _("Rekkefølgen kunne ikke leses. Ingenting er endret; "
                                     "prøv igjen."))
    db.session.commit()
    if changed:
        flash(_("Rekkefølgen er lagret.") if order is not None
              else _("Arenaene står nå i alfabetisk rekkefølge."), "success")
    anchor = request.form.get("move", "").split(":")[0].strip()
    return redirect(url_for(".document_order", year=year) + (
        f"#arena-{int(anchor)}" if anchor.isdigit() else ""))
