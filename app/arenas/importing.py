"""Importing the arena register from a CSV, XLSX or YAML file, all or nothing.

The file is read into rows (reading.py), every row is checked against the register and against
the other rows, and only a file without a single bad row is applied, arena by arena, through the
register's own operations (create_arena, update_arena). A refused file raises ImportRefused with
every problem found, each with its line number and a reason in the user's language; nothing is
written. An arena's status is never changed here: only decisions do that.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from app import audit
from app.arenas.exporting import PORTFOLIO_SEPARATOR
from app.arenas.forms import TEXT_MAX, error_message
from app.arenas.operations import (
    EARLIEST_YEAR,
    KEY_PATTERN,
    STATUSES_AT_CREATION,
    ArenaInput,
    create_arena,
    update_arena,
)
from app.arenas.reading import (
    MAX_BYTES,
    ImportRefused,
    Problem,
    Sheet,
    SourceRow,
    read_register_file,
)
from app.clock import today
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, ArenaStatus, AuditEvent, Portfolio
from app.templating import org_label

__all__ = ["MAX_BYTES", "ImportRefused", "ImportReport", "Problem", "import_arenas", "last_import"]

MAX_COST = 10**9
MAX_SORT_ORDER = 100_000
KEY_LENGTH = 80
TEXT_LIMITS = {
    "name": 300, "executing_unit": 300, "via": 300, "membership_type": 200,
    "description_nb": TEXT_MAX, "description_en": TEXT_MAX, "contact_persons": 2000,
}
# Control characters no database column or spreadsheet should hold (PostgreSQL refuses NUL,
# openpyxl refuses the rest); tab, line feed and carriage return are fine.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
DIGITS = re.compile(r"^[0-9]+$")
THOUSANDS_SPACES = re.compile(r"[ \u00a0\u202f]")
REGISTER_ENTITY = "arena_register"  # audit rows of an import (entity id 0: the register)


class CellError(Exception):
    """A cell's value is not acceptable; the message says why."""


@dataclass(frozen=True)
class Register:
    """The register as it stands: what the file's rows are checked against."""

    portfolios: dict[str, Portfolio]  # by upper-case code
    by_key: dict[str, Arena]
    by_name: dict[str, Arena]
    by_lower_name: dict[str, Arena]

    @classmethod
    def load(cls) -> Register:
        """The current portfolios and arenas."""
        arenas = list(db.session.scalars(db.select(Arena)))
        portfolios = db.session.scalars(db.select(Portfolio))
        return cls({p.code.upper(): p for p in portfolios}, {a.key: a for a in arenas},
                   {a.name: a for a in arenas}, {a.name.lower(): a for a in arenas})


@dataclass
class Plan:
    """What one good row will do: create (arena None) or update `arena` with `values`."""

    line: int
    arena: Arena | None
    values: dict[str, Any]
    status: ArenaStatus


def _cell_text(value: Any, column: str) -> str:
    """A cell as stripped text; numbers as digits, YAML lists only for 'responsible'."""
    if isinstance(value, list | tuple) and column == "responsible":
        if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
            raise CellError(_("Ugyldig verdi."))
        value = PORTFOLIO_SEPARATOR.join(str(v) for v in value)
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool) or not isinstance(value, int | float | date):
        raise CellError(_("Ugyldig verdi."))
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if ILLEGAL_CHARACTERS.search(text):
        raise CellError(_("Verdien inneholder ugyldige kontrolltegn."))
    return text.strip()


def _text(column: str):
    def parse(text: str, _register: Register) -> str:
        if len(text) > TEXT_LIMITS[column]:
            raise CellError(_("Teksten er for lang (høyst %(max)s tegn).",
                              max=TEXT_LIMITS[column]))
        return text

    return parse


def _name(text: str, register: Register) -> str:
    if not text:
        raise CellError(_("Navn mangler."))
    return _text("name")(text, register)


def _kind(text: str, _register: Register) -> ArenaKind:
    valid = ", ".join(k.value for k in ArenaKind)
    if not text:
        raise CellError(_("Type mangler. Gyldige typer: %(valid)s.", valid=valid))
    try:
        return ArenaKind(text.lower())
    except ValueError:
        raise CellError(_("Ukjent type «%(value)s». Gyldige typer: %(valid)s.", value=text,
                          valid=valid)) from None


def _responsible(text: str, register: Register) -> frozenset[int]:
    codes = [c.strip() for c in text.split(PORTFOLIO_SEPARATOR) if c.strip()]
    label = org_label("portfolio_label").lower()
    if not codes:
        raise CellError(_("Ansvarlig %(label)s mangler.", label=label))
    unknown = [c for c in codes if c.upper() not in register.portfolios]
    if unknown:
        raise CellError(_("Ukjent kode for %(label)s: %(codes)s.", label=label,
                          codes=", ".join(f"«{c}»" for c in unknown)))
    return frozenset(register.portfolios[c.upper()].id for c in codes)


def _number(text: str, maximum: int) -> int | None:
    """The whole number in `text` (None when empty); ValueError when it is not one."""
    if not text:
        return None
    if not DIGITS.match(text) or int(text) > maximum:
        raise ValueError(text)
    return int(text)


