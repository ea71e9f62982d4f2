"""Administration forms: users, portfolios and the municipality's settings."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.admin.operations import PORTFOLIO_CODE_PATTERN, PortfolioInput, UserChanges
from app.assessments.forms import MultiCheckboxField
from app.labels import GENDERED_KEYS
from app.models import LABEL_KEYS, Organisation, Portfolio, User
from app.models.organisation import DEFAULT_LABELS
from app.templating import label_gender, locale_code, org_label, role_label
from workflows.roles import Role

PASSWORD_MIN = 10
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
INVALID_CHOICE = _l("Ugyldig valg.")


class UserFilterForm(FlaskForm):
    """The user list's search and role filter (a GET form: no CSRF token, nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Søk etter navn eller e-post"), filters=[lambda v: _strip(v) or ""],
                    validators=[Length(max=100, message=_l("Skriv høyst 100 tegn."))])
    role = SelectField(_l("Rolle"), invalid_choice_message=INVALID_CHOICE, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", _("Alle roller"))] + [
            SelectChoice(r.value, role_label(r)) for r in Role]

    @property
    def wanted_role(self) -> Role | None:
        return Role(self.role.data) if self.role.data else None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def error_message(field: str, code: str) -> str:
    """The Norwegian message for an error code an operation raised on `field`."""
    messages = {
        ("email", "taken"): _("Det finnes allerede en bruker med denne e-postadressen."),
        ("roles", "own_admin"): _("Du kan ikke fjerne din egen administratorrolle."),
        ("is_active", "self"): _("Du kan ikke deaktivere din egen brukerkonto."),
        ("code", "taken"): _("Koden er allerede i bruk. Velg en annen."),
        ("code", "invalid"): _("Bruk 1–20 bokstaver, tall, bindestrek eller understrek."),
        ("name", "required"): _("Skriv inn et navn."),
        ("name_nb", "required"): _("Skriv inn navnet på bokmål."),
    }
    if code == "required":
        return messages.get((field, code), _("Feltet må fylles ut."))
    return messages.get((field, code), _("Ugyldig verdi."))


def add_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show an operation's refusals next to the fields they concern."""
    for name, code in errors.items():
        target = form._fields.get(name)
        if target is None:
            form.form_errors.append(error_message(name, code))
        else:
            target.errors = [*target.errors, error_message(name, code)]


def portfolio_choice(portfolio: Portfolio) -> SelectChoice:
    return SelectChoice(portfolio.id, f"{portfolio.name(locale_code())} ({portfolio.code})")


# --------------------------------------------------------------------------- users


