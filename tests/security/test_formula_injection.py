"""Every spreadsheet export neutralises formula-like text (CSV injection), route by route."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.formula_guard import FORMULA_STARTS, csv_cell, unguard_csv_text
from app.models import Arena, Assessment, Cycle
from tests.conftest import OFFICE, login

HYPERLINK = '=HYPERLINK("http://evil.example","click")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


def poison(year: int = 2021) -> None:
    """Formula-like texts in an arena name, a free-text answer and the decision text."""
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == year))
    assessment = db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle.id)).first()
    assessment.arena.name = HYPERLINK
    answers = dict(assessment.answers or {})
    key = cycle.criteria_set.criteria[0].key
    answers[key] = {**(answers.get(key) or {}), "text": DDE}
    assessment.answers = answers
    assessment.recommendation_reason = PLUS
    assessment.decision_text = AT
    db.session.commit()


def no_formula_in(data: bytes) -> list[str]:
    """Cells of every sheet of a workbook, asserting none is stored as a formula."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = load_workbook(io.BytesIO(data)).active
    texts = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                texts.append(cell.value)
    return texts


def csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("text", [HYPERLINK, DDE, PLUS, AT, "-2+3", "\t=1", "＝1+1"])
def test_the_guard_prefixes_every_formula_start_and_the_import_undoes_it(text):
    assert csv_cell(text) == "'" + text
    assert unguard_csv_text(csv_cell(text)) == text
    assert csv_cell(-5) == "-5" and csv_cell("Bergen") == "Bergen" and csv_cell(None) == ""
    assert text.startswith(FORMULA_STARTS)


def test_assessment_xlsx_export_writes_formulas_as_text(client):
    poison()
    login(client, OFFICE)
    response = client.get("/documents/2021/export.xlsx")
    assert response.status_code == 200
    texts = no_formula_in(response.data)
    for text in (HYPERLINK, DDE, PLUS, AT):
        assert text in texts  # shown exactly as typed, as text


def test_assessment_csv_export_prefixes_formulas(client):
    poison()
    login(client, OFFICE)
    response = client.get("/documents/2021/export.csv")
    assert response.status_code == 200
    cells = csv_cells(response.data)
    for text in (HYPERLINK, DDE, PLUS, AT):
        assert "'" + text in cells and text not in cells
    assert not any(c.startswith(FORMULA_STARTS) for c in cells)


def test_register_export_routes_neutralise_formulas(client):
    poison()
    login(client, OFFICE)
    csv_data = client.get("/arenas/export?format=csv").data
    assert "'" + HYPERLINK in csv_cells(csv_data)
    assert not any(c.startswith(FORMULA_STARTS) for c in csv_cells(csv_data))
    xlsx = client.get("/arenas/export?format=xlsx")
    assert xlsx.status_code == 200 and HYPERLINK in no_formula_in(xlsx.data)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_register_export_command_neutralises_formulas(app, runner, tmp_path, suffix):
    arena = db.session.scalars(sa.select(Arena)).first()
    arena.name = DDE
    db.session.commit()
    target = tmp_path / f"register.{suffix}"
    result = runner.invoke(args=["arenas", "export", str(target)])
    assert result.exit_code == 0, result.output
    if suffix == "csv":
        cells = csv_cells(target.read_bytes())
        assert "'" + DDE in cells and not any(c.startswith(FORMULA_STARTS) for c in cells)
    else:
        assert DDE in no_formula_in(target.read_bytes())
