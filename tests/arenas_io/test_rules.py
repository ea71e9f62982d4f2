"""Every kind of bad row or bad file gets its own message on the right line; nothing is saved."""

from __future__ import annotations

import pytest

from app.arenas.exporting import COLUMNS
from tests.arenas_io.files import (
    arena,
    arena_count,
    csv_bytes,
    file_bytes,
    new_rows,
    row,
    xlsx_bytes,
    yaml_bytes,
)
from tests.conftest import fingerprint

GOOD = row(key="good-one", name="God arena")
# (name, how the row differs from a good one, column, a part of the message). The bad row is the
# file's second data row: line 3 in CSV and XLSX (header on line 1), line 15 in YAML.
BAD_ROWS = [
    ("unknown portfolio", dict(responsible="KML;XYZ"), "responsible",
     "Ukjent kode for byrådsavdeling: «XYZ»."),
    ("no portfolio", dict(responsible=" ; "), "responsible", "Ansvarlig byrådsavdeling mangler."),
    ("missing name", dict(name="  "), "name", "Navn mangler."),
    ("name in use", dict(name="eurocities"), "name",
     "Navnet «eurocities» brukes allerede av en annen arena (nøkkel «eurocities»)."),
    ("year not a number", dict(member_since="19x"), "member_since",
     "Ugyldig årstall «19x»: oppgi et år fra 1800 til 2027."),
    ("year too early", dict(member_since="1799"), "member_since", "Ugyldig årstall «1799»"),
    ("year in the future", dict(member_since="2028"), "member_since", "Ugyldig årstall «2028»"),
    ("negative cost", dict(yearly_cost="-5"), "yearly_cost", "Beløpet kan ikke være negativt."),
    ("cost not a number", dict(yearly_cost="mye"), "yearly_cost",
     "Ugyldig beløp «mye»: oppgi hele kroner, 0 eller mer."),
    ("cost with decimals", dict(yearly_cost="12,50"), "yearly_cost", "Ugyldig beløp «12,50»"),
    ("unknown kind", dict(kind="klubb"), "kind", "Ukjent type «klubb». Gyldige typer: "
     "organisation, network, programme, friendship_city."),
    ("no kind", dict(kind=""), "kind", "Type mangler."),
    ("unknown status", dict(status="aktiv"), "status",
     "Ukjent status «aktiv». Gyldige: proposed, member, leaving, left."),
    ("new arena that left", dict(status="left"), "status",
     "En ny arena kan bare registreres som proposed eller member."),
    ("status of an existing arena", dict(key="eurocities", name="Eurocities", kind="network",
                                        responsible="BL", status="leaving"), "status",
     "Statusen kan ikke endres ved import (nå «member», i filen «leaving»)"),
    ("bad key", dict(key="Ny Arena!"), "key", "Ugyldig nøkkel «Ny Arena!»"),
    ("name too long", dict(name="x" * 301), "name", "Teksten er for lang (høyst 300 tegn)."),
    ("control character", dict(description_nb="a\x00b"), "description_nb",
     "Verdien inneholder ugyldige kontrolltegn."),
    ("bad sort order", dict(sort_order="-1"), "sort_order", "Ugyldig sorteringsrekkefølge «-1»"),
]


# openpyxl can not write a control character into a sheet, so that case has no XLSX file.
BAD_ROW_CASES = [pytest.param(fmt, *case, id=f"{case[0]}-{fmt}")
                 for case in BAD_ROWS for fmt in ("csv", "xlsx", "yaml")
                 if not (fmt == "xlsx" and case[0] == "control character")]


