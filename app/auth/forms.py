"""Login form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-post"), validators=[DataRequired(_l("Skriv inn e-postadressen din.")),
                                                Length(max=254)])
    password = PasswordField(_l("Passord"), validators=[DataRequired(_l("Skriv inn passordet."))])
    next = HiddenField()
