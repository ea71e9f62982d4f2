"""Cycle settings form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.input_guard import single_line
from workflows.reminders import (
    MAX_BEFORE_REMINDERS,
    MAX_DAYS_BEFORE,
    MAX_ESCALATION_DAYS,
    MAX_OVERDUE_EVERY,
    MAX_OVERDUE_REMINDERS,
    ReminderSchedule,
)

BASIC_FIELDS = ("title", "submission_deadline", "review_deadline", "council_meeting_date",
                "requires_sign_off")
SCHEDULE_FIELDS = ("overdue_every", "max_overdue", "escalate_commissioner_after",
                   "escalate_office_after")


def _whole_number(low: int, high: int):
    message = _l("Skriv et helt tall fra %(low)s til %(high)s.", low=low, high=high)
    return [Optional(), NumberRange(min=low, max=high, message=message)]


def parse_days(text: str) -> tuple[int, ...]:
    """"7, 2" -> (7, 2); raises ValueError for anything but whole numbers."""
    return tuple(int(part) for part in text.replace(";", ",").split(",") if part.strip())


class CycleSettingsForm(FlaskForm):
    """Title, deadlines, whether the byråd signs off, and the reminder schedule."""

    title = StringField(_l("Tittel"), validators=[DataRequired(_l("Skriv en tittel.")),
                                                  Length(max=300), single_line])
    submission_deadline = DateField(_l("Frist for innsending"), validators=[Optional()])
    review_deadline = DateField(_l("Frist for behandling"), validators=[Optional()])
    council_meeting_date = DateField(_l("Møtedato i folkevalgt organ"), validators=[Optional()])
    requires_sign_off = BooleanField(_l("Lederen for hver arenas ansvarsområde godkjenner "
                                        "vurderingene før de behandles"))
    days_before = StringField(_l("Påminnelser før fristen (dager før)"),
                              validators=[Length(max=40)])
    overdue_every = IntegerField(_l("Påminnelser etter fristen: hver N. arbeidsdag"),
                                 validators=_whole_number(1, MAX_OVERDUE_EVERY))
    max_overdue = IntegerField(_l("Høyst antall påminnelser etter fristen"),
                               validators=_whole_number(0, MAX_OVERDUE_REMINDERS))
    escalate_commissioner_after = IntegerField(
        _l("Første varsel om forsinkelse (arbeidsdager over fristen)"),
        validators=_whole_number(1, MAX_ESCALATION_DAYS))
    escalate_office_after = IntegerField(
        _l("Andre varsel om forsinkelse (arbeidsdager over fristen)"),
        validators=_whole_number(1, MAX_ESCALATION_DAYS))

    def validate_review_deadline(self, field):
        start = self.submission_deadline.data
        if field.data and start and field.data < start:
            raise ValidationError(
                _l("Fristen for behandling kan ikke være før innsendingsfristen."))

    def validate_days_before(self, field):
        try:
            days = parse_days(field.data or "")
        except ValueError:
            days = (0,)
        if len(days) > MAX_BEFORE_REMINDERS or any(not 1 <= d <= MAX_DAYS_BEFORE for d in days):
            raise ValidationError(_l(
                "Skriv opptil %(n)s hele tall fra 1 til %(max)s, skilt med komma.",
                n=MAX_BEFORE_REMINDERS, max=MAX_DAYS_BEFORE))

    @staticmethod
    def schedule_data(schedule: ReminderSchedule) -> dict:
        """Initial values of the schedule fields (pass as keyword arguments)."""
        values = {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}
        return {**values, "days_before": ", ".join(str(d) for d in schedule.days_before)}

    def schedule(self, current: ReminderSchedule) -> ReminderSchedule:
        """The reminder schedule entered (after validation); a number left out keeps its
        `current` value, while an empty "days before" means no reminders before the deadline."""
        days = current.days_before
        if self.days_before.raw_data:
            days = tuple(sorted(set(parse_days(self.days_before.data or "")), reverse=True))
        numbers = {name: getattr(current, name) if self[name].data is None else self[name].data
                   for name in SCHEDULE_FIELDS}
        return ReminderSchedule(days_before=days, **numbers)

    def settings_values(self, current: ReminderSchedule) -> dict:
        """Everything the settings operation takes, the schedule as its JSON form."""
        values = {name: self[name].data for name in BASIC_FIELDS}
        return {**values, "reminder_schedule": self.schedule(current).to_dict()}


class CycleCreateForm(FlaskForm):
    """A new cycle: its year, title, deadlines and whether the head signs off. The operation
    checks how the dates relate; the form only that each field is what it says."""

    year = IntegerField(_l("År"), validators=[
        DataRequired(_l("Skriv årstallet gjennomgangen gjelder.")),
        NumberRange(min=1900, max=2200, message=_l("Skriv et årstall fra 1900 til 2200."))])
    title = StringField(_l("Tittel"), validators=[Length(max=300), single_line])
    submission_deadline = DateField(_l("Frist for innsending"), validators=[Optional()])
    review_deadline = DateField(_l("Frist for behandling"), validators=[Optional()])
    council_meeting_date = DateField(_l("Møtedato i folkevalgt organ"), validators=[Optional()])
    requires_sign_off = BooleanField(_l("Lederen for hver arenas ansvarsområde godkjenner "
                                        "vurderingene før de behandles"), default=True)

    def values(self) -> dict:
        """The operation's keyword arguments (after validation)."""
        return {name: self[name].data for name in BASIC_FIELDS}
