"""Profile forms: the language choice, the calendar buttons and the one-time address box."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired


class LanguageForm(FlaskForm):
    """Which language the pages are shown in (stored on the user)."""

    locale = RadioField(_l("Språk"), choices=[SelectChoice("nb", _l("Norsk bokmål")),
                                              SelectChoice("en", _l("Engelsk"))],
                        validators=[InputRequired(_l("Velg språk."))])


class CalendarActionForm(FlaskForm):
    """Create, regenerate or revoke the calendar address: no input beyond the CSRF token."""


class FeedAddressForm(Form):
    """Shows a new feed address once, read-only, so it can be selected and copied."""

    feed_url = StringField(_l("Kalenderadresse"))
