"""POST /api/v1/cycles: a cycle without an earlier one, through the API (issue 13)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cycles.operations import register_arenas
from app.extensions import db
from app.models import Cycle
from tests.api.conftest import assert_problem, call
from tests.conftest import fingerprint

YEAR = 2031  # no demo cycle has it


def cycle(year: int) -> Cycle | None:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def test_the_api_creates_a_cycle(client, tokens):
    body = {"year": YEAR, "title": "Gjennomgang 2031", "submission_deadline": f"{YEAR}-03-20",
            "council_meeting_date": None, "requires_sign_off": True}
    response = call(client, "POST", "/api/v1/cycles", tokens["office"], json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert data["status"] == "planned" and data["submission_deadline"] == f"{YEAR}-03-20"
    assert data["progress"]["total"] == 0 and len(data["criteria"]) == 4
    assert response.headers["Location"].endswith(f"/api/v1/cycles/{YEAR}")
    assert len(cycle(YEAR).arenas) == len(register_arenas())


def test_the_api_lets_the_administrator_create_a_cycle(client, tokens):
    response = call(client, "POST", "/api/v1/cycles", tokens["admin"],
                    json={"year": YEAR, "title": "Gjennomgang 2031"})
    assert response.status_code == 201


def test_the_api_answers_409_for_a_year_that_has_a_cycle(client, tokens):
    before = fingerprint()
    body = assert_problem(call(client, "POST", "/api/v1/cycles", tokens["office"],
                               json={"year": 2021, "title": "Igjen"}), 409)
    assert "2021" in body["detail"]
    assert fingerprint() == before


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "Uten år"}, "year"),
    ({"year": YEAR}, "title"),
    ({"year": YEAR, "title": "T", "submission_deadline": "20. mars"}, "submission_deadline"),
    ({"year": YEAR, "title": "T", "submission_deadline": f"{YEAR}-03-20",
      "review_deadline": f"{YEAR}-03-01"}, "review_deadline"),
    ({"year": YEAR, "title": "T", "arenas": []}, "arenas"),
])
def test_the_api_answers_422_for_bad_input(client, tokens, body, field):
    before = fingerprint()
    problem = assert_problem(call(client, "POST", "/api/v1/cycles", tokens["office"], json=body),
                             422)
    assert field in problem["errors"]
    assert fingerprint() == before


@pytest.mark.parametrize("role", ["contact", "commissioner", "secretary"])
def test_the_api_refuses_other_roles(client, tokens, role):
    assert_problem(call(client, "POST", "/api/v1/cycles", tokens[role],
                        json={"year": YEAR, "title": "T"}), 403)
    assert cycle(YEAR) is None
