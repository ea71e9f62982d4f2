"""Pages for accounts without single sign-on: a one-time link to set a password, "Glemt
passord?", the second-factor code at sign-in and setting up the authenticator app.

Registered on the auth blueprint (app/auth/__init__.py imports this module).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import account_operations as ops
from app.auth import oidc, throttle, totp
from app.auth.account_challenge import PENDING, pending_user
from app.auth.account_forms import (
    ForgotPasswordForm,
    NewPasswordForm,
    SecondFactorForm,
    TotpActionForm,
)
from app.auth.sessions import start_session
from app.auth.views import bp
from app.errorpages import render_error
from app.errors import ValidationFailed
from app.extensions import db
from app.main import safe_next
from app.templating import organisation

# What an administrator who must set up a second factor can still reach.
OPEN_BEFORE_SETUP = frozenset({"static", "favicon", "auth.login", "auth.logout",
                               "auth.totp_setup", "auth.totp_start", "auth.totp_confirm"})


def _address() -> str:
    return request.remote_addr or "unknown"


def _passwords_off():
    """The answer of every password page while single sign-on is the only way in: 403 naming
    the way that works (a link to set a password nobody can use would only confuse)."""
    return render_error(403, _("Innlogging med passord er slått av. Bruk «Logg inn med "
                               "%(name)s».", name=oidc.provider_name()))


def _private(page: str, status: int = 200):
    """A page whose address or text holds a secret: never cached, never sent as a referrer."""
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


# --------------------------------------------------------------------------- forgotten password


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a link to set a new password; the answer never tells if the address is known."""
    if not oidc.local_passwords_allowed():
        return _passwords_off()
    form = ForgotPasswordForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/forgot_password.html", form=form), status
    allowed = ops.reset_allowed(form.email.data, _address())
    if allowed:
        ops.request_password_reset(form.email.data, _address())
    db.session.commit()  # the counters, the token and the mail in the outbox
    if not allowed:
        return render_error(429)
    return render_template("auth/forgot_password_sent.html")


# --------------------------------------------------------------------------- the one-time link