class UserForm(FlaskForm):
    """What every user has: a name, roles and the portfolios they answer for."""

    name = StringField(_l("Navn"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn et navn.")), Length(max=200)])
    roles = MultiCheckboxField(_l("Roller"), invalid_choice_message=INVALID_CHOICE)
    portfolios = MultiCheckboxField("", coerce=int, invalid_choice_message=INVALID_CHOICE,
                                    invalid_value_message=INVALID_CHOICE)

    def __init__(self, *args, portfolios: list[Portfolio] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [SelectChoice(r.value, role_label(r)) for r in Role]
        self.portfolios.label.text = org_label("portfolio_label_plural")
        self.portfolios.choices = [portfolio_choice(p) for p in portfolios]

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(Role(r) for r in self.roles.data or ())


class UserCreateForm(UserForm):
    """A new account."""

    email = EmailField(_l("E-post"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn e-postadressen.")), Length(max=254),
        Regexp(EMAIL_PATTERN, message=_l("Skriv inn en gyldig e-postadresse."))])
    password = PasswordField(_l("Passord"), validators=[
        DataRequired(_l("Skriv inn et passord.")),
        Length(min=PASSWORD_MIN, message=_l("Passordet må ha minst 10 tegn."))])


class UserEditForm(UserForm):
    """Changes to an existing account (the e-mail stays)."""

    is_active = BooleanField(_l("Aktiv (kan logge inn)"))
    locale = RadioField(_l("Språk"), choices=[SelectChoice("nb", _l("Norsk bokmål")),
                                              SelectChoice("en", _l("Engelsk"))],
                        validators=[InputRequired(_l("Velg språk."))])
    new_password = PasswordField(_l("Nytt passord"), validators=[
        Optional(), Length(min=PASSWORD_MIN, message=_l("Passordet må ha minst 10 tegn."))])

    def to_changes(self) -> UserChanges:
        """The validated form as the operation's input."""
        return UserChanges(name=self.name.data, roles=self.role_set,
                           portfolio_ids=frozenset(self.portfolios.data or ()),
                           is_active=bool(self.is_active.data), locale=self.locale.data,
                           password=self.new_password.data or "")


def user_form_data(user: User) -> dict:
    """Initial edit-form values from a stored user."""
    return {"name": user.name, "roles": sorted(r.value for r in user.roles),
            "portfolios": sorted(user.portfolio_ids), "is_active": user.is_active_user,
            "locale": user.locale}


# --------------------------------------------------------------------------- portfolios


class PortfolioForm(FlaskForm):
    """A portfolio's code, names and head title."""

    code = StringField(_l("Kode"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn en kode.")),
        Regexp(PORTFOLIO_CODE_PATTERN,
               message=_l("Bruk 1–20 bokstaver, tall, bindestrek eller understrek."))])
    name_nb = StringField(_l("Navn (bokmål)"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn navnet på bokmål.")), Length(max=200)])
    name_en = StringField(_l("Navn (engelsk)"), filters=[_strip], validators=[Length(max=200)])
    head_title_nb = StringField(_l("Tittel på leder (bokmål)"), filters=[_strip],
                                validators=[Length(max=200)])
    head_title_en = StringField(_l("Tittel på leder (engelsk)"), filters=[_strip],
                                validators=[Length(max=200)])

    def to_input(self) -> PortfolioInput:
        """The validated form as the operations' input."""
        return PortfolioInput(code=self.code.data, name_nb=self.name_nb.data,
                              name_en=self.name_en.data or "",
                              head_title_nb=self.head_title_nb.data or "",
                              head_title_en=self.head_title_en.data or "")


# --------------------------------------------------------------------------- settings

# (what the word names, an example) for each label key
LABEL_TEXTS = {
    "portfolio_label": (_l("Enheten som følger opp arenaer, entall"),
                        _l("For eksempel «Kommunalområde», «Sektor» eller «Tjenesteområde».")),
    "portfolio_label_plural": (_l("Enheten som følger opp arenaer, flertall"),
                               _l("For eksempel «Kommunalområder» eller «Sektorer».")),
    "head_label": (_l("Lederen av enheten, entall"),
                   _l("For eksempel «Kommunalsjef» eller «Kommunaldirektør». Er også navnet "
                      "på rollen.")),
    "head_label_plural": (_l("Lederen av enheten, flertall"),
                          _l("For eksempel «Kommunalsjefer» eller «Kommunaldirektører».")),
    "council_label": (_l("Det folkevalgte organet"),
                      _l("For eksempel «Kommunestyret». Skriv det med stor forbokstav; midt "
                         "i en setning skrives det med liten.")),
    "council_office_label": (_l("Sekretariatet for det folkevalgte organet"),
                             _l("For eksempel «Politisk sekretariat». Er også navnet på "
                                "rollen.")),
}
# The grammatical gender of the words that take an adjective or article in sentences
# ("Ny sektor", "Nytt kommunalområde", "en arkivert sektor", "et arkivert kommunalområde").
GENDER_CHOICES = [
    SelectChoice("m", _l("Hankjønn eller hunkjønn («ny», «en»)")),
    SelectChoice("n", _l("Intetkjønn («nytt», «et»)")),
]


class SettingsBaseForm(FlaskForm):
    """The municipality's name; one nb and one en field per label are added below."""

    name = StringField(_l("Kommunens navn"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn kommunens navn.")), Length(max=200)])

    def labels(self) -> dict[str, dict[str, str]]:
        """The label fields as {key: {"nb": ..., "en": ...}} (and "gender" where it counts)."""
        labels = {key: {loc: self[f"{key}_{loc}"].data or "" for loc in ("nb", "en")}
                  for key in LABEL_KEYS}
        for key in GENDERED_KEYS:
            labels[key]["gender"] = self[f"{key}_gender"].data or "m"
        return labels


def _label_fields() -> dict:
    attrs = {}
    for key in LABEL_KEYS:
        title = LABEL_TEXTS[key][0]
        attrs[f"{key}_nb"] = StringField(
            _l("%(title)s (bokmål)", title=title), filters=[_strip],
            validators=[DataRequired(_l("Skriv inn ordet på bokmål.")), Length(max=100)])
        attrs[f"{key}_en"] = StringField(_l("%(title)s (engelsk)", title=title),
                                         filters=[_strip], validators=[Length(max=100)])
    for key in GENDERED_KEYS:
        attrs[f"{key}_gender"] = RadioField(
            _l("Kjønn på bokmål"), choices=GENDER_CHOICES, default="m",
            validators=[Optional()])
    return attrs


SettingsForm = type("SettingsForm", (SettingsBaseForm,), _label_fields())


def settings_form_data(org: Organisation) -> dict:
    """Initial values: the name and every label as stored (the defaults where none is)."""
    data = {"name": org.name}
    for key in LABEL_KEYS:
        entry = (org.labels or {}).get(key) or DEFAULT_LABELS[key]
        for loc in ("nb", "en"):
            data[f"{key}_{loc}"] = entry.get(loc) or ""
        if key in GENDERED_KEYS:
            data[f"{key}_gender"] = label_gender(org, key)
    return data