@pytest.mark.parametrize(("fmt", "case", "bad", "column", "message"), BAD_ROW_CASES)
def test_each_bad_row_is_named_with_its_reason(refusal, fmt, case, bad, column, message):
    before = fingerprint()
    bad_row = row(**{"name": "Ny arena", **bad})
    problems = refusal(f"arenaer.{fmt}", file_bytes(fmt, [GOOD, bad_row]))
    line = 15 if fmt == "yaml" else 3  # YAML: the first entry takes 14 lines, one per column
    assert len(problems) == 1, problems
    assert problems[0][:2] == (line, column)
    assert message in problems[0][2]
    assert fingerprint() == before
    assert arena("good-one") is None


def test_yaml_problems_carry_the_line_where_the_entry_starts(refusal):
    data = yaml_bytes([{"name": "A", "kind": "network", "responsible": "KML"},
                       {"name": "B", "kind": "klubb", "responsible": "KML"}])
    assert refusal("a.yaml", data)[0][:2] == (4, "kind")


def test_duplicates_within_the_file_name_the_earlier_line(refusal):
    rows = [row(key="a-1", name="Alfa"), row(key="a-1", name="Beta"), row(key="c-1", name="alfa"),
            row(key="eurocities", name="Eurocities", responsible="BL", status="member"),
            row(key="", name="Eurocities", responsible="BL", status="member")]
    assert refusal("a.csv", csv_bytes(rows)) == [
        (3, "key", "Nøkkelen «a-1» står også på linje 2."),
        (4, "name", "Navnet «alfa» står også på linje 2."),
        (6, "", "Arenaen «Eurocities» står også på linje 5."),
    ]


def test_every_bad_row_is_reported_in_line_order(refusal):
    description = "første linje\nandre linje\ntredje linje"  # one cell over three lines
    rows = [row(key="a-1", name="A", description_nb=description, responsible="XYZ"),
            row(key="b-1", name="B", member_since="to tusen"),
            row(key="c-1", name="C"),
            row(key="d-1", name="", yearly_cost="-1")]
    problems = refusal("a.csv", csv_bytes(rows))
    assert [(line, column) for line, column, _m in problems] == [
        (2, "responsible"), (5, "member_since"), (7, "name"), (7, "yearly_cost")]


def test_line_numbers_count_blank_lines(refusal):
    data = csv_bytes([row(key="a-1", name="A"), row(key="b-1", name="B", kind="x")])
    data = data.replace(b"\na-1", b"\n\n\na-1")
    assert refusal("a.csv", data)[0][:2] == (5, "kind")


# --------------------------------------------------------------------------- whole files


def test_a_file_that_is_not_utf8_names_every_line_with_a_bad_byte(refusal):
    text = "name,kind,responsible\nBlåbær,network,KML\nAlfa,network,KML\nRød,network,KML\n"
    problems = refusal("a.csv", text.encode("cp1252"))
    assert [p[0] for p in problems] == [2, 4]
    assert "Linjen er ikke gyldig UTF-8. Lagre filen som «CSV UTF-8»" in problems[0][2]


def test_utf16_is_refused_as_not_utf8(refusal):
    problems = refusal("a.csv", csv_bytes([row(name="Blåbær")], encoding="utf-16"))
    assert problems and all("ikke gyldig UTF-8" in p[2] for p in problems)


