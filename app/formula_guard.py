"""The one guard every spreadsheet export goes through: no cell becomes a live formula.

A text that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is read as a formula
by Excel and LibreOffice (OWASP: CSV injection). In CSV such a text is written with a leading
apostrophe, which the spreadsheet shows as plain text and the register import removes again.
In XLSX the cell is stored as a text cell, so it is shown exactly as typed and never runs.
Numbers and dates pass unchanged (a negative number is a number, not a formula).
"""

from __future__ import annotations

from datetime import date
from typing import Any

# Fullwidth equals/plus/minus/at are read as formulas by Excel in some locales too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value: Any) -> bool:
    """True for a text a spreadsheet would take as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: empty for None, ISO dates, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(value) else text


def csv_row(values) -> list[str]:
    """Every value of a row through `csv_cell`."""
    return [csv_cell(value) for value in values]


def unguard_csv_text(cell: str) -> str:
    """The import's inverse of `csv_cell`: drop the apostrophe the export added."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def xlsx_row(sheet, values) -> list:
    """A row for `sheet.append`: formula-like texts as text cells, everything else as is."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # a text cell: shown as typed, never evaluated
            row.append(cell)
        else:
            row.append(value)
    return row
