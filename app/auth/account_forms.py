"""Forms for invitations, forgotten passwords and the second factor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.account_operations import PASSWORD_MAX, PASSWORD_MIN


class ForgotPasswordForm(FlaskForm):
    """The e-mail address to send a link to."""

    email = EmailField(_l("E-post"), validators=[DataRequired(_l("Skriv inn e-postadressen din.")),
                                                Length(max=254)])


class NewPasswordForm(FlaskForm):
    """The password a person chooses, typed twice."""

    password = PasswordField(_l("Nytt passord"), validators=[
        DataRequired(_l("Skriv inn et passord.")),
        Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
               message=_l("Passordet må ha minst 10 og høyst 200 tegn."))])
    confirm = PasswordField(_l("Gjenta passordet"), validators=[
        DataRequired(_l("Skriv passordet en gang til.")),
        EqualTo("password", message=_l("Passordene er ikke like."))])


class SecondFactorForm(FlaskForm):
    """A code from the authenticator app (or a recovery code)."""

    code = StringField(_l("Kode"), validators=[DataRequired(_l("Skriv inn koden.")),
                                               Length(max=20)])
    next = HiddenField()


class TotpActionForm(FlaskForm):
    """Start setting up the second factor: no input beyond the CSRF token."""
