"""Arena register forms: the arena's facts and the register's filter."""

from __future__ import annotations

from dataclasses import fields

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Form,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app import labels
from app.arenas.operations import EARLIEST_YEAR, KEY_PATTERN, STATUSES_AT_CREATION, ArenaInput
from app.assessments.forms import MultiCheckboxField
from app.clock import today
from app.input_guard import single_line
from app.models import Arena, ArenaKind, ArenaStatus, Portfolio
from app.templating import locale_code, org_label

TEXT_MAX = 10_000
# Field names as people read them: the form's labels and the change log's column of fields.
FIELD_LABELS = {
    "key": _l("Nøkkel"),
    "name": _l("Navn"),
    "kind": _l("Type arena"),
    "description_nb": _l("Beskrivelse (bokmål)"),
    "description_en": _l("Beskrivelse (engelsk)"),
    "portfolio_ids": _l("Ansvar"),
    "executing_unit": _l("Utførende enhet"),
    "via": _l("Medlemskap via"),
    "membership_type": _l("Medlemskapstype"),
    "member_since": _l("Medlem siden (år)"),
    "yearly_cost": _l("Årlig kostnad (kr)"),
    "contact_persons": _l("Kontaktpersoner"),
    "sort_order": _l("Sorteringsrekkefølge"),
    "status": _l("Status"),
    "is_archived": _l("Arkivert"),
}