def _year(text: str, _register: Register) -> int | None:
    latest = today().year + 1
    try:
        year = _number(text, latest)
        if year is not None and year < EARLIEST_YEAR:
            raise ValueError(text)
    except ValueError:
        raise CellError(_("Ugyldig årstall «%(value)s»: oppgi et år fra %(min)s til %(max)s.",
                          value=text, min=EARLIEST_YEAR, max=latest)) from None
    return year


def _cost(text: str, _register: Register) -> int | None:
    amount = THOUSANDS_SPACES.sub("", text)
    if amount.startswith("-") and DIGITS.match(amount[1:]):
        raise CellError(_("Beløpet kan ikke være negativt."))
    try:
        return _number(amount, MAX_COST)
    except ValueError:
        raise CellError(_("Ugyldig beløp «%(value)s»: oppgi hele kroner, 0 eller mer.",
                          value=text)) from None


def _sort_order(text: str, _register: Register) -> int | None:
    try:
        return _number(text, MAX_SORT_ORDER)
    except ValueError:
        raise CellError(_("Ugyldig sorteringsrekkefølge «%(value)s»: oppgi et helt tall fra 0 "
                          "til %(max)s.", value=text, max=MAX_SORT_ORDER)) from None


# Column → (ArenaInput field, parser). `key` and `status` are handled on their own.
PARSERS = {
    "name": ("name", _name), "kind": ("kind", _kind),
    "responsible": ("portfolio_ids", _responsible),
    "executing_unit": ("executing_unit", _text("executing_unit")),
    "via": ("via", _text("via")), "membership_type": ("membership_type", _text("membership_type")),
    "member_since": ("member_since", _year), "yearly_cost": ("yearly_cost", _cost),
    "description_nb": ("description_nb", _text("description_nb")),
    "description_en": ("description_en", _text("description_en")),
    "contact_persons": ("contact_persons", _text("contact_persons")),
    "sort_order": ("sort_order", _sort_order),
}
REQUIRED_FOR_NEW = ("name", "kind", "responsible")


def _start_values(arena: Arena | None) -> dict[str, Any]:
    """An existing arena's current facts, or a new arena's defaults (kind unknown yet)."""
    if arena is None:
        return {"key": "", "name": "", "kind": None, "portfolio_ids": frozenset()}
    values = {f.name: getattr(arena, f.name) for f in fields(ArenaInput)}
    values["portfolio_ids"] = arena.portfolio_ids
    return values


def _texts(row: SourceRow) -> tuple[dict[str, str], list[Problem]]:
    texts, problems = {}, []
    for column, value in row.cells.items():
        try:
            texts[column] = _cell_text(value, column)
        except CellError as error:
            problems.append(Problem(row.line, str(error), column))
    return texts, problems


def _target(texts: dict[str, str], register: Register, line: int) -> tuple[Arena | None, list]:
    """The arena a row updates: by key, or by exact name when the key is empty."""
    key = texts.get("key", "")
    if not key:
        return register.by_name.get(texts.get("name", "")), []
    if len(key) > KEY_LENGTH or not KEY_PATTERN.match(key):
        return None, [Problem(line, _("Ugyldig nøkkel «%(key)s»: bruk bare små bokstaver a–z, "
                                      "tall og bindestrek.", key=key), "key")]
    return register.by_key.get(key), []


def _status(text: str, arena: Arena | None, line: int) -> tuple[ArenaStatus, list[Problem]]:
    """The row's status; an existing arena's must stay as it is (decisions change it)."""
    current = arena.status if arena else ArenaStatus.MEMBER
    if not text:
        return current, []
    try:
        status = ArenaStatus(text.lower())
    except ValueError:
        return current, [Problem(line, _("Ukjent status «%(value)s». Gyldige: %(valid)s.",
                         value=text, valid=", ".join(s.value for s in ArenaStatus)), "status")]
    if arena is not None and status != current:
        return current, [Problem(line, _(
            "Statusen kan ikke endres ved import (nå «%(now)s», i filen «%(new)s»); den endres "
            "bare gjennom vedtak.", now=current.value, new=status.value), "status")]
    if arena is None and status not in STATUSES_AT_CREATION:
        return current, [Problem(line, _("En ny arena kan bare registreres som %(valid)s.",
                         valid=" eller ".join(s.value for s in STATUSES_AT_CREATION)), "status")]
    return status, []


def _missing(column: str) -> str:
    if column == "responsible":
        return _("Ansvarlig %(label)s mangler.", label=org_label("portfolio_label").lower())
    return _("Navn mangler.") if column == "name" else _("Type mangler.")


