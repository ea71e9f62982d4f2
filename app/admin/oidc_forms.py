"""The form for one row of the single sign-on group mapping."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from app.admin.forms import INVALID_CHOICE, portfolio_choice
from app.assessments.forms import MultiCheckboxField
from app.auth.oidc_operations import GroupMappingInput
from app.models import OidcGroupMapping, Portfolio
from app.templating import org_label, role_label
from workflows.roles import Role


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class GroupMappingForm(FlaskForm):
    """A group of the identity provider, the role it gives, and (for contacts) portfolios."""

    group_id = StringField(_l("Gruppe-ID"), filters=[_strip], validators=[
        DataRequired(_l("Skriv inn gruppens ID.")), Length(max=255)])
    description = StringField(_l("Beskrivelse"), filters=[_strip], validators=[Length(max=200)])
    role = RadioField(_l("Rolle"), validators=[InputRequired(_l("Velg en rolle."))],
                      invalid_choice_message=INVALID_CHOICE)
    portfolios = MultiCheckboxField("", coerce=int, invalid_choice_message=INVALID_CHOICE,
                                    invalid_value_message=INVALID_CHOICE)
    is_just_in_time = BooleanField(_l("Opprett brukeren ved første innlogging"))

    def __init__(self, *args, portfolios: list[Portfolio] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(r.value, role_label(r)) for r in Role]
        self.portfolios.label.text = org_label("portfolio_label_plural")
        self.portfolios.choices = [portfolio_choice(p) for p in portfolios]

    def to_input(self) -> GroupMappingInput:
        """The validated form as the operation's input."""
        return GroupMappingInput(group_id=self.group_id.data, role=Role(self.role.data),
                                 description=self.description.data or "",
                                 portfolio_ids=frozenset(self.portfolios.data or ()),
                                 is_just_in_time=bool(self.is_just_in_time.data))


def mapping_form_data(mapping: OidcGroupMapping) -> dict:
    """Initial edit-form values from a stored row."""
    return {"group_id": mapping.group_id, "description": mapping.description,
            "role": mapping.role.value, "portfolios": sorted(mapping.portfolio_ids),
            "is_just_in_time": mapping.is_just_in_time}
