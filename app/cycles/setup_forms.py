"""Forms for adjusting a planned cycle: which arenas it reviews and its criteria."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from app.assessments.forms import MultiCheckboxField
from app.cycles.setup import CriterionRow
from app.models import Arena, ArenaKind, CriteriaSet, CriterionKind, Cycle

LABEL_MAX = 200
HINT_MAX = 2000
MAX_CRITERIA = 50
KIND_LABELS = {
    CriterionKind.PARTICIPATION: _l("Deltakelse (aktiv eller passiv, og hvem som deltar)"),
    CriterionKind.RATING: _l("Vurdering (stort, middels, lite, ingen) med begrunnelse"),
    CriterionKind.TEXT: _l("Bare fritekst"),
}


class CycleArenasForm(FlaskForm):
    """Tick the arenas the cycle reviews; organisations and friendship cities apart."""

    organisations = MultiCheckboxField(_l("Organisasjoner og nettverk"), coerce=int)
    friendship_cities = MultiCheckboxField(_l("Vennskapsbyer"), coerce=int)

    @classmethod
    def for_cycle(cls, cycle: Cycle, arenas: list[Arena],
                  label: Callable[[Arena], str]) -> CycleArenasForm:
        """The form with one checkbox per arena (`label` gives its text), the cycle's ticked."""
        current = {a.id for a in cycle.arenas}
        parts = {"organisations": [a for a in arenas if a.kind != ArenaKind.FRIENDSHIP_CITY],
                 "friendship_cities": [a for a in arenas if a.kind == ArenaKind.FRIENDSHIP_CITY]}
        form = cls(data={name: [a.id for a in part if a.id in current]
                         for name, part in parts.items()})
        for name, part in parts.items():
            form[name].choices = [SelectChoice(a.id, label(a)) for a in part]
        return form

    def arena_ids(self) -> set[int]:
        """Every ticked arena id (after validation)."""
        return set(self.organisations.data or []) | set(self.friendship_cities.data or [])


class CriterionRowForm(Form):
    """One existing criterion: its words, whether it must be answered, or remove it."""

    key = HiddenField()
    label_nb = StringField(_l("Navn (bokmål)"), validators=[Length(max=LABEL_MAX)])
    label_en = StringField(_l("Navn (engelsk)"), validators=[Length(max=LABEL_MAX)])
    hint_nb = TextAreaField(_l("Hjelpetekst (bokmål)"), validators=[Length(max=HINT_MAX)])
    hint_en = TextAreaField(_l("Hjelpetekst (engelsk)"), validators=[Length(max=HINT_MAX)])
    is_required = BooleanField(_l("Må besvares"))
    remove = BooleanField(_l("Fjern kriteriet fra denne gjennomgangen"))


class NewCriterionForm(Form):
    """A criterion to add; left blank when none is added."""

    label_nb = StringField(_l("Navn (bokmål)"), validators=[Length(max=LABEL_MAX)])
    label_en = StringField(_l("Navn (engelsk)"), validators=[Length(max=LABEL_MAX)])
    kind = SelectField(_l("Hvordan kriteriet besvares"),
                       choices=[SelectChoice(k.value, text) for k, text in KIND_LABELS.items()])
    hint_nb = TextAreaField(_l("Hjelpetekst (bokmål)"), validators=[Length(max=HINT_MAX)])
    hint_en = TextAreaField(_l("Hjelpetekst (engelsk)"), validators=[Length(max=HINT_MAX)])
    is_required = BooleanField(_l("Må besvares"))

    def is_blank(self) -> bool:
        """Nothing written: no new criterion is meant."""
        return not any((self[name].data or "").strip()
                       for name in ("label_nb", "label_en", "hint_nb", "hint_en"))


class CriteriaForm(FlaskForm):
    """The cycle's criteria as an editable list, plus one blank row for a new criterion."""

    criteria = FieldList(FormField(CriterionRowForm), max_entries=MAX_CRITERIA)
    new = FormField(NewCriterionForm)

    @classmethod
    def for_set(cls, criteria_set: CriteriaSet) -> CriteriaForm:
        """The form filled in from `criteria_set` (a POST's own values win)."""
        rows = [{"key": c.key, "label_nb": c.label_nb, "label_en": c.label_en,
                 "hint_nb": c.hint_nb, "hint_en": c.hint_en, "is_required": c.is_required}
                for c in criteria_set.criteria]
        new = {"kind": CriterionKind.RATING.value, "is_required": True}
        return cls(data={"criteria": rows, "new": new})

    def rows(self) -> list[CriterionRow]:
        """The operation's input: every listed criterion, then the new one if written."""
        rows = [CriterionRow(key=entry.key.data or None, label_nb=entry.label_nb.data or "",
                             label_en=entry.label_en.data or "", hint_nb=entry.hint_nb.data or "",
                             hint_en=entry.hint_en.data or "",
                             is_required=bool(entry.is_required.data),
                             remove=bool(entry.remove.data))
                for entry in (e.form for e in self.criteria)]
        new = self.new.form
        if not new.is_blank():
            rows.append(CriterionRow(
                key=None, kind=CriterionKind(new.kind.data), label_nb=new.label_nb.data or "",
                label_en=new.label_en.data or "", hint_nb=new.hint_nb.data or "",
                hint_en=new.hint_en.data or "", is_required=bool(new.is_required.data)))
        return rows

    def field_for(self, where: str):
        """The field an operation error names ("2.label_nb": row 2; past the list: the new
        row), or None for an error about the whole list."""
        index, _sep, name = where.partition(".")
        if not index.isdigit():
            return None
        entry = (self.criteria[int(index)].form if int(index) < len(self.criteria)
                 else self.new.form)
        return entry[name] if name in entry else None
