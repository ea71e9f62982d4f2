"""Operations on council terms: the term, its party groups and members, and the CSV import.

Each checks, changes, writes an audit row and flushes; none commits. Only council secretaries
maintain the council's members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from app import audit
from app.council.member_import import MemberRow, parse_members
from app.errors import NotPermitted, ValidationFailed
from app.extensions import db
from app.models.council import CouncilMember, CouncilTerm, PartyGroup
from workflows.roles import Role, has_role

MAX_SEATS = 1000


def require_secretary(actor: Any) -> None:
    """Refuse anyone but a council secretary (403)."""
    if not has_role(actor, Role.COUNCIL_SECRETARY):
        raise NotPermitted("only council secretaries record the council's work")


def create_term(actor: Any, name: str, starts_on: date, ends_on: date | None,
                seats: int) -> CouncilTerm:
    """A new council term with its number of seats."""
    require_secretary(actor)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Skriv inn et navn.")
    elif db.session.scalar(db.select(CouncilTerm.id).where(CouncilTerm.name == name)):
        errors["name"] = _("Det finnes allerede en periode med dette navnet.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("Perioden kan ikke slutte før den begynner.")
    if not 1 <= seats <= MAX_SEATS:
        errors["seats"] = _("Oppgi antall seter (1–%(max)s).", max=MAX_SEATS)
    if errors:
        raise ValidationFailed(errors)
    term = CouncilTerm(name=name, starts_on=starts_on, ends_on=ends_on, seats=seats)
    db.session.add(term)
    db.session.flush()
    audit.record(actor, "council_term", term.id, "council_term_created", name=name, seats=seats)
    return term


def _party_named(term: CouncilTerm, name: str) -> PartyGroup | None:
    return next((p for p in term.party_groups if p.name.casefold() == name.casefold()), None)


def add_party_group(actor: Any, term: CouncilTerm, name: str) -> PartyGroup:
    """A party group in `term`; names are unique within a term."""
    require_secretary(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": _("Skriv inn et navn.")})
    if _party_named(term, name):
        raise ValidationFailed({"name": _("Partigruppen finnes allerede i perioden.")})
    party = PartyGroup(term=term, name=name)
    db.session.add(party)
    db.session.flush()
    audit.record(actor, "council_term", term.id, "council_party_added", party=name)
    return party


def _taken_seats(term: CouncilTerm) -> dict[int, str]:
    return {m.seat: m.name for m in term.members}


def add_member(actor: Any, term: CouncilTerm, name: str, party_group_id: int,
               seat: int) -> CouncilMember:
    """One member holding `seat` for a party group of `term`."""
    require_secretary(actor)
    errors = {}
    if not name.strip():
        errors["name"] = _("Skriv inn et navn.")
    if party_group_id not in {p.id for p in term.party_groups}:
        errors["party_group"] = _("Velg en partigruppe i perioden.")
    if not 1 <= seat <= term.seats:
        errors["seat"] = _("Setet må være mellom 1 og %(seats)s.", seats=term.seats)
    elif seat in _taken_seats(term):
        errors["seat"] = _("Sete %(seat)s har allerede %(name)s.", seat=seat,
                           name=_taken_seats(term)[seat])
    if errors:
        raise ValidationFailed(errors)
    member = CouncilMember(term=term, name=name.strip(), party_group_id=party_group_id,
                           seat=seat)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "council_term", term.id, "council_member_added", member=member.name,
                 seat=seat)
    return member


@dataclass(frozen=True)
class ImportResult:
    """What an import added."""

    members: int
    new_parties: tuple[str, ...]


def import_members(actor: Any, term: CouncilTerm, text: str) -> ImportResult:
    """Add every member of a CSV list (name, party, seat); all or nothing.

    Party groups not yet in the term are created. Bad lines raise ValidationFailed with one
    Norwegian message per line, keyed by line number, and nothing is added.
    """
    require_secretary(actor)
    rows, errors = parse_members(text, term.seats, _taken_seats(term))
    if not errors and len(rows) + len(term.members) > term.seats:
        errors.append(_("Listen har %(count)s medlemmer, men perioden har bare %(seats)s "
                        "ledige seter.", count=len(rows),
                        seats=term.seats - len(term.members)))
    if errors:
        raise ValidationFailed({str(i): message for i, message in enumerate(errors, 1)})
    new_parties = add_members(term, rows)
    audit.record(actor, "council_term", term.id, "council_members_imported",
                 members=len(rows), new_parties=new_parties)
    return ImportResult(len(rows), tuple(new_parties))


def add_members(term: CouncilTerm, rows: list[MemberRow]) -> list[str]:
    """Add checked member rows to `term`, creating missing party groups; returns their names.

    No checks and no audit row: `import_members` (or the demo loader) has done those.
    """
    new_parties = []
    for row in rows:
        party = _party_named(term, row.party)
        if party is None:
            party = PartyGroup(term=term, name=row.party)
            db.session.add(party)
            new_parties.append(row.party)
        db.session.add(CouncilMember(term=term, party_group=party, name=row.name, seat=row.seat))
    db.session.flush()
    return new_parties


def copy_term_members(actor: Any, term: CouncilTerm, previous: CouncilTerm) -> int:
    """Copy the previous term's party groups and members into a new term, for editing (a new
    council mostly keeps its groups, and many members); returns how many were copied."""
    require_secretary(actor)
    if previous.id == term.id:
        raise ValidationFailed({"copy_from": _("Velg en annen periode å kopiere fra.")})
    if len(previous.members) > term.seats:
        raise ValidationFailed({"copy_from": _(
            "Perioden du kopierer fra, har %(count)s medlemmer, men den nye har bare "
            "%(seats)s seter.", count=len(previous.members), seats=term.seats)})
    groups = {}
    for party in previous.party_groups:
        groups[party.id] = PartyGroup(term=term, name=party.name)
        db.session.add(groups[party.id])
    for member in previous.members:
        db.session.add(CouncilMember(term=term, party_group=groups[member.party_group_id],
                                     name=member.name, seat=member.seat))
    db.session.flush()
    audit.record(actor, "council_term", term.id, "council_term_copied",
                 from_term=previous.id, members=len(previous.members))
    return len(previous.members)
