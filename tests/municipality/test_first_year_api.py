"""Fjordvik's first year, from an empty database to a published review (issue 13).

The JSON API does the work wherever it has a verb; the command line makes the first
administrator, the API tokens, opens the cycle and assembles the document; the web pages (as
a browser would send them) do what neither has: the municipality's words, portfolios, users,
the fifth criterion, the council term and publishing. Nothing is written straight into the
database, and the Bergen demo is never loaded.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Arena, ArenaStatus, Assessment, Portfolio
from config import TestConfig
from tests.api.conftest import call
from tests.conftest import IsolatedClient, csrf_token, login
from tests.municipality import fjordvik as F
from tests.municipality.pages import submit
from workflows.assessment import AssessmentState


@pytest.fixture()
def empty(empty_database_url, tmp_path):
    """The app on an empty database, migrated from the command line as `make run` does."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url,
                             DOCUMENT_STORAGE=str(tmp_path / "documents"))
    application.test_client_class = IsolatedClient
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        yield application
        db.session.remove()
        db.engine.dispose()


def cli(app, *args: str, input: str | None = None) -> str:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def browser(app, email: str):
    """A test client logged in as `email`."""
    client = app.test_client()
    login(client, email, F.PASSWORD)
    return client


def set_up_the_municipality(app) -> None:
    """The administrator: the words, the five portfolios and the people."""
    cli(app, "users", "create", F.ADMIN[0], "--name", F.ADMIN[1], "--role", "admin",
        "--password", F.PASSWORD)
    admin = browser(app, F.ADMIN[0])
    words = {"name": F.NAME}
    for key, (nb, en) in F.LABELS.items():
        words |= {f"{key}_nb": nb, f"{key}_en": en}
    words |= {f"{key}_gender": gender for key, gender in F.GENDERS.items()}
    submit(admin, "/admin/settings", words, action="/admin/settings")
    for code, name_nb, name_en in F.PORTFOLIOS:
        submit(admin, "/admin/portfolios/new", {"code": code, "name_nb": name_nb,
                                                "name_en": name_en},
               action="/admin/portfolios/new")
    ids = dict(db.session.execute(sa.select(Portfolio.code, Portfolio.id)).all())
    for person in F.PEOPLE:
        submit(admin, "/admin/users/new", {
            "email": person.email, "name": person.name, "password": F.PASSWORD,
            "roles": list(person.roles), "portfolios": [ids[c] for c in person.portfolios]},
            action="/admin/users/new")


def token(app, email: str) -> str:
    return cli(app, "users", "token", email, "--name", "Fjordvik").strip().splitlines()[-1]


def register_arenas(client, office: str) -> None:
    ids = dict(db.session.execute(sa.select(Portfolio.code, Portfolio.id)).all())
    for spec in F.ARENAS:
        response = call(client, "POST", "/api/v1/arenas", office, json={
            "key": spec.key, "name": spec.name, "kind": spec.kind,
            "portfolio_ids": [ids[spec.portfolio]], "description_nb": spec.description})
        assert response.status_code == 201, response.get_data(as_text=True)


def checklist_gaps(client) -> list[str]:
    html = client.get(f"/cycles/{F.YEAR}").get_data(as_text=True)
    return re.findall(r'data-check="(\w+)" data-passed="false"', html)


