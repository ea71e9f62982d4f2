"""Forms for steering a cycle: clone, lifecycle steps, handover and bulk actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class CloneCycleForm(FlaskForm):
    """Next year's cycle from this one."""

    year = IntegerField(_l("År for den nye gjennomgangen"), validators=[
        InputRequired(_l("Oppgi et årstall.")),
        NumberRange(min=2000, max=2100, message=_l("Oppgi et årstall mellom 2000 og 2100."))])


class CycleTransitionForm(FlaskForm):
    """One lifecycle step, with a reason where the step needs one."""

    transition = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(_l("Begrunnelse"), validators=[Length(max=2000)])


class HandoverForm(FlaskForm):
    """A new contact takes over a portfolio from the old one."""

    portfolio = SelectField(_l("Avdeling"), coerce=int, validators=[InputRequired()])
    old_user = SelectField(_l("Nåværende kontaktperson"), coerce=int,
                           validators=[InputRequired()])
    new_user = SelectField(_l("Ny kontaktperson"), coerce=int, validators=[InputRequired()])


class BulkForm(FlaskForm):
    """Several assessments at once: approve them, or give them to one contact."""

    assessment_ids = SelectMultipleField(_l("Vurderinger"), coerce=int,
                                         validators=[DataRequired(_l("Velg minst én vurdering."))])
    action = SelectField(_l("Handling"), choices=[
        SelectChoice("approve", _l("Godkjenn")),
        SelectChoice("reassign", _l("Gi til kontaktperson")),
        SelectChoice("remind", _l("Send påminnelse nå"))])
    user = SelectField(_l("Kontaktperson"), coerce=int, validators=[Optional()])


class UnchangedForm(FlaskForm):
    """Confirm last year's assessment as this year's."""

    unchanged_comment = TextAreaField(_l("Kort begrunnelse for at ingenting er endret"),
                                      validators=[Length(max=1000)])
