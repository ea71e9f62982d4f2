"""Generated files never cause a 500 or a crash, and never import part of a file.

Each example is checked on its own: a refused file leaves every row of the database as it was;
an accepted one was imported whole, so importing it a second time changes nothing.
"""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arenas.exporting import COLUMNS
from app.arenas.importing import ILLEGAL_CHARACTERS as ILLEGAL
from tests.arenas_io.files import csv_bytes, file_bytes, row, xlsx_bytes
from tests.conftest import OFFICE, csrf_token, fingerprint, login

SETTINGS = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
NAMES = ["arenaer.csv", "arenaer.xlsx", "arenaer.yaml", "arenaer.yml", "arenaer.txt", ""]
GOOD_XLSX = xlsx_bytes([row(key="fuzz-1", name="Fuzz")])

# Cells: mostly values the importer knows (so some rows pass), some anything at all.
KNOWN_VALUES = st.sampled_from([
    "", " ", "KML", "kml;ASB", "XYZ", "network", "Friendship_City", "klubb", "member",
    "proposed", "left", "leaving", "2001", "1799", "-5", "12 500", "1e3", "eurocities",
    "Eurocities", "EurEau", "fuzz-1", "Fuzz", "Fuzz 2", "=SUM(A1)", "'-x", "ny-arena",
])
CELLS = st.one_of(KNOWN_VALUES, KNOWN_VALUES, st.text(max_size=30))
HEADERS = st.one_of(
    st.permutations(COLUMNS).map(list),
    st.lists(st.sampled_from([*COLUMNS, "since", "", "Name", " KEY "]), min_size=1, max_size=8),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    st.dates(), KNOWN_VALUES)
YAML_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=10)
YAML_ENTRIES = st.dictionaries(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=8)),
                               st.one_of(KNOWN_VALUES, YAML_VALUES), max_size=8)


@st.composite
def csv_files(draw) -> bytes:
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 1), max_size=6))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from(",;\t")),
                        lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if draw(st.booleans()) else "").encode() + buffer.getvalue().encode(
        "utf-8", "surrogatepass")


@st.composite
def nearly_good_files(draw) -> tuple[str, bytes]:
    """Good rows with a cell or two changed: many import, some are refused by one row."""
    rows = []
    for number in range(draw(st.integers(1, 5))):
        values = row(key=draw(st.sampled_from(["", f"fuzz-{number}", "eurocities"])),
                     name=draw(st.sampled_from([f"Fuzz {number}", "Eurocities", "Fuzz"])))
        if values["key"] == "eurocities" or values["name"] == "Eurocities":
            values.update(name="Eurocities", responsible="BL", status="member")
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=2)):
            values[column] = draw(CELLS)
        rows.append(values)
    fmt = draw(st.sampled_from(["csv", "xlsx", "yaml"]))
    if fmt == "xlsx" and any(ILLEGAL.search(str(v)) for r in rows for v in r.values()):
        fmt = "csv"  # openpyxl can not write control characters
    return f"arenaer.{fmt}", file_bytes(fmt, rows)


@st.composite
def yaml_files(draw) -> bytes:
    document = draw(st.one_of(st.lists(YAML_ENTRIES, max_size=5), YAML_VALUES))
    return yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass")


@st.composite
def broken_xlsx(draw) -> bytes:
    """A good workbook with a few bytes changed or cut off."""
    data = bytearray(GOOD_XLSX)
    for _ in range(draw(st.integers(1, 4))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(10, len(data)))])


FILES = {
    "bytes": st.tuples(st.sampled_from(NAMES), st.binary(max_size=3000)),
    "csv cells": st.tuples(st.just("arenaer.csv"), csv_files()),
    "nearly good rows": nearly_good_files(),
    "yaml structures": st.tuples(st.sampled_from(["arenaer.yaml", "arenaer.yml"]), yaml_files()),
    "yaml text": st.tuples(st.just("arenaer.yaml"), st.text(max_size=300).map(
        lambda t: t.encode("utf-8", "surrogatepass"))),
    "broken xlsx": st.tuples(st.just("arenaer.xlsx"), broken_xlsx()),
}


def assert_whole_or_nothing(accepted: bool, before: str, import_again) -> None:
    """Refused: the database as it was. Accepted: all of it, so a second import changes nothing."""
    if not accepted:
        assert fingerprint() == before
        return
    after = fingerprint()
    assert import_again() is True
    assert fingerprint() == after


@pytest.mark.parametrize("kind", list(FILES))
def test_generated_files_through_the_upload_view(client, kind):
    login(client, OFFICE)
    token = csrf_token(client)

    def send(filename: str, data: bytes):
        return client.post("/arenas/import", data={
            "csrf_token": token, "file": (io.BytesIO(data), filename or "uten-navn")})

    @SETTINGS
    @given(FILES[kind])
    def check(file):
        filename, data = file
        before = fingerprint()
        response = send(filename, data)
        assert response.status_code in (302, 400), response.status_code

        def again() -> bool:
            second = send(filename, data)
            return second.status_code == 302 and "Nye: 0, endret: 0," in client.get(
                "/arenas/import").text

        assert_whole_or_nothing(response.status_code == 302, before, again)

    check()


@pytest.mark.parametrize("kind", list(FILES))
def test_generated_files_through_the_cli(runner, tmp_path, kind):
    @SETTINGS
    @given(FILES[kind])
    def check(file):
        filename, data = file
        path = tmp_path / (filename or "uten-navn")
        path.write_bytes(data)
        before = fingerprint()
        result = runner.invoke(args=["arenas", "import", str(path)])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception)

        def again() -> bool:
            second = runner.invoke(args=["arenas", "import", str(path)])
            return second.exit_code == 0 and "Nye: 0, endret: 0," in second.stdout

        assert_whole_or_nothing(result.exit_code == 0, before, again)

    check()


def test_the_generators_do_produce_accepted_files(run_import):
    """Guard for the tests above: known values can make a file that imports."""
    data = csv_bytes([{"name": "Fuzz 2", "kind": "network", "responsible": "kml;ASB"}],
                     columns=("name", "kind", "responsible"))
    assert run_import("arenaer.csv", data).created == ["Fuzz 2"]
