"""Council office pages that adjust a planned cycle: its arenas and its criteria."""

from __future__ import annotations

from flask import flash, get_template_attribute, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from app.cycles.setup import revise_criteria, selectable_arenas, set_cycle_arenas
from app.cycles.setup_forms import KIND_LABELS, CriteriaForm, CycleArenasForm
from app.cycles.views import bp, load_cycle, require_office
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, Cycle
from workflows.cycle import CycleStatus
from workflows.engine import TransitionNotAllowed


def arena_choice_label(arena: Arena) -> Markup:
    """A checkbox label: the arena's name, its status as a tag and its portfolio codes."""
    status_tag = get_template_attribute("arenas/_macros.html", "arena_status_tag")
    codes = ", ".join(p.code for p in arena.portfolios) or _("ingen ansvarlig")
    return Markup('{name} {tag} <span class="muted">· {codes}</span>').format(
        name=arena.name, tag=status_tag(arena), codes=codes)


def render_arenas(cycle: Cycle, form: CycleArenasForm, status: int = 200):
    """The arenas page: the form while the cycle is planned, else the list read-only."""
    parts = {kind: [a for a in cycle.arenas if (a.kind == ArenaKind.FRIENDSHIP_CITY) == kind]
             for kind in (False, True)}
    return render_template("cycles/arenas.html", cycle=cycle, form=form,
                           editable=cycle.status == CycleStatus.PLANNED,
                           organisations=parts[False], friendship_cities=parts[True]), status


@bp.route("/<int:year>/arenas", methods=["GET", "POST"])
@login_required
def arenas(year: int):
    """Choose the arenas a planned cycle reviews: tick to add one, untick to drop it."""
    require_office()
    cycle = load_cycle(year)
    form = CycleArenasForm.for_cycle(cycle, selectable_arenas(cycle), arena_choice_label)
    if form.validate_on_submit():
        try:
            added, removed = set_cycle_arenas(current_user, cycle, form.arena_ids())
        except TransitionNotAllowed as refused:
            db.session.rollback()
            flash(" ".join(refused.reasons), "error")
            return render_arenas(cycle, form, 409)
        db.session.commit()
        flash(_("%(added)s lagt til, %(removed)s tatt ut.", added=len(added),
                removed=len(removed)) if added or removed else _("Ingen endringer."), "success")
        return redirect(url_for(".arenas", year=year))
    return render_arenas(cycle, form, 400 if form.errors else 200)


def render_criteria(cycle: Cycle, form: CriteriaForm, status: int = 200):
    """The criteria page: the form while the cycle is planned, else the list read-only."""
    return render_template("cycles/criteria.html", cycle=cycle, form=form,
                           editable=cycle.status == CycleStatus.PLANNED,
                           by_key={c.key: c for c in cycle.criteria_set.criteria},
                           kind_labels=KIND_LABELS), status


def show_errors(form: CriteriaForm, errors: dict[str, str]) -> None:
    """Put the operation's errors next to their fields; the rest go in a message."""
    for where, message in errors.items():
        target = form.field_for(where)
        if target is None:
            flash(message, "error")
        else:
            target.errors = [*target.errors, message]


@bp.route("/<int:year>/criteria", methods=["GET", "POST"])
@login_required
def criteria(year: int):
    """The criteria of a planned cycle; a change saves a new version for this cycle only."""
    require_office()
    cycle = load_cycle(year)
    form = CriteriaForm.for_set(cycle.criteria_set)
    if form.validate_on_submit():
        try:
            revised = revise_criteria(current_user, cycle, form.rows())
        except TransitionNotAllowed as refused:
            db.session.rollback()
            flash(" ".join(refused.reasons), "error")
            return render_criteria(cycle, form, 409)
        except ValidationFailed as failed:
            db.session.rollback()
            show_errors(form, failed.errors)
            return render_criteria(cycle, form, 400)
        db.session.commit()
        flash(_("Kriteriene er lagret som versjon %(version)s.", version=revised.version)
              if revised else _("Ingen endringer."), "success")
        return redirect(url_for(".criteria", year=year))
    return render_criteria(cycle, form, 400 if form.errors else 200)
