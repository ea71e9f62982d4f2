"""Reading a list of council members from CSV: name, party, seat (one member a line).

Comma or semicolon separated (Excel in Norway writes semicolons), UTF-8 or Windows-1252,
an optional header line. Every bad line is reported with its number; the caller imports
nothing unless there are none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _

HEADER_WORDS = {"navn", "name", "parti", "party", "partigruppe", "sete", "seat", "plass"}


@dataclass(frozen=True)
class MemberRow:
    """One member read from the file."""

    line: int
    name: str
    party: str
    seat: int


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    return [(number, [cell.strip() for cell in cells])
            for number, cells in enumerate(reader, start=1) if any(c.strip() for c in cells)]


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].lower() in HEADER_WORDS


def _read_line(number: int, cells: list[str], seats: int) -> tuple[MemberRow | None, str | None]:
    if len(cells) != 3:
        return None, _("Linje %(line)s: forventet tre kolonner (navn, parti, sete), fant "
                       "%(count)s.", line=number, count=len(cells))
    name, party, seat_text = cells
    if not name:
        return None, _("Linje %(line)s: navnet mangler.", line=number)
    if not party:
        return None, _("Linje %(line)s: partiet mangler.", line=number)
    if "\x00" in name + party:  # PostgreSQL can not store it
        return None, _("Linje %(line)s: inneholder et ugyldig tegn (NUL).", line=number)
    if not seat_text.isdecimal():  # isdigit() also takes "²", which int() refuses
        return None, _("Linje %(line)s: setet «%(seat)s» er ikke et helt tall.", line=number,
                       seat=seat_text)
    seat = int(seat_text) if len(seat_text) < 10 else 0  # int() refuses 4300 digits and more
    if not 1 <= seat <= seats:
        return None, _("Linje %(line)s: sete %(seat)s finnes ikke (setene er 1–%(seats)s).",
                       line=number, seat=seat or seat_text, seats=seats)
    if len(name) > 200 or len(party) > 120:
        return None, _("Linje %(line)s: navnet eller partiet er for langt.", line=number)
    return MemberRow(number, name, party, seat), None


def parse_members(text: str, seats: int, taken: dict[int, str]) -> tuple[list[MemberRow],
                                                                         list[str]]:
    """The members in `text` and, per bad line, a Norwegian message with its line number.

    `taken` maps seats already held in the term to the holder's name.
    """
    members: list[MemberRow] = []
    errors: list[str] = []
    used: dict[int, int] = {}
    rows = _rows(text)
    if rows and _is_header(rows[0][1]):
        rows = rows[1:]
    for number, cells in rows:
        row, error = _read_line(number, cells, seats)
        if error:
            errors.append(error)
        elif row.seat in used:
            errors.append(_("Linje %(line)s: sete %(seat)s står også på linje %(other)s.",
                            line=number, seat=row.seat, other=used[row.seat]))
        elif row.seat in taken:
            errors.append(_("Linje %(line)s: sete %(seat)s har allerede %(name)s.",
                            line=number, seat=row.seat, name=taken[row.seat]))
        else:
            used[row.seat] = number
            members.append(row)
    if not rows:
        errors.append(_("Filen inneholder ingen medlemmer."))
    return members, errors
