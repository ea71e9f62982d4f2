"""Administration pages: users (administrator); portfolios and settings (also council office)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.admin import operations as ops
from app.admin import queries
from app.admin.forms import (
    LABEL_TEXTS,
    PortfolioForm,
    SettingsForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    add_errors,
    error_message,
    settings_form_data,
    user_form_data,
)
from app.errors import ValidationFailed
from app.extensions import db
from app.models import LABEL_KEYS, Portfolio, User
from app.templating import org_label, organisation
from workflows.roles import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")


def require_admin() -> None:
    """403 unless the current user is an administrator."""
    if not current_user.has_role(Role.ADMIN):
        abort(403)


def require_office_or_admin() -> None:
    """403 unless the current user is an administrator or works in the council office."""
    if not current_user.has_role(Role.ADMIN, Role.COUNCIL_OFFICE):
        abort(403)


def portfolio_choices(user: User | None = None) -> list[Portfolio]:
    """Active portfolios, plus any archived one the user still belongs to."""
    keep = user.portfolio_ids if user else frozenset()
    query = db.select(Portfolio).order_by(Portfolio.code)
    return [p for p in db.session.scalars(query) if not p.is_archived or p.id in keep]


def refused(template: str, form, error: ValidationFailed, **context):
    """Nothing saved: the form again (400), with the operation's reasons next to the fields."""
    db.session.rollback()
    add_errors(form, error.errors)
    return render_template(template, form=form, **context), 400


# --------------------------------------------------------------------------- users


def load_user(user_id: int) -> User:
    require_admin()
    return db.session.get(User, user_id) or abort(404)


@bp.get("/users")
@login_required
def users():
    """Every account, active or not, narrowed by a search text and a role."""
    require_admin()
    form = UserFilterForm(formdata=request.args)
    valid = form.validate()
    people = queries.find_users(form.q.data, form.wanted_role) if valid else \
        queries.find_users()
    return render_template("admin/users.html", users=people, form=form,
                           filtered=valid and bool(form.q.data or form.role.data),
                           unassigned=queries.contacts_without_portfolio(),
                           lacks_portfolio=queries.lacks_portfolio), 200 if valid else 400


@bp.get("/users/new")
@login_required
def new_user():
    """The empty form for a new account."""
    require_admin()
    form = UserCreateForm(portfolios=portfolio_choices())
    return render_template("admin/user_form.html", form=form, user=None)


@bp.post("/users/new")
@login_required
def create_user():
    """Create an account."""
    require_admin()
    form = UserCreateForm(portfolios=portfolio_choices())
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=None), 400
    try:
        user = ops.create_user(current_user, email=form.email.data, name=form.name.data,
                               roles=set(form.role_set), password=form.password.data,
                               portfolio_ids=set(form.portfolios.data or ()))
    except ValidationFailed as error:
        return refused("admin/user_form.html", form, error, user=None)
    db.session.commit()
    flash(_("Brukeren %(email)s er opprettet.", email=user.email), "success")
    warn_without_portfolio(user)
    return redirect(url_for(".users"))


@bp.get("/users/<int:user_id>/edit")
@login_required
def edit_user(user_id: int):
    """The form with the user's current settings."""
    user = load_user(user_id)
    form = UserEditForm(portfolios=portfolio_choices(user), data=user_form_data(user))
    return render_template("admin/user_form.html", form=form, user=user,
                           lacks_portfolio=queries.lacks_portfolio(user))


@bp.post("/users/<int:user_id>/edit")
@login_required
def update_user(user_id: int):
    """Save changes to an account."""
    user = load_user(user_id)
    form = UserEditForm(portfolios=portfolio_choices(user))
    if not form.validate_on_submit():
        return render_template("admin/user_form.html", form=form, user=user), 400
    try:
        changed = ops.update_user(current_user, user, form.to_changes())
    except ValidationFailed as error:
        return refused("admin/user_form.html", form, error, user=user)
    db.session.commit()
    flash(_("Endringene er lagret.") if changed else _("Ingen endringer å lagre."),
          "success" if changed else "info")
    warn_without_portfolio(user)
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate_user(user_id: int):
    """Stop an account from logging in (never one's own)."""
    user = load_user(user_id)
    try:
        ops.deactivate_user(current_user, user)
    except ValidationFailed as error:
        db.session.rollback()
        flash(error_message("is_active", error.errors.get("is_active", "")), "error")
        form = UserEditForm(portfolios=portfolio_choices(user), data=user_form_data(user))
        return render_template("admin/user_form.html", form=form, user=user), 400
    db.session.commit()
    flash(_("Brukeren %(email)s er deaktivert.", email=user.email), "success")
    return redirect(url_for(".users"))


