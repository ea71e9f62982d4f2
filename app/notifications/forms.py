"""Forms for the mail pages: a template's wording, and the mail log's filters."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from app.notifications.operations import template_errors
from app.notifications.rendering import TemplateError

INVALID_CHOICE = _l("Ugyldig valg.")


def template_error_message(error: TemplateError, allowed) -> str:
    """The Norwegian explanation of why a template can not be saved."""
    names = ", ".join(f"{{{name}}}" for name in allowed)
    if error.code == "unknown":
        return _("Ukjent flettefelt: %(names)s. Tillatte flettefelt er %(allowed)s.",
                 names=", ".join(f"{{{n}}}" for n in error.names), allowed=names)
    if error.code == "complex":
        return _("Flettefelt kan bare være et navn i krøllparenteser, for eksempel {arena}. "
                 "Tillatte flettefelt er %(allowed)s.", allowed=names)
    if error.code == "line_break":
        return _("Emnet kan ikke ha linjeskift.")
    return _("Teksten har en krøllparentes som ikke er åpnet eller lukket riktig. Skriv {{ og }} "
             "for å vise en krøllparentes.")


class MailTemplateForm(FlaskForm):
    """The subject and body of one template in one language."""

    subject = StringField(_l("Emne"), validators=[DataRequired(_l("Skriv et emne.")),
                                                 Length(max=300)])
    body = TextAreaField(_l("Tekst"), validators=[DataRequired(_l("Skriv en tekst.")),
                                                  Length(max=20000)])

    def __init__(self, *args, placeholders=(), key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholders = tuple(placeholders)
        self.key = key

    def validate_subject(self, field):
        """Only this template's placeholders, well-formed, on one line."""
        self._check(field, "subject")

    def validate_body(self, field):
        """Only this template's placeholders, well-formed."""
        self._check(field, "body")

    def _check(self, field, name: str) -> None:
        subject, body = self.subject.data or "", (self.body.data or "").replace("\r\n", "\n")
        error = template_errors(self.key, subject, body).get(name)
        if error is not None:
            raise ValidationError(template_error_message(error, self.placeholders))


class MailLogFilterForm(FlaskForm):
    """The log's filters (a GET form: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), invalid_choice_message=INVALID_CHOICE, default="")
    kind = SelectField(_l("Type"), invalid_choice_message=INVALID_CHOICE, default="")
    person = SelectField(_l("Mottaker"), invalid_choice_message=INVALID_CHOICE, default="")
    assessment = SelectField(_l("Vurdering"), invalid_choice_message=INVALID_CHOICE, default="")

    def set_choices(self, statuses, kinds, people, assessments) -> None:
        """Fill the choices: each list holds (value, text) pairs; "" means all."""
        everything = SelectChoice("", _("Alle"))
        for field, pairs in ((self.status, statuses), (self.kind, kinds),
                             (self.person, people), (self.assessment, assessments)):
            field.choices = [everything] + [SelectChoice(str(v), str(t)) for v, t in pairs]
