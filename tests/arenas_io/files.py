"""Building register files for the import tests, and running an import like a user would."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
import yaml
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import Workbook

from app.arenas.exporting import COLUMNS
from app.extensions import db
from app.models import Arena
from tests.conftest import post

FILE_NAMES = {"csv": "arenaer.csv", "xlsx": "arenaer.xlsx", "yaml": "arenaer.yaml"}


def row(**values) -> dict[str, object]:
    """A good row for a new arena (network, KML), every column present; `values` override."""
    data = dict.fromkeys(COLUMNS, "")
    data.update(kind="network", responsible="KML", status="proposed")
    data.update(values)
    return data


def new_rows(count: int) -> list[dict[str, object]]:
    """`count` good rows for new arenas, numbered."""
    return [row(key=f"testarena-{n:03}", name=f"Testarena {n:03}", member_since=2000 + n % 20,
                yearly_cost=n * 1000, description_nb=f"Beskrivelse {n}") for n in range(count)]


def csv_bytes(rows: Sequence[dict], columns: Sequence[str] = COLUMNS, *, delimiter: str = ",",
              lineterminator: str = "\n", bom: bool = False, quote_all: bool = False,
              encoding: str = "utf-8") -> bytes:
    """A CSV file with a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for values in rows:
        writer.writerow(["" if values.get(c) is None else values.get(c, "") for c in columns])
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> bytes:
    """A workbook whose first sheet has a header row and the rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for values in rows:
        sheet.append([values.get(c) if values.get(c) != "" else None for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def yaml_bytes(rows: Iterable[dict]) -> bytes:
    """A YAML list of mappings."""
    return yaml.safe_dump(list(rows), allow_unicode=True, sort_keys=False).encode("utf-8")


def file_bytes(fmt: str, rows: Sequence[dict], columns: Sequence[str] = COLUMNS) -> bytes:
    """A register file in `fmt` with `rows`."""
    if fmt == "csv":
        return csv_bytes(rows, columns)
    if fmt == "xlsx":
        return xlsx_bytes(rows, columns)
    return yaml_bytes([{c: r.get(c) for c in columns} for r in rows])


def upload(client: FlaskClient, data: bytes, filename: str = "arenaer.csv", **kwargs):
    """POST a file to the import page the way the browser form does."""
    return post(client, "/arenas/import", {"file": (io.BytesIO(data), filename)}, **kwargs)


def cli_import(runner: FlaskCliRunner, tmp_path, data: bytes, filename: str = "arenaer.csv",
               *args: str):
    """`flask arenas import FILE` on a file with `data`."""
    path = tmp_path / filename
    path.write_bytes(data)
    return runner.invoke(args=["arenas", "import", str(path), *args])


def problem_rows(page: str) -> list[tuple[str, str, str]]:
    """(line, column, message) of each row of the upload page's table of problems."""
    table = re.search(r'<table[^>]*id="import-problems".*?<tbody>(.*?)</tbody>', page, re.S)
    if table is None:
        return []
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1))
    return [tuple(html.unescape(c) for c in cell) for cell in cells]


def arena(key: str) -> Arena | None:
    """The arena with `key`, read fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(sa.select(Arena).where(Arena.key == key))


def arena_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Arena))