def warn_without_portfolio(user: User) -> None:
    """A saved contact who answers for no portfolio is named on the list, with the fix."""
    if queries.lacks_portfolio(user):
        flash(_("%(name)s er kontaktperson, men er ikke knyttet til noen %(plural)s.",
                name=user.name, plural=org_label("portfolio_label_plural").lower()), "warning")


# --------------------------------------------------------------------------- portfolios


def load_portfolio(portfolio_id: int) -> Portfolio:
    require_office_or_admin()
    return db.session.get(Portfolio, portfolio_id) or abort(404)


@bp.get("/portfolios")
@login_required
def portfolios():
    """Every portfolio, archived ones too."""
    require_office_or_admin()
    items = db.session.scalars(db.select(Portfolio).order_by(Portfolio.code)).all()
    return render_template("admin/portfolios.html", portfolios=items)


@bp.get("/portfolios/new")
@login_required
def new_portfolio():
    """The empty form for a new portfolio."""
    require_office_or_admin()
    return render_template("admin/portfolio_form.html", form=PortfolioForm(), portfolio=None)


@bp.post("/portfolios/new")
@login_required
def create_portfolio():
    """Create a portfolio."""
    require_office_or_admin()
    form = PortfolioForm()
    if not form.validate_on_submit():
        return render_template("admin/portfolio_form.html", form=form, portfolio=None), 400
    try:
        portfolio = ops.create_portfolio(current_user, form.to_input())
    except ValidationFailed as error:
        return refused("admin/portfolio_form.html", form, error, portfolio=None)
    db.session.commit()
    flash(_("%(name)s er opprettet.", name=portfolio.name_nb), "success")
    return redirect(url_for(".portfolios"))


@bp.get("/portfolios/<int:portfolio_id>/edit")
@login_required
def edit_portfolio(portfolio_id: int):
    """The form with the portfolio's current names."""
    portfolio = load_portfolio(portfolio_id)
    form = PortfolioForm(obj=portfolio)
    return render_template("admin/portfolio_form.html", form=form, portfolio=portfolio)


@bp.post("/portfolios/<int:portfolio_id>/edit")
@login_required
def update_portfolio(portfolio_id: int):
    """Save changes to a portfolio."""
    portfolio = load_portfolio(portfolio_id)
    form = PortfolioForm()
    if not form.validate_on_submit():
        return render_template("admin/portfolio_form.html", form=form, portfolio=portfolio), 400
    try:
        changed = ops.update_portfolio(current_user, portfolio, form.to_input())
    except ValidationFailed as error:
        return refused("admin/portfolio_form.html", form, error, portfolio=portfolio)
    db.session.commit()
    flash(_("Endringene er lagret.") if changed else _("Ingen endringer å lagre."),
          "success" if changed else "info")
    return redirect(url_for(".portfolios"))


@bp.post("/portfolios/<int:portfolio_id>/archive")
@login_required
def archive_portfolio(portfolio_id: int):
    """Hide a portfolio from new choices."""
    portfolio = load_portfolio(portfolio_id)
    ops.archive_portfolio(current_user, portfolio)
    db.session.commit()
    flash(_("%(name)s er arkivert.", name=portfolio.name_nb), "success")
    return redirect(url_for(".portfolios"))


@bp.post("/portfolios/<int:portfolio_id>/unarchive")
@login_required
def unarchive_portfolio(portfolio_id: int):
    """Offer an archived portfolio as a choice again."""
    portfolio = load_portfolio(portfolio_id)
    ops.unarchive_portfolio(current_user, portfolio)
    db.session.commit()
    flash(_("%(name)s er hentet fram fra arkivet.", name=portfolio.name_nb), "success")
    return redirect(url_for(".portfolios"))


# --------------------------------------------------------------------------- settings


def render_settings(form, status: int = 200):
    return render_template("admin/settings.html", form=form, label_keys=LABEL_KEYS,
                           label_texts=LABEL_TEXTS), status


@bp.get("/settings")
@login_required
def settings():
    """The municipality's name and its words for its own structure."""
    require_office_or_admin()
    return render_settings(SettingsForm(data=settings_form_data(organisation())))


@bp.post("/settings")
@login_required
def save_settings():
    """Save the name and labels; pages use the new words from the next request on."""
    require_office_or_admin()
    form = SettingsForm()
    if not form.validate_on_submit():
        return render_settings(form, status=400)
    try:
        changed = ops.update_settings(current_user, name=form.name.data, labels=form.labels())
    except ValidationFailed as error:
        db.session.rollback()
        add_errors(form, error.errors)
        return render_settings(form, status=400)
    db.session.commit()
    flash(_("Innstillingene er lagret.") if changed else _("Ingen endringer å lagre."),
          "success" if changed else "info")
    return redirect(url_for(".settings"))
