"""The administrator's page for single sign-on: which provider group gives which role."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin.forms import add_errors
from app.admin.oidc_forms import GroupMappingForm, mapping_form_data
from app.admin.views import bp, portfolio_choices, require_admin
from app.auth import oidc
from app.auth import oidc_operations as ops
from app.errors import ValidationFailed
from app.extensions import db
from app.models import OidcGroupMapping

FORM = "admin/oidc_group_form.html"


def load_mapping(mapping_id: int) -> OidcGroupMapping:
    """The row, for an administrator (else 403), or 404."""
    require_admin()
    return db.session.get(OidcGroupMapping, mapping_id) or abort(404)


def _form_page(form, mapping, status: int = 200):
    return render_template(FORM, form=form, mapping=mapping), status


def _refused(form, mapping, error: ValidationFailed):
    db.session.rollback()
    add_errors(form, {k: v for k, v in error.errors.items() if k != "group_id"})
    if error.errors.get("group_id") == "mapped":
        form.group_id.errors = [_("Gruppen gir allerede denne rollen.")]
    return _form_page(form, mapping, 400)


@bp.get("/sign-in-groups")
@login_required
def oidc_groups():
    """Every group → role row, and whether single sign-on is on."""
    require_admin()
    rows = db.session.scalars(db.select(OidcGroupMapping).order_by(
        OidcGroupMapping.group_id, OidcGroupMapping.role)).all()
    return render_template("admin/oidc_groups.html", mappings=rows,
                           enabled=oidc.is_enabled())


@bp.get("/sign-in-groups/new")
@login_required
def new_oidc_group():
    """The empty form for a new row."""
    require_admin()
    return _form_page(GroupMappingForm(portfolios=portfolio_choices()), None)


@bp.post("/sign-in-groups/new")
@login_required
def create_oidc_group():
    """Save a new group → role row."""
    require_admin()
    form = GroupMappingForm(portfolios=portfolio_choices())
    if not form.validate_on_submit():
        return _form_page(form, None, 400)
    try:
        ops.create_group_mapping(current_user, form.to_input())
    except ValidationFailed as error:
        return _refused(form, None, error)
    db.session.commit()
    flash(_("Gruppen %(group)s er lagt til.", group=form.group_id.data), "success")
    return redirect(url_for(".oidc_groups"))


@bp.get("/sign-in-groups/<int:mapping_id>/edit")
@login_required
def edit_oidc_group(mapping_id: int):
    """The form with the row's current values."""
    mapping = load_mapping(mapping_id)
    form = GroupMappingForm(portfolios=portfolio_choices(), data=mapping_form_data(mapping))
    return _form_page(form, mapping)


@bp.post("/sign-in-groups/<int:mapping_id>/edit")
@login_required
def update_oidc_group(mapping_id: int):
    """Save changes to a row."""
    mapping = load_mapping(mapping_id)
    form = GroupMappingForm(portfolios=portfolio_choices())
    if not form.validate_on_submit():
        return _form_page(form, mapping, 400)
    try:
        ops.update_group_mapping(current_user, mapping, form.to_input())
    except ValidationFailed as error:
        return _refused(form, mapping, error)
    db.session.commit()
    flash(_("Endringene er lagret."), "success")
    return redirect(url_for(".oidc_groups"))


@bp.post("/sign-in-groups/<int:mapping_id>/delete")
@login_required
def delete_oidc_group(mapping_id: int):
    """Remove a row (users keep their roles until they next sign in)."""
    mapping = load_mapping(mapping_id)
    ops.delete_group_mapping(current_user, mapping)
    db.session.commit()
    flash(_("Gruppen er fjernet."), "success")
    return redirect(url_for(".oidc_groups"))