@bp.route("/account/<token>", methods=["GET", "POST"])
def account_link(token: str):
    """Set one's own password through an invitation or a forgotten-password link."""
    if not oidc.local_passwords_allowed():
        return _passwords_off()
    record = ops.find_valid_token(token)
    if record is None:
        return _private(render_template("auth/link_invalid.html"), 404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = ops.set_password_with_token(token, form.password.data)
        except ValidationFailed:
            user = None
            form.password.errors.append(_("Passordet må ha minst 10 og høyst 200 tegn."))
        if user is not None:
            db.session.commit()
            logout_user()  # whoever was signed in here: their session ended with the others
            session.pop(PENDING, None)
            flash(_("Passordet er lagret. Logg inn med e-postadressen din og det nye "
                    "passordet."), "success")
            return redirect(url_for("auth.login"))
        db.session.rollback()
        if not form.password.errors:
            return _private(render_template("auth/link_invalid.html"), 404)
    page = render_template("auth/set_password.html", form=form, record=record)
    return _private(page, 400 if form.errors else 200)


# --------------------------------------------------------------------------- second factor


def _held_message(until) -> str:
    return _("Kontoen har hatt for mange feil forsøk på rad. Innlogging er holdt tilbake til "
             "kl. %(time)s.", time=format_time(until, "short"))


def _check_code(user, form: SecondFactorForm) -> tuple[bool, str | None]:
    """(signed in?, the error to show); every attempt is counted and committed."""
    allowed = throttle.address_allowed(_address())
    held = throttle.held_until(user)
    passed = False
    if allowed and not held and form.validate_on_submit():
        passed = ops.check_second_factor(user, form.code.data, _address())
        if passed:
            throttle.record_success(user)
        elif throttle.record_failure(user, _address()):
            held = throttle.held_until(user)
    db.session.commit()
    if not allowed:
        abort(429)
    if held:
        return False, _held_message(held)
    return passed, None if passed or form.errors else _("Koden stemmer ikke. Prøv igjen.")


@bp.route("/second-factor", methods=["GET", "POST"])
def second_factor():
    """The code from the authenticator app, after a right password."""
    user, next_url = pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Logg inn med e-post og passord først."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if request.method == "POST":
        passed, error = _check_code(user, form)
        if passed:
            session.clear()  # a fresh session on sign-in (no fixation)
            login_user(user)
            start_session()
            return redirect(safe_next(next_url, url_for("main.index")))
        if error:
            form.code.errors = [*form.code.errors, error]
    status = 400 if form.errors else 200
    return render_template("auth/second_factor.html", form=form), status


# --------------------------------------------------------------------------- setting it up


@bp.get("/totp")
@login_required
def totp_setup():
    """Set up the authenticator app: the secret as a QR code and as text, then a code."""
    secret = current_user.totp_secret if not current_user.has_totp else None
    uri = totp.provisioning_uri(secret, current_user.email, organisation().name) if secret else ""
    return render_template(
        "auth/totp_setup.html", secret=secret, grouped=totp.grouped(secret or ""),
        qr=totp.qr_svg(uri, _("QR-kode for autentiseringsappen")) if secret else None,
        form=SecondFactorForm(), start_form=TotpActionForm(),
        required=ops.totp_required(current_user), codes=None)


@bp.post("/totp/start")
@login_required
def totp_start():
    """Make a new secret to scan (replacing one not yet confirmed)."""
    if not TotpActionForm().validate_on_submit():
        abort(400)
    ops.start_totp_setup(current_user)
    db.session.commit()
    return redirect(url_for(".totp_setup"))


@bp.post("/totp/confirm")
@login_required
def totp_confirm():
    """Switch the second factor on with a first code; the recovery codes are shown once."""
    if current_user.has_totp or not current_user.totp_secret:  # nothing is being set up
        return redirect(url_for(".totp_setup"))
    form = SecondFactorForm()
    codes = ops.confirm_totp(current_user, form.code.data) if form.validate_on_submit() else None
    if codes is None:
        db.session.rollback()
        if not form.errors:
            form.code.errors.append(_("Koden stemmer ikke. Sjekk at klokken på telefonen går "
                                      "riktig, og prøv den neste koden."))
        secret = current_user.totp_secret
        uri = totp.provisioning_uri(secret, current_user.email, organisation().name)
        return render_template(
            "auth/totp_setup.html", secret=secret, grouped=totp.grouped(secret), form=form,
            qr=totp.qr_svg(uri, _("QR-kode for autentiseringsappen")), codes=None,
            start_form=TotpActionForm(), required=ops.totp_required(current_user)), 400
    db.session.commit()
    flash(_("Tofaktorinnlogging er slått på."), "success")
    return _private(render_template("auth/totp_setup.html", secret=None, codes=codes,
                                    form=None, qr=None, start_form=None, required=False))


@bp.post("/totp/disable")
@login_required
def totp_disable():
    """Switch the second factor off, with a current code."""
    form = SecondFactorForm()
    if form.validate_on_submit() and ops.disable_totp(current_user, form.code.data):
        db.session.commit()
        flash(_("Tofaktorinnlogging er slått av."), "success")
    else:
        db.session.rollback()
        flash(_("Koden stemmer ikke. Tofaktorinnlogging er fortsatt på."), "error")
    return redirect(url_for("profile.index", _anchor="totp"))


@bp.app_template_global("totp_required")
def totp_required_for_current_user() -> bool:
    """For the profile page: may this person switch the second factor off?"""
    return current_user.is_authenticated and ops.totp_required(current_user)


@bp.before_app_request
def require_second_factor():
    """An administrator who must have a second factor sets it up before anything else."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_BEFORE_SETUP:
        return None
    if not current_user.is_authenticated or current_user.has_totp:
        return None
    if not ops.totp_required(current_user):
        return None
    flash(_("Som administrator må du slå på tofaktorinnlogging før du kan fortsette."), "info")
    return redirect(url_for("auth.totp_setup"))
