"""Council terms, party groups and members; the CSV import is all or nothing."""

from __future__ import annotations

import io

import sqlalchemy as sa

from app.extensions import db
from app.models.council import CouncilMember, CouncilTerm, PartyGroup
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from tests.council.conftest import audit_actions


def html(response) -> str:
    return response.get_data(as_text=True)


def upload(client, term_id: int, text: str, encoding: str = "utf-8"):
    return post(client, f"/council/terms/{term_id}/import",
                {"file": (io.BytesIO(text.encode(encoding)), "medlemmer.csv")},
                content_type="multipart/form-data")


def new_term(client, seats: int = 5) -> int:
    response = post(client, "/council/terms", {"name": "Bystyret 2027–2031",
                                              "starts_on": "2027-10-01",
                                              "ends_on": "2031-09-30", "seats": seats})
    assert response.status_code == 302, html(response)[:2000]
    return db.session.scalar(sa.select(CouncilTerm.id).where(
        CouncilTerm.name == "Bystyret 2027–2031"))


def members_of(term_id: int) -> list[tuple[int, str, str]]:
    db.session.rollback()
    return [(m.seat, m.name, m.party_group.name) for m in db.session.scalars(
        sa.select(CouncilMember).where(CouncilMember.term_id == term_id)
        .order_by(CouncilMember.seat))]


def test_the_demo_term_has_67_members_in_9_party_groups(client):
    login(client, SECRETARY)
    term = db.session.scalar(sa.select(CouncilTerm))
    assert (term.name, term.seats, len(term.members), len(term.party_groups)) == (
        "Bystyret 2019–2023", 67, 67, 9)
    page = html(client.get(f"/council/terms/{term.id}"))
    assert "Representant 67" in page and "Parti I" in page


def test_secretary_creates_a_term_and_imports_members(client):
    login(client, SECRETARY)
    term_id = new_term(client)
    response = upload(client, term_id, "Navn;Parti;Sete\nÅse Ødegård;Parti Æ;1\n"
                                       "Bjørn Berg;Parti B;2\n\nCecilie Ås;Parti Æ;3\n")
    assert response.status_code == 302, html(response)[:3000]
    assert members_of(term_id) == [(1, "Åse Ødegård", "Parti Æ"), (2, "Bjørn Berg", "Parti B"),
                                   (3, "Cecilie Ås", "Parti Æ")]
    assert audit_actions("council_term", term_id) == ["council_term_created",
                                                      "council_members_imported"]
    assert "3 medlemmer er importert." in html(client.get(f"/council/terms/{term_id}"))


def test_excel_files_in_windows_1252_with_commas_are_read(client):
    login(client, SECRETARY)
    term_id = new_term(client)
    assert upload(client, term_id, "Pål Ørn,Parti Ø,4\n", "cp1252").status_code == 302
    assert members_of(term_id) == [(4, "Pål Ørn", "Parti Ø")]


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(client):
    login(client, SECRETARY)
    term_id = new_term(client, seats=5)
    before = fingerprint()
    response = upload(client, term_id, "navn;parti;sete\n"
                                       "Anne A;Parti A;1\n"
                                       ";Parti A;2\n"
                                       "Berit B;Parti B;tre\n"
                                       "Carl C;Parti C;9\n"
                                       "Dina D;Parti D;1\n"
                                       "Eva E;Parti E\n")
    assert response.status_code == 400
    page = html(response)
    assert "Ingen medlemmer ble importert." in page
    for message in ("Linje 3: navnet mangler.",
                    "Linje 4: setet «tre» er ikke et helt tall.",
                    "Linje 5: sete 9 finnes ikke (setene er 1–5).",
                    "Linje 6: sete 1 står også på linje 2.",
                    "Linje 7: forventet tre kolonner (navn, parti, sete), fant 2."):
        assert message in page, message
    assert fingerprint() == before
    assert members_of(term_id) == []


def test_an_import_may_not_take_a_seat_already_held(client):
    login(client, SECRETARY)
    term_id = new_term(client)
    upload(client, term_id, "Anne A;Parti A;1\n")
    before = fingerprint()
    response = upload(client, term_id, "Bo B;Parti B;1\n")
    assert response.status_code == 400 and "Linje 1: sete 1 har allerede Anne A." in html(response)
    assert fingerprint() == before


def test_party_groups_and_members_one_by_one(client):
    login(client, SECRETARY)
    term_id = new_term(client, seats=3)
    assert post(client, f"/council/terms/{term_id}/parties", {"name": "Parti Q"}).status_code == 302
    party = db.session.scalar(sa.select(PartyGroup.id).where(PartyGroup.term_id == term_id))
    before = fingerprint()
    same = post(client, f"/council/terms/{term_id}/parties", {"name": "parti q"})
    assert same.status_code == 400 and "finnes allerede" in html(same)
    too_far = post(client, f"/council/terms/{term_id}/members",
                   {"name": "Quinn", "party_group": party, "seat": 4})
    assert too_far.status_code == 400 and "mellom 1 og 3" in html(too_far)
    assert fingerprint() == before
    ok = post(client, f"/council/terms/{term_id}/members",
              {"name": "Quinn", "party_group": party, "seat": 3})
    assert ok.status_code == 302
    assert members_of(term_id) == [(3, "Quinn", "Parti Q")]


def test_terms_are_for_secretaries(client):
    login(client, OFFICE)
    before = fingerprint()
    assert client.get("/council/terms").status_code == 403
    assert post(client, "/council/terms", {"name": "X", "starts_on": "2027-10-01",
                                           "seats": 5}).status_code == 403
    assert fingerprint() == before


def test_seats_and_names_python_can_not_store_are_bad_lines(client):
    """Found by fuzzing: "²" is a digit int() refuses, 5000 digits are more than int() reads,
    and PostgreSQL stores no NUL: each was a 500, now a bad line and nothing imported."""
    login(client, SECRETARY)
    term_id = new_term(client, seats=5)
    before = fingerprint()
    response = upload(client, term_id, f"Anne A;Parti A;²\nBo B;Parti B;{'9' * 5000}\n"
                                       "Cy\x00C;Parti C;3\n")
    assert response.status_code == 400
    page = html(response)
    for message in ("Linje 1: setet «²» er ikke et helt tall.",
                    f"Linje 2: sete {'9' * 5000} finnes ikke (setene er 1–5).",
                    "Linje 3: inneholder et ugyldig tegn (NUL)."):
        assert message in page, message
    assert fingerprint() == before
