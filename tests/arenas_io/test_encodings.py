"""UTF-8 with or without BOM, and Excel's CSV (semicolons, CRLF, quoted fields), all import."""

from __future__ import annotations

import pytest

from tests.arenas_io.files import arena, csv_bytes, row

TRICKY = row(key="blabaer", name='Blåbær "Sør"; og, nord', responsible="KML;ASB",
             description_nb="Linje én;\r\nlinje «to», med komma\r\n\"sitat\"",
             contact_persons="Åse Ødegård", yearly_cost="12 500")


def check_imported() -> None:
    made = arena("blabaer")
    assert made is not None
    assert made.name == 'Blåbær "Sør"; og, nord'
    assert made.description_nb == "Linje én;\r\nlinje «to», med komma\r\n\"sitat\""
    assert made.contact_persons == "Åse Ødegård"
    assert [p.code for p in made.portfolios] == ["ASB", "KML"]
    assert made.yearly_cost == 12_500


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
@pytest.mark.parametrize(("delimiter", "lineterminator", "quote_all"), [
    (",", "\n", False),
    (";", "\r\n", True),  # Excel's "CSV UTF-8" with Norwegian regional settings
    (";", "\r\n", False),
    ("\t", "\r\n", False),
], ids=["comma-lf", "excel-semicolon-crlf-quoted", "semicolon-crlf", "tab"])
def test_csv_dialects_import(run_import, bom, delimiter, lineterminator, quote_all):
    data = csv_bytes([TRICKY], delimiter=delimiter, lineterminator=lineterminator,
                     quote_all=quote_all, bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") == bom
    report = run_import("a.csv", data)
    assert report.created == ['Blåbær "Sør"; og, nord']
    check_imported()


def test_an_excel_file_by_hand(run_import):
    data = ("\ufeff\"key\";\"name\";\"kind\";\"responsible\";\"yearly_cost\"\r\n"
            "\"blabaer\";\"Blåbær \"\"Sør\"\"; og, nord\";\"network\";\"KML;ASB\";\"12 500\"\r\n"
            "\r\n").encode("utf-8")
    run_import("A.CSV", data)
    made = arena("blabaer")
    assert (made.name, made.yearly_cost) == ('Blåbær "Sør"; og, nord', 12_500)


def test_yaml_with_a_bom_imports(run_import):
    data = "\ufeff- key: blabaer\n  name: Blåbær\n  kind: network\n  responsible: KML\n"
    run_import("a.yml", data.encode("utf-8"))
    assert arena("blabaer").name == "Blåbær"


def test_a_single_column_file_needs_no_delimiter(refusal):
    problems = refusal("a.csv", "name\nBlåbær\n".encode())
    assert [p[1] for p in problems] == ["kind", "responsible"]  # read, then checked


def test_blank_lines_before_the_header_do_not_hide_the_delimiter(run_import):
    data = b"\r\n;;\r\nkey;name;kind;responsible\r\nny-1;Ny;network;KML\r\n"
    assert run_import("a.csv", data).created == ["Ny"]
