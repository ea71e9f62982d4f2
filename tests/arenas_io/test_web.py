"""The upload and download pages: council office only, CSRF, size limit, and what people see."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.arenas_io.files import arena, arena_count, csv_bytes, new_rows, problem_rows, row, upload
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    SECRETARY,
    csrf_token,
    fingerprint,
    login,
)

OTHERS = [CONTACT, COMMISSIONER, SECRETARY, ADMIN]
GOOD_FILE = csv_bytes([row(key="ny-arena", name="Ny arena")])


def test_the_register_links_to_the_import_page(client):
    login(client, OFFICE)
    assert 'href="/arenas/import"' in client.get("/arenas/").text


def test_the_import_page_has_the_form_and_the_downloads(client):
    login(client, OFFICE)
    response = client.get("/arenas/import")
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<label class="ds-label" for="file">', page)
    assert 'name="csrf_token"' in page
    for fmt in ("csv", "xlsx", "yaml"):
        assert f'href="/arenas/export?format={fmt}"' in page
    assert "last-import" not in page  # nothing imported yet


@pytest.mark.parametrize("email", OTHERS)
def test_other_roles_get_403_and_change_nothing(client, email):
    login(client, email)
    before = fingerprint()
    assert client.get("/arenas/import").status_code == 403
    assert client.get("/arenas/export?format=csv").status_code == 403
    assert client.get("/arenas/export?format=xlsx").status_code == 403
    assert upload(client, GOOD_FILE).status_code == 403
    assert fingerprint() == before


def test_anonymous_visitors_are_sent_to_log_in(client):
    before = fingerprint()
    for url in ("/arenas/import", "/arenas/export?format=csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert upload(client, GOOD_FILE).status_code == 302
    assert fingerprint() == before


def test_a_good_upload_imports_and_shows_what_changed(client):
    login(client, OFFICE)
    data = csv_bytes([row(key="ny-arena", name="Ny arena"),
                      {"key": "eurocities", "name": "Eurocities", "kind": "network",
                       "responsible": "BL;KMB", "status": "member", "yearly_cost": "99"}],
                     columns=("key", "name", "kind", "responsible", "status", "yearly_cost"))
    response = upload(client, data, "register.csv")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/arenas/import")
    page = client.get("/arenas/import").text
    assert "Importen er fullført. Nye: 1, endret: 1, uendret: 0." in page
    last = page[page.index('id="last-import"'):]
    assert "register.csv" in last and "Kristin Kontor" in last
    assert "<td>Ny arena</td><td>Ny</td>" in last
    assert "<td>Eurocities</td><td>Årlig kostnad (kr), Ansvar</td>" in last
    assert arena("ny-arena").name == "Ny arena"


def test_a_bad_row_among_two_hundred_is_shown_and_nothing_is_saved(client):
    login(client, OFFICE)
    rows = new_rows(200)
    rows[136]["member_since"] = "1066"
    before, count = fingerprint(), arena_count()
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 400
    assert "Ingenting er importert" in response.text
    assert problem_rows(response.text) == [
        ("138", "member_since", "Ugyldig årstall «1066»: oppgi et år fra 1800 til 2027.")]
    assert fingerprint() == before
    assert arena_count() == count


def test_every_bad_row_is_listed_on_the_page(client):
    login(client, OFFICE)
    rows = [row(key="a-1", name="A", kind="klubb"), row(key="b-1", name="B"),
            row(key="c-1", name="C", responsible="XYZ")]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 400
    assert [(line, column) for line, column, _m in problem_rows(response.text)] == [
        ("2", "kind"), ("4", "responsible")]


def test_an_unsupported_file_type_is_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    response = upload(client, b"%PDF-1.4", "arenaer.pdf")
    assert response.status_code == 400
    assert problem_rows(response.text) == [
        ("–", "–", "Filtypen støttes ikke. Bruk .csv, .xlsx eller .yaml.")]
    assert fingerprint() == before


def test_no_file_is_refused_next_to_the_field(client):
    login(client, OFFICE)
    response = upload(client, b"", "")
    assert response.status_code == 400
    assert 'id="file-error"' in response.text and "Velg en fil." in response.text


def test_an_upload_without_csrf_token_is_refused(client):
    login(client, OFFICE)
    before = fingerprint()
    response = client.post("/arenas/import", data={"file": (io.BytesIO(GOOD_FILE), "a.csv")})
    assert response.status_code == 400
    assert fingerprint() == before


def multipart(token: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body built by hand (the test client would spool a large one to a file)."""
    boundary = "grense1234567890"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            'filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n')
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(("size", "status"), [(5 * 1024 * 1024 + 1, 400), (6 * 1024 * 1024, 413)])
def test_uploads_over_the_size_limit_are_refused(client, size, status):
    """Just over 5 MB reaches the importer, which refuses it; far over is cut off unread."""
    login(client, OFFICE)
    body, content_type = multipart(csrf_token(client), b"x" * size)
    before = fingerprint()
    response = client.post("/arenas/import", data=body, content_type=content_type)
    assert response.status_code == status
    if status == 400:
        assert problem_rows(response.text) == [("–", "–", "Filen er for stor (høyst 5 MB).")]
    assert fingerprint() == before


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("yaml", "application/yaml; charset=utf-8"),
])
def test_the_register_downloads_as_a_file(client, fmt, content_type):
    login(client, OFFICE)
    response = client.get(f"/arenas/export?format={fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert re.fullmatch(rf'attachment; filename="?arenaregister-\d{{4}}-\d\d-\d\d\.{fmt}"?',
                        response.headers["Content-Disposition"])
    assert len(response.data) > 1000


def test_the_download_is_csv_by_default_and_refuses_unknown_formats(client):
    login(client, OFFICE)
    assert client.get("/arenas/export").data.startswith(b"\xef\xbb\xbfkey;name;")
    assert client.get("/arenas/export?format=pdf").status_code == 400


def test_the_xlsx_download_opens_in_openpyxl(client):
    login(client, OFFICE)
    sheet = load_workbook(io.BytesIO(client.get("/arenas/export?format=xlsx").data)).active
    assert sheet.max_row == arena_count() + 1
