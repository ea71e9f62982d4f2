"""Forms of the document pages: assemble, publish, settings and the sentence templates."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.documents.sentences import (
    DEFAULTS,
    LOCALES,
    SENTENCE_KEYS,
    formatted_placeholders,
    template_errors,
)
from app.models import PartOrder

TEXT_MAX = 20_000
SENTENCE_MAX = 1_000
LANGUAGE_CHOICES = [SelectChoice("nb", _l("Norsk bokmål")), SelectChoice("en", _l("Engelsk"))]


class AssembleForm(FlaskForm):
    """Which language to assemble the document in."""

    locale = RadioField(_l("Språk i dokumentet"), choices=LANGUAGE_CHOICES, default="nb",
                        validators=[InputRequired()])


class PublishForm(FlaskForm):
    """Publishing a version needs nothing but the CSRF token."""


class ParagraphsForm(FlaskForm):
    """The office's own wording of an arena's three generated paragraphs."""

    opening = TextAreaField(_l("Beskrivelse og ansvar"), validators=[Length(max=TEXT_MAX)])
    participation = TextAreaField(_l("Deltakelse"), validators=[Length(max=TEXT_MAX)])
    gain = TextAreaField(_l("Utbytte og verdi"), validators=[Length(max=TEXT_MAX)])


class DocumentSettingsForm(FlaskForm):
    """The introduction, the order of the arenas and the date printed on the document."""

    title = StringField(_l("Tittel"), validators=[Length(max=300)])
    reference_label = StringField(_l("Ledetekst for referansen"), validators=[Length(max=100)])
    council_basis = StringField(_l("Grunnlaget for politisk behandling"),
                                validators=[Length(max=500)])
    show_council_details = BooleanField(_l("Vis saksnummer og avstemning ved vedtakene"))
    show_statistics = BooleanField(_l("Ta med statistikk i vedlegget"))
    introduction_nb = TextAreaField(_l("Innledning (bokmål)"), validators=[Length(max=TEXT_MAX)])
    introduction_en = TextAreaField(_l("Innledning (engelsk)"), validators=[Length(max=TEXT_MAX)])
    part_order = RadioField(_l("Rekkefølge på arenaene"), choices=[
        SelectChoice(PartOrder.ALPHABETICAL.value, _l("Alfabetisk")),
        SelectChoice(PartOrder.CUSTOM.value, _l("Kontorets egen rekkefølge")),
    ], validators=[InputRequired()])
    document_date = DateField(_l("Dato på dokumentet"), validators=[Optional()])

    def values(self) -> dict:
        """The form as the operation's input."""
        return {
            "title": (self.title.data or "").strip(),
            "reference_label": (self.reference_label.data or "").strip(),
            "council_basis": (self.council_basis.data or "").strip(),
            "show_council_details": bool(self.show_council_details.data),
            "show_statistics": bool(self.show_statistics.data),
            "introduction_nb": (self.introduction_nb.data or "").strip(),
            "introduction_en": (self.introduction_en.data or "").strip(),
            "part_order": PartOrder(self.part_order.data),
            "document_date": self.document_date.data,
        }


SENTENCE_LABELS = {
    "title": _l("Tittel"),
    "part1_intro": _l("Innledning til del 1"),
    "part2_intro": _l("Innledning til del 2"),
    "part2_intro_one": _l("Innledning til del 2 (én vennskapsby)"),
    "responsible": _l("Hvem som har ansvaret"),
    "recommendation.continue": _l("Anbefaling: videreføre"),
    "recommendation.continue_and_strengthen": _l("Anbefaling: videreføre og styrke"),
    "recommendation.terminate": _l("Anbefaling: avslutte"),
    "recommendation.join": _l("Anbefaling: melde inn"),
    "recommendation.consider_joining": _l("Anbefaling: vurdere innmelding"),
    "decision.continue": _l("Vedtak: videreføre"),
    "decision.continue_and_strengthen": _l("Vedtak: videreføre og styrke"),
    "decision.terminate": _l("Vedtak: avslutte"),
    "decision.join": _l("Vedtak: melde inn"),
    "decision.consider_joining": _l("Vedtak: vurdere innmelding"),
    "case": _l("Saken i det folkevalgte organet"),
    "vote": _l("Avstemningen"),
}
LOCALE_NAMES = {"nb": _l("bokmål"), "en": _l("engelsk")}


def sentence_field_name(key: str, locale: str) -> str:
    """The form field name of one sentence in one language, e.g. 'nb_decision_join'."""
    return f"{locale}_{key.replace('.', '_')}"


def _check_template(key: str):
    def check(_form, field):
        if field.data and (formatted := formatted_placeholders(field.data)):
            raise ValidationError(_(
                "En plassholder kan bare inneholde et navn i klammer, uten formatering: "
                "skriv for eksempel {%(name)s} i stedet for %(written)s.",
                name=formatted[0].strip("{}").split("!")[0].split(":")[0],
                written=formatted[0]))
        problems = template_errors(key, (field.data or "").strip()) if field.data else []
        if problems:
            raise ValidationError("; ".join(problems))

    return check


def sentences_form_class() -> type[FlaskForm]:
    """A form with one text field per sentence and language."""
    attrs = {}
    for key in SENTENCE_KEYS:
        for locale in LOCALES:
            label = f"{SENTENCE_LABELS[key]} ({LOCALE_NAMES[locale]})"
            attrs[sentence_field_name(key, locale)] = TextAreaField(
                label, validators=[Length(max=SENTENCE_MAX), _check_template(key)])
    return type("SentencesForm", (FlaskForm,), attrs)


def sentence_fields(form: FlaskForm) -> list[tuple[str, str, object]]:
    """(key, locale, field) for every sentence field, in the document's order."""
    return [(key, locale, form[sentence_field_name(key, locale)])
            for key in SENTENCE_KEYS for locale in LOCALES]


def sentence_texts(form: FlaskForm) -> dict[tuple[str, str], str]:
    """The submitted sentences keyed (key, locale)."""
    return {(key, locale): field.data or "" for key, locale, field in sentence_fields(form)}


def sentence_form_data(overrides: dict[tuple[str, str], str]) -> dict[str, str]:
    """Initial values: the cycle's own wording, else the default."""
    return {sentence_field_name(k, loc): overrides.get((k, loc), DEFAULTS[loc][k])
            for k in SENTENCE_KEYS for loc in LOCALES}