def register_the_council_term(app) -> None:
    """The secretary: the term covering the meeting, and its members from a CSV list."""
    secretary = browser(app, F.SECRETARY.email)
    submit(secretary, "/council/terms", F.TERM, action="/council/terms")
    term = call(secretary, "GET", "/api/v1/council/terms", token(app, F.SECRETARY.email))
    term_id = term.get_json()["items"][0]["id"]
    response = secretary.post(f"/council/terms/{term_id}/import", data={
        "csrf_token": csrf_token(secretary, f"/council/terms/{term_id}"),
        "file": (io.BytesIO(F.MEMBERS_CSV.encode()), "medlemmer.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def assessments_of(client, key: str) -> list[dict]:
    body = call(client, "GET", "/api/v1/assessments?per_page=100", key).get_json()
    return [a for a in body["items"] if a["cycle_year"] == F.YEAR]


def fill_in_and_submit(client, contact_token: str, keys: list[str]) -> int:
    by_name = {spec.name: spec for spec in F.ARENAS}
    count = 0
    for summary in assessments_of(client, contact_token):
        spec = by_name[summary["arena"]["name"]]
        url = f"/api/v1/assessments/{summary['id']}"
        response = call(client, "PUT", f"{url}/answers", contact_token, json={
            "version": summary["version"], "answers": F.answers(spec, keys),
            "yearly_cost": 25_000, "recommendation": spec.recommendation,
            "recommendation_reason": f"{spec.name} er verdt å følge opp."})
        assert response.status_code == 200, response.get_data(as_text=True)
        response = call(client, "POST", f"{url}/transitions", contact_token,
                        json={"name": "submit"})
        assert response.get_json()["state"] == "submitted", response.get_data(as_text=True)
        count += 1
    return count


def transition_all(client, key: str, name: str, state: str) -> None:
    for summary in assessments_of(client, key):
        if summary["state"] == state:
            response = call(client, "POST", f"/api/v1/assessments/{summary['id']}/transitions",
                            key, json={"name": name})
            assert response.status_code == 200, response.get_data(as_text=True)


def record_the_council_decision(client, secretary: str, assessment_id: int) -> None:
    term_id = call(client, "GET", "/api/v1/council/terms", secretary).get_json()["items"][0]["id"]
    response = call(client, "POST", "/api/v1/council/cases", secretary,
                    json={"cycle_year": F.YEAR, "term_id": term_id, **F.COUNCIL_CASE})
    assert response.status_code == 201, response.get_data(as_text=True)
    case_id = response.get_json()["id"]
    body = call(client, "POST", f"/api/v1/council/cases/{case_id}/items", secretary,
                json={"assessment_ids": [assessment_id]}).get_json()
    item_id = body["items"][0]["id"]
    body = call(client, "POST", f"/api/v1/council/items/{item_id}/proposals", secretary,
                json={"kind": "recommendation", "outcome": "terminate",
                      "text": "Fjordvik kommune melder seg ut av Havnenettverket."}).get_json()
    proposal_id = body["items"][0]["proposals"][0]["id"]
    response = call(client, "POST", f"/api/v1/council/proposals/{proposal_id}/votes", secretary,
                    json={"kind": "counts", "present": 7, "votes_for": 5, "votes_against": 2,
                          "entered_result": "adopted"})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    response = call(client, "POST", f"/api/v1/council/items/{item_id}/decision", secretary,
                    json={"outcome": "terminate",
                          "text": "Fjordvik kommune melder seg ut av Havnenettverket.",
                          "effective_date": "2025-12-31"})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_fjordvik_goes_from_an_empty_database_to_a_published_review(empty):
    app = empty
    set_up_the_municipality(app)
    keys = {p.email: token(app, p.email) for p in F.PEOPLE}
    office_key, secretary_key = keys[F.OFFICE.email], keys[F.SECRETARY.email]
    api = app.test_client()
    register_arenas(api, office_key)

    response = call(api, "POST", "/api/v1/cycles", office_key, json={
        "year": F.YEAR, "title": f"Gjennomgang av medlemskap {F.YEAR}", **F.DEADLINES,
        "requires_sign_off": True})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["status"] == "planned"
    office = browser(app, F.OFFICE.email)
    submit(office, f"/cycles/{F.YEAR}/criteria",
           {f"new-{name}": value for name, value in F.COST_BENEFIT.items()}
           | {"new-kind": "rating", "new-is_required": "y"})
    criteria = call(api, "GET", f"/api/v1/cycles/{F.YEAR}", office_key).get_json()["criteria"]
    keys_of_criteria = [c["key"] for c in criteria]
    assert len(keys_of_criteria) == 5 and criteria[-1]["label"] == "Kost-nytte"

    assert checklist_gaps(office) == ["council_term"]  # everything else is in place
    register_the_council_term(app)
    assert checklist_gaps(office) == []

    assert "5 vurderinger opprettet" in cli(app, "cycles", "open", str(F.YEAR))
    submitted = sum(fill_in_and_submit(api, keys[c.email], keys_of_criteria)
                    for c in F.CONTACTS)
    assert submitted == len(F.ARENAS)
    for head in F.HEADS:
        transition_all(api, keys[head.email], "sign_off", "submitted")
    transition_all(api, office_key, "approve", "in_review")

    by_name = {a["arena"]["name"]: a for a in assessments_of(api, office_key)}
    assert {a["state"] for a in by_name.values()} == {"approved"}
    for spec in F.ARENAS:
        route = "council" if spec.to_council else "settle"
        response = call(api, "POST", f"/api/v1/assessments/{by_name[spec.name]['id']}/route",
                        office_key, json={"route": route})
        assert response.status_code == 200, response.get_data(as_text=True)
    council_arena = next(s for s in F.ARENAS if s.to_council)
    record_the_council_decision(api, secretary_key, by_name[council_arena.name]["id"])
    states = db.session.scalars(sa.select(Assessment.state)).all()
    assert set(states) == {AssessmentState.DECIDED} and len(states) == len(F.ARENAS)
    left = db.session.scalar(sa.select(Arena).where(Arena.key == council_arena.key))
    assert left.status == ArenaStatus.LEFT  # the decision took effect on 31 December

    cli(app, "review", "assemble", "--cycle", str(F.YEAR), "--format", "html", "--output",
        str(app.config["DOCUMENT_STORAGE"] + "-copy.html"))
    publish = f"/documents/{F.YEAR}/versions/1/publish"  # the page that says what it does
    submit(office, publish, {}, action=publish, url=publish)
    cycle = call(api, "GET", f"/api/v1/cycles/{F.YEAR}", office_key).get_json()
    assert cycle["status"] == "published"
    published = call(api, "GET", "/api/v1/documents", office_key).get_json()
    assert F.YEAR in [d["cycle_year"] for d in published["items"]]

    document = app.test_client().get(f"/publications/{F.YEAR}")  # public, no login
    assert document.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", document.get_data(as_text=True)))
    for spec in F.ARENAS:
        assert spec.name in text
    assert "Fjordvik kommune" in text and "kost-nytte" in text  # its name, its fifth criterion
    assert "ansvarlig kommunalsjef" in text  # the head of a portfolio, in its word
    assert "Kommunestyret har vedtatt å melde kommunen ut av samarbeidet." in text
    found = [word for word in F.FOREIGN_WORDS if word.lower() in text.lower()]
    assert found == [], f"Bergen's words in Fjordvik's review: {found}"
