"""Inviting people by e-mail: the account gets no password; the person chooses one through
the one-time link in the invitation (app/auth/account_operations.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import EmailField, RadioField, SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from app.admin.forms import EMAIL_PATTERN, UserForm, _strip
from app.admin.invite_operations import create_invited_user
from app.admin.views import bp, load_user, portfolio_choices, refused, require_admin
from app.auth.account_forms import TotpActionForm
from app.auth.account_operations import invite_user
from app.auth.oidc import local_passwords_allowed, provider_name
from app.errors import ValidationFailed
from app.extensions import db


class UserInviteForm(UserForm):
    """A new account that gets an invitation instead of a password."""

    email = EmailField(_l("E-post"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn e-postadressen.")), Length(max=254),
        Regexp(EMAIL_PATTERN, message=_l("Skriv inn en gyldig e-postadresse."))])
    locale = RadioField(_l("Språk i invitasjonen og på sidene"),
                        choices=[SelectChoice("nb", _l("Norsk bokmål")),
                                 SelectChoice("en", _l("Engelsk"))],
                        default="nb", validators=[InputRequired(_l("Velg språk."))])


def _form_page(form: UserInviteForm, status: int = 200):
    return render_template("admin/user_form.html", form=form, user=None, invite=True,
                           action=url_for("admin.invite_new_user")), status


def _refuse_without_passwords():
    """With password sign-in off, an invitation to choose a password is refused, saying why."""
    if not local_passwords_allowed():
        flash(_("Innlogging med passord er slått av, så ingen invitasjon er sendt. Nye brukere "
                "logger inn med %(name)s; legg dem inn med «Ny bruker» eller gi gruppene deres "
                "en rolle.", name=provider_name()), "error")
        return redirect(url_for(".users"))
    return None


@bp.get("/users/invite")
@login_required
def new_invitation():
    """The form for an account the person sets a password for themselves."""
    require_admin()
    if (refused_ := _refuse_without_passwords()) is not None:
        return refused_
    return _form_page(UserInviteForm(portfolios=portfolio_choices()))


@bp.post("/users/invite")
@login_required
def invite_new_user():
    """Create the account without a password and send the invitation."""
    require_admin()
    if (refused_ := _refuse_without_passwords()) is not None:
        return refused_
    form = UserInviteForm(portfolios=portfolio_choices())
    if not form.validate_on_submit():
        return _form_page(form, 400)
    try:
        user = create_invited_user(current_user, email=form.email.data, name=form.name.data,
                                   roles=set(form.role_set), locale=form.locale.data,
                                   portfolio_ids=set(form.portfolios.data or ()))
    except ValidationFailed as error:
        return refused("admin/user_form.html", form, error, user=None, invite=True,
                       action=url_for("admin.invite_new_user"))
    db.session.commit()
    flash(_("Brukeren %(email)s er opprettet og har fått en invitasjon på e-post.",
            email=user.email), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/invite")
@login_required
def reinvite_user(user_id: int):
    """Send a new invitation (an earlier one stops working)."""
    user = load_user(user_id)
    if (refused_ := _refuse_without_passwords()) is not None:
        return refused_
    if not TotpActionForm().validate_on_submit():
        return redirect(url_for(".edit_user", user_id=user.id))
    invite_user(current_user, user)  # a deactivated account: 409 from the error handler
    db.session.commit()
    flash(_("Ny invitasjon er sendt til %(email)s.", email=user.email), "success")
    return redirect(url_for(".edit_user", user_id=user.id))
