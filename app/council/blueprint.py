"""The council blueprint (/council) and the permission checks its views share."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from app.council.queries import load_item
from app.extensions import db
from app.models.council import CaseItem
from workflows.roles import Role

bp = Blueprint("council", __name__, url_prefix="/council")


def require_secretary() -> None:
    """403 unless the current user is a council secretary."""
    if not current_user.has_role(Role.COUNCIL_SECRETARY):
        abort(403)


def require_office() -> None:
    """403 unless the current user works in the council office."""
    if not current_user.has_role(Role.COUNCIL_OFFICE):
        abort(403)


def require_viewer() -> None:
    """403 unless the user follows the council's work (office or secretary)."""
    if not current_user.has_role(Role.COUNCIL_OFFICE, Role.COUNCIL_SECRETARY):
        abort(403)


def get_or_404(model, object_id: int):
    """The row with `object_id`, or 404."""
    return db.session.get(model, object_id) or abort(404)


def show_errors(form, errors: dict[str, str]) -> None:
    """Roll back, and put an operation's reasons next to the fields they concern; the rest go
    to `form.other_errors` as (anchor id, message) for the page's error summary."""
    db.session.rollback()
    form.other_errors = []
    for name, message in errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.other_errors.append((name, message))


def refused(template: str, form, errors: dict[str, str], **context):
    """Nothing saved: the page again (400) with the operation's reasons next to the fields."""
    show_errors(form, errors)
    return render_template(template, form=form, **context), 400


def item_or_404(item_id: int) -> CaseItem:
    """A case item for someone who may see it (403 first, then 404)."""
    require_viewer()
    return load_item(item_id) or abort(404)
