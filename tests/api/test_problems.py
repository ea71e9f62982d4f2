"""Refusals are RFC 9457 problem details in the request's language: never HTML, no trace."""

from __future__ import annotations

import pytest

from app.api import serializers
from tests.api.conftest import assert_problem, call


@pytest.mark.parametrize(("lang", "title"), [
    (None, "Mangler gyldig API-nøkkel"), ("nb", "Mangler gyldig API-nøkkel"),
    ("nb-NO,nb;q=0.9", "Mangler gyldig API-nøkkel"), ("de", "Mangler gyldig API-nøkkel")])
def test_norwegian_is_the_default(client, lang, title):
    body = assert_problem(call(client, "GET", "/api/v1/me", lang=lang), 401)
    assert body["title"] == title


def test_english_when_asked_for(client, tokens):
    response = call(client, "GET", "/api/v1/arenas", tokens["contact"], lang="en-GB,en;q=0.8")
    body = assert_problem(response, 403)
    assert response.headers["Content-Language"] == "en"
    assert body["title"] == "Access denied"  # "Ingen tilgang" in the English catalogue


def test_the_session_language_does_not_leak_into_the_api(client, tokens):
    from tests.conftest import CONTACT, login, post

    login(client, CONTACT)
    post(client, "/profile/language", {"locale": "en"})
    body = assert_problem(call(client, "GET", "/api/v1/arenas", tokens["contact"]), 403)
    assert body["title"] == "Ingen tilgang"


def test_field_errors_are_in_the_requests_language(client, tokens):
    nb = assert_problem(call(client, "GET", "/api/v1/assessments?per_page=500",
                             tokens["office"]), 400)
    assert nb["errors"]["per_page"] == "Oppgi et tall som er 100 eller mindre."
    assert nb["detail"] and nb["title"] == "Ugyldig forespørsel"


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/api/v1/no-such-thing", 404),
    ("GET", "/api/v1/assessments/999999", 404),
    ("GET", "/api/v1/assessments/99999999999999", 404),  # beyond any id: still no 500
    ("DELETE", "/api/v1/arenas", 405),
    ("GET", "/api/v1/arenas", 403),
])
def test_refusals_are_problem_json_never_html(client, tokens, method, url, status):
    response = call(client, method, url, tokens["contact"])
    body = assert_problem(response, status)
    assert "<html" not in response.get_data(as_text=True).lower()
    assert set(body) <= {"type", "title", "status", "detail", "errors", "reasons",
                         "current_version"}


def test_405_says_what_is_allowed(client, tokens):
    response = call(client, "DELETE", "/api/v1/arenas", tokens["office"])
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_body_that_is_not_json_is_415(client, tokens, make_assessment):
    assessment = make_assessment()
    response = client.post(f"/api/v1/assessments/{assessment.id}/transitions",
                           data="name=submit", content_type="application/x-www-form-urlencoded",
                           headers={"Authorization": f"Bearer {tokens['contact']}"})
    assert_problem(response, 415)


def test_broken_json_is_422(client, tokens, make_assessment):
    assessment = make_assessment()
    response = client.post(f"/api/v1/assessments/{assessment.id}/transitions",
                           data="{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {tokens['contact']}"})
    assert "body" in assert_problem(response, 422)["errors"]


def test_text_with_a_nul_character_is_422_not_a_database_error(client, tokens):
    body = assert_problem(call(client, "GET", "/api/v1/arenas?portfolio=K%00L",
                               tokens["office"]), 400)
    assert "portfolio" in body["errors"]


def test_an_unexpected_error_is_a_500_problem_without_a_trace(client, tokens, monkeypatch):
    def explode(_user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(serializers, "me", explode)
    response = call(client, "GET", "/api/v1/me", tokens["contact"])
    body = assert_problem(response, 500)
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert body["title"] == "Noe gikk galt hos oss"
