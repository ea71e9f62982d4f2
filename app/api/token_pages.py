"""The API token section of the profile page: make a named token (shown once) or revoke one.

Making a token answers with the profile page itself instead of a redirect: the new token must
not travel in a cookie or a URL, so it is shown in that one response and never again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from app.api import operations as ops
from app.api.tokens import tokens_of
from app.extensions import db
from app.input_guard import single_line
from app.models import ApiToken

bp = Blueprint("api_tokens", __name__, url_prefix="/profile/api-tokens")


class ApiTokenCreateForm(FlaskForm):
    """The name of a new token: what it is for."""

    name = StringField(_l("Hva skal nøkkelen brukes til?"), validators=[
        DataRequired(_l("Gi nøkkelen et navn.")), Length(max=ops.NAME_MAX), single_line])
    valid_days = RadioField(
        _l("Hvor lenge skal nøkkelen virke?"), coerce=int, default=ops.DEFAULT_VALID_DAYS,
        choices=[SelectChoice(30, _l("30 dager")), SelectChoice(90, _l("90 dager")),
                 SelectChoice(180, _l("180 dager")), SelectChoice(365, _l("Ett år"))],
        validators=[DataRequired(_l("Velg hvor lenge nøkkelen skal virke."))])


class ApiTokenRevokeForm(FlaskForm):
    """Revoke a token: no input beyond the CSRF token."""


class NewTokenForm(Form):
    """Shows a new token once, read-only, so it can be selected and copied."""

    api_token = StringField(_l("Din nye API-nøkkel"))


def token_section() -> dict:
    """What the profile page needs to show the user's API tokens."""
    new_token = g.get("new_api_token")
    return {"api_tokens": tokens_of(current_user),
            "api_token_form": g.get("api_token_form") or ApiTokenCreateForm(formdata=None),
            "new_api_token": NewTokenForm(api_token=new_token) if new_token else None}


def profile_page(status: int = 200):
    """The profile page (its view adds token_section to its context)."""
    from app.profile.views import render_profile

    return render_profile(), status


@bp.post("")
@login_required
def create():
    """Make a named token for the current user and show it, this once."""
    form = ApiTokenCreateForm()
    if not form.validate_on_submit():
        g.api_token_form = form
        return profile_page(400)
    token, _record = ops.create_api_token(current_user, form.name.data,
                                          valid_days=form.valid_days.data)
    db.session.commit()
    g.new_api_token = token
    flash(_("API-nøkkelen er laget. Kopier den nå: den vises bare denne ene gangen."), "success")
    return profile_page()


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    """Turn one of the user's tokens off; systems using it get 401 from now on."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != current_user.id:
        abort(404)
    if not ApiTokenRevokeForm().validate_on_submit():
        abort(400)
    ops.revoke_api_token(current_user, record)
    db.session.commit()
    flash(_("API-nøkkelen «%(name)s» er trukket tilbake.", name=record.name), "success")
    return redirect(url_for("profile.index", _anchor="api-tokens"))
