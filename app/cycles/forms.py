"""Cycle settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class CycleSettingsForm(FlaskForm):
    """Title, deadlines and whether the byråd signs off."""

    title = StringField(_l("Tittel"), validators=[DataRequired(_l("Skriv en tittel.")),
                                                  Length(max=300)])
    submission_deadline = DateField(_l("Frist for innsending"), validators=[Optional()])
    review_deadline = DateField(_l("Frist for behandling"), validators=[Optional()])
    council_meeting_date = DateField(_l("Møtedato i folkevalgt organ"), validators=[Optional()])
    requires_sign_off = BooleanField(_l("Lederen for avdelingen godkjenner vurderingene før de "
                                        "behandles"))

    def validate_review_deadline(self, field):
        start = self.submission_deadline.data
        if field.data and start and field.data < start:
            raise ValidationError(
                _l("Fristen for behandling kan ikke være før innsendingsfristen."))