@pytest.mark.parametrize(("filename", "data", "expected"), [
    ("a.xlsx", b"not a zip file", (None, "Filen kan ikke leses som et Excel-regneark (.xlsx).")),
    ("a.xlsx", b"PK\x03\x04broken", (None, "Filen kan ikke leses som et Excel-regneark (.xlsx).")),
    ("a.yaml", b"- name: [unclosed\n- x: 1\n", (2, "Filen kan ikke leses som YAML.")),
    ("a.yaml", b"name: Eurocities\n",
     (None, "YAML-filen må være en liste med én oppføring per arena.")),
    ("a.yaml", b"- just text\n",
     (1, "Oppføringen må være en samling av felt (kolonne: verdi).")),
    ("a.yaml", b"- name: x\n  kind: network\n  responsible: KML\n  since: 2001\n",
     (1, "Ukjent kolonne «since»")),
    ("a.txt", b"name\nx\n", (None, "Filtypen støttes ikke. Bruk .csv, .xlsx eller .yaml.")),
    ("a.csv", b"", (None, "Filen inneholder ingen arenaer.")),
    ("a.csv", b"\xef\xbb\xbfkey,name,kind,responsible\r\n",
     (None, "Filen inneholder ingen arenaer.")),
    ("a.yaml", b"[]\n", (None, "Filen inneholder ingen arenaer.")),
    ("a.csv", b"name;kind;since\nx;network;2001\n",
     (1, "Ukjent kolonne «since». Gyldige kolonner:")),
    ("a.csv", b"name;kind;name\nx;network;y\n", (1, "Kolonnen «name» står flere ganger.")),
    ("a.csv", b"name;;kind\nx;;network\n", (1, "Kolonne 2 mangler overskrift.")),
    ("a.csv", b"kind;responsible\nnetwork;KML\n",
     (1, "Overskriftsraden må ha kolonnen «key» eller «name».")),
    ("a.csv", b"name;kind;responsible\nx;network;KML;extra\n",
     (2, "Raden har flere celler enn overskriftsraden.")),
    ("a.csv", b"name\n\"" + b"x" * 140_000 + b"\"\n",
     (2, "Linjen kan ikke leses som CSV (sjekk anførselstegnene).")),
])
def test_unreadable_files_are_refused_with_a_reason(refusal, filename, data, expected):
    problems = refusal(filename, data)
    assert len(problems) == 1, problems
    assert problems[0][0] == expected[0]
    assert problems[0][2].startswith(expected[1])


def test_a_file_over_the_size_limit_is_refused(refusal):
    problems = refusal("a.csv", b"name\n" + b"x" * (5 * 1024 * 1024))
    assert problems == [(None, "", "Filen er for stor (høyst 5 MB).")]


def test_a_file_with_too_many_rows_is_refused(refusal):
    problems = refusal("a.csv", b"name,kind,responsible\n" + b"x,network,KML\n" * 5001)
    assert problems == [(None, "", "Filen har for mange rader (høyst 5000 arenaer).")]


def test_an_xlsx_that_unpacks_too_large_is_refused(refusal):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"\0" * (51 * 1024 * 1024))
    assert refusal("a.xlsx", buffer.getvalue()) == [(None, "", "Regnearket er for stort.")]


def test_xlsx_rows_are_numbered_as_in_the_sheet(refusal):
    data = xlsx_bytes([row(key="a-1", name="A"), {}, row(key="b-1", name="B", kind="x")])
    assert refusal("a.xlsx", data)[0][:2] == (4, "kind")


def test_two_hundred_rows_with_one_bad_row_change_nothing(refusal):
    rows = new_rows(200)
    rows[136]["responsible"] = "KML;FINNES-IKKE"
    before, count = fingerprint(), arena_count()
    problems = refusal("a.csv", csv_bytes(rows))
    assert problems == [(138, "responsible", "Ukjent kode for byrådsavdeling: «FINNES-IKKE».")]
    assert fingerprint() == before
    assert arena_count() == count


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "yaml"])
def test_two_hundred_good_rows_all_arrive(run_import, fmt):
    count = arena_count()
    report = run_import(f"a.{fmt}", file_bytes(fmt, new_rows(200)))
    assert len(report.created) == 200 and not report.updated and not report.unchanged
    assert arena_count() == count + 200
    made = arena("testarena-137")
    assert (made.name, made.member_since, made.yearly_cost) == ("Testarena 137", 2017, 137_000)
    assert [p.code for p in made.portfolios] == ["KML"]


def test_columns_are_the_documented_ones():
    assert COLUMNS == (
        "key", "name", "kind", "responsible", "executing_unit", "via", "membership_type",
        "member_since", "yearly_cost", "status", "description_nb", "description_en",
        "contact_persons", "sort_order")