def _choices(mapping) -> list[SelectChoice]:
    return [SelectChoice(key.value, text) for key, text in mapping.items()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def error_message(field: str, code: str) -> str:
    """The Norwegian message for an error code an operation raised on `field`."""
    if field == "portfolio_ids":
        from app.templating import is_neuter

        word = org_label("portfolio_label").lower()
        if is_neuter("portfolio_label"):
            return _("Velg minst ett %(label)s.", label=word)
        return _("Velg minst én %(label)s.", label=word)
    if field == "member_since":
        return _("Oppgi et årstall fra %(min)s til %(max)s.", min=EARLIEST_YEAR,
                 max=today().year + 1)
    messages = {
        ("key", "taken"): _("Nøkkelen er allerede i bruk av en annen arena. Velg en annen."),
        ("key", "invalid"): _("Bruk bare små bokstaver a–z, tall og bindestrek."),
        ("name", "taken"): _("Det finnes allerede en arena med dette navnet."),
        ("name", "required"): _("Skriv inn navnet på arenaen."),
        ("yearly_cost", "negative"): _("Oppgi et beløp i hele kroner, 0 eller mer."),
    }
    return messages.get((field, code), _("Ugyldig verdi."))


class ArenaForm(FlaskForm):
    """The facts of an arena the council office keeps in the register."""

    key = StringField(FIELD_LABELS["key"], filters=[_strip], validators=[
        DataRequired(_l("Skriv inn en nøkkel.")), Length(max=80),
        Regexp(KEY_PATTERN, message=_l("Bruk bare små bokstaver a–z, tall og bindestrek."))])
    name = StringField(FIELD_LABELS["name"], filters=[_strip], validators=[
        DataRequired(_l("Skriv inn navnet på arenaen.")), Length(max=300), single_line])
    kind = RadioField(FIELD_LABELS["kind"], choices=_choices(labels.ARENA_KIND_LABELS),
                      validators=[InputRequired(_l("Velg type arena."))])
    description_nb = TextAreaField(FIELD_LABELS["description_nb"],
                                   validators=[Length(max=TEXT_MAX)])
    description_en = TextAreaField(FIELD_LABELS["description_en"],
                                   validators=[Length(max=TEXT_MAX)])
    portfolio_ids = MultiCheckboxField("", coerce=int, invalid_choice_message=_l("Ugyldig valg."),
                                       invalid_value_message=_l("Ugyldig valg."))
    executing_unit = StringField(FIELD_LABELS["executing_unit"], filters=[_strip],
                                 validators=[Length(max=300), single_line])
    via = StringField(FIELD_LABELS["via"], filters=[_strip],
                      validators=[Length(max=300), single_line])
    membership_type = StringField(FIELD_LABELS["membership_type"], filters=[_strip],
                                  validators=[Length(max=200)])
    member_since = IntegerField(FIELD_LABELS["member_since"], validators=[Optional()])
    yearly_cost = IntegerField(FIELD_LABELS["yearly_cost"], validators=[
        Optional(), NumberRange(min=0, max=10**9,
                                message=_l("Oppgi et beløp i hele kroner, 0 eller mer."))])
    contact_persons = TextAreaField(FIELD_LABELS["contact_persons"],
                                    validators=[Length(max=2000)])
    sort_order = IntegerField(FIELD_LABELS["sort_order"], validators=[
        Optional(), NumberRange(min=0, max=100_000, message=_l("Oppgi et tall fra 0 og oppover."))])

    def __init__(self, *args, portfolios: list[Portfolio] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio_ids.label.text = _("Ansvarlig %(label)s",
                                          label=org_label("portfolio_label").lower())
        self.portfolio_ids.flags.required = True  # checked in validate_portfolio_ids
        self.portfolio_ids.choices = [SelectChoice(p.id, f"{p.name(locale_code())} ({p.code})")
                                      for p in portfolios]

    def validate_portfolio_ids(self, field) -> None:
        if not field.data:
            raise ValidationError(error_message("portfolio_ids", "required"))

    def validate_member_since(self, field) -> None:
        if field.data is not None and not EARLIEST_YEAR <= field.data <= today().year + 1:
            raise ValidationError(error_message("member_since", "out_of_range"))

    def to_input(self) -> ArenaInput:
        """The validated form as the operations' input."""
        return ArenaInput(
            key=self.key.data, name=self.name.data, kind=ArenaKind(self.kind.data),
            portfolio_ids=frozenset(self.portfolio_ids.data or ()),
            description_nb=self.description_nb.data or "",
            description_en=self.description_en.data or "",
            executing_unit=self.executing_unit.data or "", via=self.via.data or "",
            membership_type=self.membership_type.data or "",
            member_since=self.member_since.data, yearly_cost=self.yearly_cost.data,
            contact_persons=self.contact_persons.data or "", sort_order=self.sort_order.data,
        )

    def add_errors(self, errors: dict[str, str]) -> None:
        """Show an operation's refusals next to the fields they concern."""
        for name, code in errors.items():
            target = self._fields.get(name)
            if target is None:
                self.form_errors.append(error_message(name, code))
            else:
                target.errors = [*target.errors, error_message(name, code)]


class ArenaCreateForm(ArenaForm):
    """A new arena also gets its starting status: proposed or already a member."""

    status = RadioField(FIELD_LABELS["status"], default=ArenaStatus.MEMBER.value,
                        choices=[SelectChoice(s.value, labels.ARENA_STATUS_LABELS[s])
                                 for s in STATUSES_AT_CREATION],
                        validators=[InputRequired(_l("Velg status."))])


def arena_form_data(arena: Arena) -> dict:
    """Initial form values from a stored arena."""
    data = {f.name: getattr(arena, f.name) for f in fields(ArenaInput)}
    data["kind"] = arena.kind.value
    data["portfolio_ids"] = sorted(arena.portfolio_ids)
    return data


class ArenaFilterForm(Form):
    """The register's filter (GET parameters, so no CSRF token)."""

    show = SelectField(_l("Vis"), default="active", choices=[
        SelectChoice("active", _l("Aktive arenaer")),
        SelectChoice("archived", _l("Arkiverte arenaer")),
        SelectChoice("all", _l("Alle arenaer"))])
    portfolio = SelectField("", default="")

    def __init__(self, *args, portfolios: list[Portfolio] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.portfolio.label.text = org_label("portfolio_label")
        self.portfolio.choices = [SelectChoice("", _("Alle"))] + [
            SelectChoice(p.code, f"{p.name(locale_code())} ({p.code})") for p in portfolios]
