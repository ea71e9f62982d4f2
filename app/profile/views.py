"""The profile page: every logged-in user's own details, language and calendar address."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.api.token_pages import token_section
from app.calendar.tokens import active_token_of
from app.extensions import db
from app.profile import operations as ops
from app.profile.forms import CalendarActionForm, FeedAddressForm, LanguageForm

bp = Blueprint("profile", __name__, url_prefix="/profile")


def render_profile(language_form: LanguageForm | None = None, feed_url: str | None = None):
    """The profile page with the given (possibly invalid) language form."""
    return render_template(
        "profile/index.html",
        language_form=language_form or LanguageForm(locale=current_user.locale),
        token=active_token_of(current_user),
        address_form=FeedAddressForm(feed_url=feed_url) if feed_url else None,
        **token_section(),  # the API token section (app/api/token_pages.py)
    )


@bp.get("")
@login_required
def index():
    """The user's name, e-mail and roles, language choice and calendar address."""
    return render_profile()


@bp.post("/language")
@login_required
def language():
    """Store the language the pages are shown in, now and at every later login."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return render_profile(language_form=form), 400
    changed = ops.change_locale(current_user, form.locale.data)
    db.session.commit()
    session["locale"] = form.locale.data  # also overrides this session's earlier choice
    if changed:
        with force_locale(form.locale.data):
            flash(_("Språket er lagret."), "success")
    return redirect(url_for(".index"))


def calendar_action(operation: Callable, message: str):
    """Run one calendar operation for the current user; a new address is shown this once.

    The address is a secret: it is shown in this one response (not kept in the session
    cookie, which is only signed, not encrypted) and never again.
    """
    if not CalendarActionForm().validate_on_submit():
        abort(400)
    token = operation(current_user)
    db.session.commit()
    flash(message, "success")
    if token:
        return render_profile(feed_url=url_for("calendar.feed", token=token, _external=True))
    return redirect(url_for(".index", _anchor="calendar"))


@bp.post("/calendar")
@login_required
def create_calendar():
    """Make the user's private calendar address."""
    return calendar_action(ops.create_calendar_token, _("Kalenderadressen er laget."))


@bp.post("/calendar/regenerate")
@login_required
def regenerate_calendar():
    """Replace the address: the old one stops working at once."""
    return calendar_action(ops.regenerate_calendar_token,
                           _("Du har fått en ny kalenderadresse. Den gamle virker ikke lenger."))


@bp.post("/calendar/revoke")
@login_required
def revoke_calendar():
    """Turn the address off."""
    return calendar_action(ops.revoke_calendar_token, _("Kalenderadressen er slått av."))
