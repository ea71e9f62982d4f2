"""Writing the arena register to CSV, XLSX or YAML: one row per arena, the import's columns.

Export → import round-trips unchanged in all three formats: the importer reads back exactly
what is written here (see importing.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath
from typing import Any

import yaml
from openpyxl import Workbook

from app.extensions import db
from app.formula_guard import FORMULA_STARTS, csv_cell, xlsx_row
from app.models import Arena

# The register's columns, in file order (import and export share them).
COLUMNS = (
    "key", "name", "kind", "responsible", "executing_unit", "via", "membership_type",
    "member_since", "yearly_cost", "status", "description_nb", "description_en",
    "contact_persons", "sort_order",
)
PORTFOLIO_SEPARATOR = ";"
FORMATS = ("csv", "xlsx", "yaml")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".yaml": "yaml", ".yml": "yaml"}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/yaml; charset=utf-8",
}
# A cell starting with one of FORMULA_STARTS is a formula to Excel: every export goes through
# app/formula_guard.py, and the import removes the apostrophe it adds to CSV cells again.
__all__ = ["COLUMNS", "FORMATS", "FORMULA_STARTS", "MIMETYPES", "export_register", "format_of"]
CSV_DELIMITER = ";"  # what Excel with Norwegian regional settings reads as columns


def format_of(filename: str) -> str | None:
    """'csv', 'xlsx' or 'yaml' from a file name's extension; None when not supported."""
    return EXTENSIONS.get(PurePath(filename or "").suffix.lower())


def arena_row(arena: Arena) -> dict[str, Any]:
    """One arena as the file's columns (numbers stay numbers, missing ones are None)."""
    return {
        "key": arena.key, "name": arena.name, "kind": arena.kind.value,
        "responsible": PORTFOLIO_SEPARATOR.join(p.code for p in arena.portfolios),
        "executing_unit": arena.executing_unit, "via": arena.via,
        "membership_type": arena.membership_type, "member_since": arena.member_since,
        "yearly_cost": arena.yearly_cost, "status": arena.status.value,
        "description_nb": arena.description_nb, "description_en": arena.description_en,
        "contact_persons": arena.contact_persons, "sort_order": arena.sort_order,
    }


def register_rows() -> list[dict[str, Any]]:
    """Every arena (archived ones too) in register order, as file rows."""
    query = db.select(Arena).order_by(Arena.sort_order.is_(None), Arena.sort_order, Arena.name)
    return [arena_row(arena) for arena in db.session.scalars(query)]


def export_register(fmt: str) -> bytes:
    """The whole register as a file in `fmt` ('csv', 'xlsx' or 'yaml')."""
    writers = {"csv": to_csv, "xlsx": to_xlsx, "yaml": to_yaml}
    return writers[fmt](register_rows())


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """Excel's CSV: UTF-8 with BOM, semicolons, CRLF, quotes where needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(row[name]) for name in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """A workbook with one sheet: the header row, then one row per arena."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Arenaer"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(xlsx_row(sheet, [row[name] if row[name] != "" else None
                                      for name in COLUMNS]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _BlockDumper(yaml.SafeDumper):
    """Safe YAML that writes multi-line texts as readable literal blocks."""


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None  # the emitter falls back to quotes when it must
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_text)


def to_yaml(rows: list[dict[str, Any]]) -> bytes:
    """A YAML list with one mapping per arena, columns in file order."""
    return yaml.dump(rows, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False,
                     width=100).encode("utf-8")
