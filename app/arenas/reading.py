"""Reading an arena register file (CSV, XLSX or YAML) into rows with their line numbers.

Every way a file can be unreadable ends in ImportRefused with the line (when there is one) and
a reason in the user's language, never in an exception from the parsers.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml
from flask_babel import gettext as _
from openpyxl import load_workbook

from app.arenas.exporting import COLUMNS, FORMULA_STARTS, format_of

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more
MAX_SHEET_COLUMNS = 50
SNIFF_CHARS = 4096  # enough for any header; the sniffer's regular expressions stay fast


@dataclass(frozen=True)
class Problem:
    """One reason a file was refused: the line (None: the whole file), the column and why."""

    line: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        where = _("Linje %(line)s", line=self.line)
        return f"{where}{f' ({self.column})' if self.column else ''}: {self.message}"


class ImportRefused(Exception):
    """The file was not imported; `problems` lists every reason, in line order."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_position)
        super().__init__(f"{len(self.problems)} problem(s) in the file")


def _position(problem: Problem) -> tuple[int, int]:
    return problem.line or 0, COLUMNS.index(problem.column) if problem.column in COLUMNS else 99


def _refuse(message: str, line: int | None = None) -> NoReturn:
    raise ImportRefused([Problem(line, message)])


@dataclass(frozen=True)
class SourceRow:
    """One data row of a file: its line number and the cells of the columns the file has."""

    line: int
    cells: dict[str, Any]


@dataclass
class Sheet:
    """What was read from a file: its rows, and the rows that could not be read at all."""

    rows: list[SourceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------------- reading files


def read_register_file(filename: str, data: bytes) -> Sheet:
    """The rows of a register file; the format comes from the file name's extension."""
    fmt = format_of(filename)
    if fmt is None:
        _refuse(_("Filtypen støttes ikke. Bruk .csv, .xlsx eller .yaml."))
    if len(data) > MAX_BYTES:
        _refuse(_("Filen er for stor (høyst %(mb)s MB).", mb=MAX_BYTES // (1024 * 1024)))
    sheet = {"csv": _read_csv, "xlsx": _read_xlsx, "yaml": _read_yaml}[fmt](data)
    if not sheet.rows and not sheet.problems:
        _refuse(_("Filen inneholder ingen arenaer."))
    if len(sheet.rows) > MAX_ROWS:
        _refuse(_("Filen har for mange rader (høyst %(max)s arenaer).", max=MAX_ROWS))
    return sheet


def _decode(data: bytes) -> str:
    """The file as text (UTF-8, with or without BOM); else refused with every bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    if len(lines) > MAX_ROWS + 1:
        _refuse(_("Filen er ikke gyldig UTF-8. Lagre den som «CSV UTF-8» og prøv igjen."))
    message = _("Linjen er ikke gyldig UTF-8. Lagre filen som «CSV UTF-8» og prøv igjen.")
    raise ImportRefused([Problem(number, message) for number, line in enumerate(lines, 1)
                         if not _is_utf8(line)])


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(text: str) -> str:
    """The CSV delimiter, sniffed from the header line (comma when it has a single column)."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    try:
        return csv.Sniffer().sniff(header[:SNIFF_CHARS], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _unquote_formula(cell: str) -> str:
    """Undo the export's guard against CSV injection: "'=x" was written for "=x"."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    table: list[tuple[int, list]] = []
    start = 1
    try:
        for cells in reader:
            if any(_filled(c) for c in cells):
                table.append((start, [_unquote_formula(c) for c in cells]))
            start = reader.line_num + 1
            if len(table) > MAX_ROWS + 1:  # header + one row too many: refused as too long
                break
    except csv.Error:
        _refuse(_("Linjen kan ikke leses som CSV (sjekk anførselstegnene)."), start)
    return _table_sheet(table)


def _read_xlsx(data: bytes) -> Sheet:
    try:
        return _table_sheet(_xlsx_table(data))
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a broken file
        _refuse(_("Filen kan ikke leses som et Excel-regneark (.xlsx)."))


def _xlsx_table(data: bytes) -> list[tuple[int, list]]:
    """The first sheet's rows with their row numbers (blank rows skipped, row count capped)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            _refuse(_("Regnearket er for stort."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about Excel features it skips
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(
                min_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True)
            table = []
            for number, cells in enumerate(rows, 1):
                if any(_filled(c) for c in cells):
                    table.append((number, list(cells)))
                if len(table) > MAX_ROWS + 1:
                    break
            return table
        finally:
            workbook.close()


def _read_yaml(data: bytes) -> Sheet:
    """A YAML list of mappings, read like yaml.safe_load but keeping each entry's line."""
    text = _decode(data)
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except Exception as error:  # noqa: BLE001 - YAML's constructors raise more than YAMLError
        mark = getattr(error, "problem_mark", None)
        _refuse(_("Filen kan ikke leses som YAML."), mark.line + 1 if mark else None)
    finally:
        if loader is not None:
            loader.dispose()
    if document is None:
        return Sheet()
    if not isinstance(document, list):
        _refuse(_("YAML-filen må være en liste med én oppføring per arena."))
    if len(document) > MAX_ROWS:
        _refuse(_("Filen har for mange rader (høyst %(max)s arenaer).", max=MAX_ROWS))
    sheet = Sheet()
    for item, entry in zip(node.value, document, strict=True):
        _add_yaml_entry(sheet, item.start_mark.line + 1, entry)
    return sheet


def _add_yaml_entry(sheet: Sheet, line: int, entry: Any) -> None:
    if not isinstance(entry, dict):
        sheet.problems.append(Problem(line, _(
            "Oppføringen må være en samling av felt (kolonne: verdi).")))
        return
    cells = {}
    for key, value in entry.items():
        name = _column_name(key)
        if name in COLUMNS:
            cells[name] = value
        else:
            sheet.problems.append(Problem(line, _unknown_column(name)))
    sheet.rows.append(SourceRow(line, cells))


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _column_name(cell: Any) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip().lower()


def _unknown_column(name: str) -> str:
    return _("Ukjent kolonne «%(name)s». Gyldige kolonner: %(columns)s.", name=name,
             columns=", ".join(COLUMNS))


def _header(line: int, cells: list) -> list[str]:
    """The column names of a header row; refused when one is empty, unknown or repeated."""
    names = [_column_name(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    problems = []
    for position, name in enumerate(names):
        if not name:
            problems.append(Problem(line, _("Kolonne %(n)s mangler overskrift.", n=position + 1)))
        elif name not in COLUMNS:
            problems.append(Problem(line, _unknown_column(name)))
        elif name in names[:position]:
            problems.append(Problem(line, _("Kolonnen «%(name)s» står flere ganger.", name=name)))
    if not problems and "key" not in names and "name" not in names:
        problems.append(Problem(line, _("Overskriftsraden må ha kolonnen «key» eller «name».")))
    if problems:
        raise ImportRefused(problems)
    return names


def _table_sheet(table: list[tuple[int, list]]) -> Sheet:
    """Rows of a CSV file or a spreadsheet: the first non-blank row is the header."""
    table = [(line, cells) for line, cells in table if any(_filled(c) for c in cells)]
    if not table:
        return Sheet()
    columns = _header(*table[0])
    sheet = Sheet()
    for line, cells in table[1:]:
        if any(_filled(c) for c in cells[len(columns):]):
            sheet.problems.append(Problem(line, _("Raden har flere celler enn overskriftsraden.")))
            continue
        cells = cells + [None] * (len(columns) - len(cells))  # short rows: the rest is empty
        sheet.rows.append(SourceRow(line, dict(zip(columns, cells, strict=False))))
    return sheet