def plan_row(row: SourceRow, register: Register) -> tuple[Plan | None, list[Problem]]:
    """Check one row on its own; the plan when it is good, else the problems."""
    texts, problems = _texts(row)
    arena, key_problems = _target(texts, register, row.line)
    values = _start_values(arena)
    for column, text in texts.items():
        if column in PARSERS:
            name, parse = PARSERS[column]
            try:
                values[name] = parse(text, register)
            except CellError as error:
                problems.append(Problem(row.line, str(error), column))
    if arena is None:
        problems += [Problem(row.line, _missing(c), c) for c in REQUIRED_FOR_NEW
                     if c not in row.cells]
    status, wrong = _status(texts.get("status", ""), arena, row.line)
    if arena is None and texts.get("key") and not key_problems:
        values["key"] = texts["key"]
    problems += key_problems + wrong
    return (None if problems else Plan(row.line, arena, values, status)), problems


def _slug(name: str) -> str:
    """A key made from a name: "Byen Tromsø" → "byen-tromso"."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:KEY_LENGTH - 6].strip("-") or "arena"


def _repeated(what: str, plan: Plan, line: int) -> Problem:
    """The problem of a row that repeats an earlier row's name, key or arena."""
    name, key = plan.values["name"], plan.values["key"]
    if what == "name":
        message = _("Navnet «%(name)s» står også på linje %(line)s.", name=name, line=line)
    elif what == "key":
        message = _("Nøkkelen «%(key)s» står også på linje %(line)s.", key=key, line=line)
    else:
        message = _("Arenaen «%(name)s» står også på linje %(line)s.", name=name, line=line)
    return Problem(plan.line, message, what if what != "arena" else "")


def _check_across(plans: list[Plan], register: Register) -> list[Problem]:
    """Problems between rows (the same key, name or arena twice) and with other arenas."""
    problems: list[Problem] = []
    first_line: dict[tuple[str, Any], int] = {}
    for plan in plans:
        name = plan.values["name"]
        markers = [("arena", plan.arena.id if plan.arena else None),
                   ("key", plan.values["key"]), ("name", name.lower())]
        repeated = [m for m in markers if m[1] and m in first_line]
        if repeated:
            problems.append(_repeated(repeated[0][0], plan, first_line[repeated[0]]))
        for marker in markers:
            first_line.setdefault(marker, plan.line)
        other = register.by_lower_name.get(name.lower())
        if other is not None and other is not plan.arena:
            problems.append(Problem(plan.line, _(
                "Navnet «%(name)s» brukes allerede av en annen arena (nøkkel «%(key)s»).",
                name=name, key=other.key), "name"))
    return problems


def _give_keys(plans: list[Plan], register: Register) -> None:
    """New arenas without a key get one made from their name, unique in the register."""
    taken = set(register.by_key) | {p.values["key"] for p in plans}
    for plan in plans:
        if plan.arena is None and not plan.values["key"]:
            base = key = _slug(plan.values["name"])
            number = 1
            while key in taken:
                number += 1
                key = f"{base}-{number}"
            plan.values["key"] = key
            taken.add(key)


def plan_import(sheet: Sheet) -> list[Plan]:
    """Check every row of a file; the plans when all are good, else ImportRefused (all)."""
    register = Register.load()
    plans, problems = [], list(sheet.problems)
    for row in sheet.rows:
        plan, row_problems = plan_row(row, register)
        problems += row_problems
        if plan is not None:
            plans.append(plan)
    problems += _check_across(plans, register)
    if problems:
        raise ImportRefused(problems)
    _give_keys(plans, register)
    return plans


# --------------------------------------------------------------------------- importing


@dataclass
class ImportReport:
    """What an import did: names created, (name, changed fields) updated, names unchanged."""

    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the import created or changed anything."""
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """One sentence for people: how many arenas were created, updated and unchanged."""
        return _("Importen er fullført. Nye: %(created)s, endret: %(updated)s, uendret: "
                 "%(unchanged)s.", created=len(self.created), updated=len(self.updated),
                 unchanged=len(self.unchanged))


def _apply(actor: Any, plan: Plan, report: ImportReport) -> None:
    data = ArenaInput(**plan.values)
    if plan.arena is None:
        report.created.append(create_arena(actor, data, plan.status).name)
    elif changes := update_arena(actor, plan.arena, data):
        report.updated.append((plan.arena.name, changes))
    else:
        report.unchanged.append(plan.arena.name)


def import_arenas(actor: Any, filename: str, data: bytes) -> ImportReport:
    """Import a register file all or nothing; ImportRefused lists every bad row."""
    plans = plan_import(read_register_file(filename, data))
    report = ImportReport()
    for plan in plans:
        try:
            _apply(actor, plan, report)
        except ValidationFailed as error:  # a rule the checks above did not foresee
            raise ImportRefused([Problem(plan.line, error_message(name, code), name)
                                 for name, code in error.errors.items()]) from None
    if report.changed:
        audit.record(actor, REGISTER_ENTITY, 0, "arenas_imported", file=filename,
                     created=report.created, updated=[list(u) for u in report.updated],
                     unchanged=len(report.unchanged))
    db.session.flush()
    return report


def last_import() -> AuditEvent | None:
    """The audit row of the latest import that changed the register."""
    return db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.entity_type == REGISTER_ENTITY,
                                    AuditEvent.action == "arenas_imported")
        .order_by(AuditEvent.id.desc()).limit(1))
