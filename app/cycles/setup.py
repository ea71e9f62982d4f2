"""Operations that adjust a planned cycle before it opens: its arenas and its criteria.

Both refuse once the cycle has opened (its assessments then exist), and neither touches
another cycle: a criteria change makes a new criteria set for this cycle alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import audit
from app.cycles.criteria import build_criteria_set
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models import Arena, CriteriaSet, Criterion, CriterionKind, Cycle
from workflows.cycle import CycleStatus
from workflows.engine import TransitionNotAllowed
from workflows.roles import Role

KEY_MAX = 40  # the column holds 50; room for a "_2" suffix
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
# What the office may change on a criterion; the key and kind of an existing one stay.
EDITABLE = ("label_nb", "label_en", "hint_nb", "hint_en", "is_required")


@dataclass(frozen=True)
class CriterionRow:
    """One row of the criteria form: an existing criterion (by key) or a new one (no key)."""

    key: str | None
    label_nb: str
    label_en: str = ""
    hint_nb: str = ""
    hint_en: str = ""
    is_required: bool = True
    kind: CriterionKind | None = None  # new criteria only
    remove: bool = False


def _check(actor: Any, cycle: Cycle, action: str) -> None:
    """Only the council office (or the system), and only while `cycle` is planned."""
    if actor is not None and not actor.has_role(Role.COUNCIL_OFFICE):
        raise NotPermitted(action)
    if cycle.status != CycleStatus.PLANNED:
        raise TransitionNotAllowed(action, [_(
            "«%(title)s» er allerede åpnet. Arenaer og kriterier kan bare endres før "
            "gjennomgangen åpnes.", title=cycle.title)])


def selectable_arenas(cycle: Cycle) -> list[Arena]:
    """The arenas the office may choose for `cycle`: all not archived, plus those it has."""
    current = [a.id for a in cycle.arenas]
    return list(db.session.scalars(
        sa.select(Arena).where(sa.or_(Arena.is_archived.is_(False), Arena.id.in_(current)))
        .order_by(Arena.name)))


def set_cycle_arenas(actor: Any, cycle: Cycle, arena_ids) -> tuple[list[Arena], list[Arena]]:
    """Make `arena_ids` the arenas `cycle` reviews; returns (added, removed)."""
    _check(actor, cycle, "set_cycle_arenas")
    wanted = set(arena_ids)
    allowed = {a.id: a for a in selectable_arenas(cycle)}
    if unknown := wanted - set(allowed):
        raise ValidationFailed({"arena_ids": _("Ukjente arenaer: %(ids)s",
                                               ids=", ".join(map(str, sorted(unknown))))})
    current = {a.id for a in cycle.arenas}
    added = [allowed[i] for i in sorted(wanted - current, key=lambda i: allowed[i].name)]
    removed = [a for a in cycle.arenas if a.id not in wanted]
    if added or removed:
        cycle.arenas = sorted((allowed[i] for i in wanted), key=lambda a: a.name)
        audit.record(actor, "cycle", cycle.id, "cycle_arenas_changed",
                     added=[{"id": a.id, "name": a.name} for a in added],
                     removed=[{"id": a.id, "name": a.name} for a in removed])
    db.session.flush()
    return added, removed


def slug(label: str) -> str:
    """A criterion key from its Norwegian label: "Læringsutbytte" -> "laeringsutbytte"."""
    text = unicodedata.normalize("NFKD", label.lower().translate(_LETTERS))
    text = re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode()).strip("_")
    text = text[:KEY_MAX].strip("_") or "kriterium"
    return f"k_{text}" if text[0].isdigit() else text


def unique_key(label: str, taken: set[str]) -> str:
    """The slug of `label`, with _2, _3 ... added when it is already `taken` (then taken)."""
    base = key = slug(label)
    number = 1
    while key in taken:
        number += 1
        key = f"{base}_{number}"
    taken.add(key)
    return key


def _clean(value: Any) -> Any:
    """Text as stored: trimmed, with the browser's CRLF line ends as LF."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _spec(criterion: Criterion) -> dict:
    """A stored criterion as the definition build_criteria_set takes."""
    return {"key": criterion.key, "kind": criterion.kind,
            **{name: getattr(criterion, name) for name in EDITABLE}}


def _row_errors(rows: list[CriterionRow]) -> dict[str, str]:
    """Per row: a missing Norwegian label, or a new criterion without a valid kind."""
    errors = {}
    for index, row in enumerate(rows):
        if row.remove:
            continue
        if not row.label_nb.strip():
            errors[f"{index}.label_nb"] = _("Skriv navnet på kriteriet (bokmål).")
        if row.key is None and not isinstance(row.kind, CriterionKind):
            errors[f"{index}.kind"] = _("Velg hvordan kriteriet besvares.")
    return errors


def _revised_specs(current: dict[str, Criterion], rows: list[CriterionRow]) -> list[dict]:
    """The new set's criteria in order (kept ones keep key and kind; new ones get a key)."""
    if sorted(r.key for r in rows if r.key is not None) != sorted(current):
        raise ValidationFailed({"criteria": _(
            "Kriteriene er endret siden du åpnet siden. Last siden på nytt og prøv igjen.")})
    if errors := _row_errors(rows):
        raise ValidationFailed(errors)
    taken = set(current)  # a removed criterion's key is not reused for a new one
    specs = []
    for row in (r for r in rows if not r.remove):
        values = {k: _clean(v) for k, v in asdict(row).items() if k in EDITABLE}
        if row.key is None:
            specs.append({"key": unique_key(values["label_nb"], taken), "kind": row.kind,
                          **values})
        else:
            specs.append({"key": row.key, "kind": current[row.key].kind, **values})
    if not specs:
        raise ValidationFailed({"criteria": _("Gjennomgangen må ha minst ett kriterium.")})
    return specs


def revise_criteria(actor: Any, cycle: Cycle, rows: list[CriterionRow]) -> CriteriaSet | None:
    """Give planned `cycle` a new criteria set (next version) built from `rows`; other
    cycles keep theirs. Returns the new set, or None when nothing changed."""
    _check(actor, cycle, "revise_criteria")
    old = cycle.criteria_set
    current = {c.key: c for c in old.criteria}
    specs = _revised_specs(current, rows)
    if specs == [_spec(c) for c in old.criteria]:
        return None
    version = (db.session.scalar(sa.select(sa.func.max(CriteriaSet.version))) or 0) + 1
    revised = build_criteria_set(f"Kriterier {cycle.year}", version, specs)
    cycle.criteria_set = revised
    db.session.flush()
    kept = [s["key"] for s in specs]
    audit.record(actor, "cycle", cycle.id, "criteria_revised", version=version,
                 criteria_set_id=revised.id, previous_version=old.version,
                 added=[k for k in kept if k not in current],
                 removed=[k for k in current if k not in kept])
    return revised
