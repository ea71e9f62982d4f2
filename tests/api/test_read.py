"""Reading through the API: each endpoint for each role, filters and pagination."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.api.assessments import visible_to
from app.extensions import db
from app.models import Arena, Assessment, Cycle, Portfolio, User
from tests.api.conftest import ROLES, assert_problem, call, open_cycle, user
from tests.conftest import CONTACT, OTHER_CONTACT
from workflows.assessment import AssessmentState, can_view

# Who may read what (the pages' rules): everything else answers 403.
READERS = {
    "/api/v1/arenas": {"office"},
    "/api/v1/arenas/{arena}": {"office"},
    "/api/v1/cycles": {"office", "secretary"},
    "/api/v1/cycles/{year}": {"office", "secretary"},
    "/api/v1/council/cases": {"office", "secretary"},
    "/api/v1/council/terms": {"office", "secretary"},
    "/api/v1/council/cases/{case}": {"office", "secretary"},
    "/api/v1/assessments": set(ROLES),
    "/api/v1/documents": set(ROLES),
    "/api/v1/me": set(ROLES),
}


def demo_ids() -> dict[str, int]:
    from app.models.council import CouncilCase

    return {"arena": db.session.scalar(sa.select(sa.func.min(Arena.id))),
            "year": open_cycle().year,
            "case": db.session.scalar(sa.select(sa.func.min(CouncilCase.id))) or 1}


@pytest.mark.parametrize("template", list(READERS))
def test_each_read_endpoint_answers_each_role_as_the_pages_do(client, tokens, template):
    url = template.format(**demo_ids())
    for role, token in tokens.items():
        response = call(client, "GET", url, token)
        if role in READERS[template]:
            assert response.status_code == 200, (role, response.get_data(as_text=True)[:300])
            assert response.mimetype == "application/json"
        else:
            assert_problem(response, 403)


def test_a_case_that_does_not_exist_is_404(client, tokens):
    assert_problem(call(client, "GET", "/api/v1/council/cases/999999", tokens["office"]), 404)


def test_arena_detail_has_its_history(client, tokens):
    arena = db.session.scalar(sa.select(Arena).where(Arena.key == "ubc"))
    body = call(client, "GET", f"/api/v1/arenas/{arena.id}", tokens["office"]).get_json()
    assert body["key"] == "ubc"
    years = [h["cycle_year"] for h in body["history"]]
    assert years == sorted(years, reverse=True) and 2021 in years
    old = next(h for h in body["history"] if h["cycle_year"] == 2021)
    assert old["state"] == "decided"
    assert old["decision_outcome"] == "terminate"


def test_arena_filters_and_pages(client, tokens):
    office = tokens["office"]
    kml = call(client, "GET", "/api/v1/arenas?portfolio=KML&show=all", office).get_json()
    expected = db.session.scalar(sa.select(sa.func.count()).select_from(Arena).where(
        Arena.portfolios.any(Portfolio.code == "KML")))
    assert kml["total"] == expected > 0
    assert all("KML" in [p["code"] for p in a["portfolios"]] for a in kml["items"])
    one = call(client, "GET", "/api/v1/arenas?key=ubc&show=all", office).get_json()
    assert [a["key"] for a in one["items"]] == ["ubc"]
    left = call(client, "GET", "/api/v1/arenas?status=left&show=all", office).get_json()
    assert left["total"] > 0 and {a["status"] for a in left["items"]} == {"left"}


def test_cycles_list_counts_assessments_per_state(client, tokens):
    body = call(client, "GET", "/api/v1/cycles", tokens["secretary"]).get_json()
    current = next(c for c in body["items"] if c["status"] == "open")
    cycle = open_cycle()
    for state in AssessmentState:
        expected = db.session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(
            Assessment.cycle_id == cycle.id, Assessment.state == state))
        assert current["progress"]["by_state"][state.value] == expected
    assert current["progress"]["total"] == sum(current["progress"]["by_state"].values())


def test_cycle_detail_has_criteria_and_portfolio_progress(client, tokens):
    body = call(client, "GET", f"/api/v1/cycles/{open_cycle().year}", tokens["office"]).get_json()
    assert [c["key"] for c in body["criteria"]] == [
        "participation", "learning_outcome", "influence", "other_value"]
    codes = [row["portfolio"]["code"] for row in body["by_portfolio"]]
    assert codes == sorted(codes) and "KML" in codes
    assert_problem(call(client, "GET", "/api/v1/cycles/2199", tokens["office"]), 404)


def listed_ids(client, token, query="") -> list[int]:
    ids, url = [], f"/api/v1/assessments?per_page=100{query}"
    while url:
        body = call(client, "GET", url, token).get_json()
        ids += [a["id"] for a in body["items"]]
        url = body["next"]
    return ids


def test_assessment_list_shows_exactly_what_the_pages_let_the_user_see(client, tokens):
    assessments = list(db.session.scalars(sa.select(Assessment)))
    for role, token in tokens.items():
        who = user(ROLES[role])
        expected = sorted(a.id for a in assessments if can_view(a, who))
        assert sorted(listed_ids(client, token)) == expected, role
        assert expected or role == "admin"


def test_visible_to_agrees_with_can_view_for_mixed_roles(app, make_user):
    from workflows.roles import Role

    users = [make_user(roles={Role.CONTACT, Role.COMMISSIONER}, portfolios=["KMB"]),
             make_user(roles={Role.COMMISSIONER}, portfolios=[]),
             make_user(roles={Role.ADMIN}, portfolios=["KML"])]
    users += list(db.session.scalars(sa.select(User)))
    assessments = list(db.session.scalars(sa.select(Assessment)))
    for who in users:
        sql = set(db.session.scalars(sa.select(Assessment.id).where(visible_to(who))))
        assert sql == {a.id for a in assessments if can_view(a, who)}, who.email


def test_assessment_filters(client, tokens):
    office = tokens["office"]
    year = open_cycle().year
    rows = call(client, "GET", f"/api/v1/assessments?cycle={year}&state=draft&per_page=100",
                office).get_json()
    assert rows["total"] > 0
    assert {(a["cycle_year"], a["state"]) for a in rows["items"]} == {(year, "draft")}
    kml = call(client, "GET", "/api/v1/assessments?portfolio=KML&per_page=100", office)
    assert all("KML" in a["portfolios"] for a in kml.get_json()["items"])
    ubc = call(client, "GET", "/api/v1/assessments?arena=ubc", office).get_json()
    assert {a["arena"]["key"] for a in ubc["items"]} == {"ubc"}


def test_pagination_gives_total_and_links(client, tokens):
    office = tokens["office"]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Assessment))
    first = call(client, "GET", "/api/v1/assessments?per_page=10&state=draft", office).get_json()
    assert first["page"] == 1 and first["per_page"] == 10 and first["previous"] is None
    assert first["next"].startswith("/api/v1/assessments?") and "state=draft" in first["next"]
    assert "page=2" in first["next"]
    second = call(client, "GET", first["next"], office).get_json()
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    assert len(listed_ids(client, office)) == total
    last_page = -(-total // 100)
    last = call(client, "GET", f"/api/v1/assessments?per_page=100&page={last_page}", office)
    assert last.get_json()["next"] is None


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "page=x",
                                   "state=nope", "cycle=abc", "unknown=1"])
def test_bad_parameters_are_400_with_field_errors(client, tokens, query):
    body = assert_problem(call(client, "GET", f"/api/v1/assessments?{query}",
                               tokens["office"]), 400)
    assert query.split("=")[0] in body["errors"]


def test_assessment_detail_has_answers_version_transitions_and_trail(client, tokens):
    assessment = db.session.scalar(
        sa.select(Assessment).join(Assessment.cycle)
        .where(Cycle.year == open_cycle().year, Assessment.state == AssessmentState.SUBMITTED,
               Assessment.arena.has(Arena.portfolios.any(Portfolio.code == "KML"))).limit(1))
    body = call(client, "GET", f"/api/v1/assessments/{assessment.id}",
                tokens["commissioner"]).get_json()
    assert body["state"] == "submitted" and body["version"] == assessment.version
    assert set(body["answers"]) == {"participation", "learning_outcome", "influence",
                                    "other_value"}
    assert body["transitions"] == ["sign_off", "send_back"]
    assert body["can_edit_answers"] is False
    assert body["audit_trail"][0]["action"] == "demo_loaded"


def test_another_portfolios_contact_gets_403(client, tokens):
    theirs = db.session.scalar(
        sa.select(Assessment).where(Assessment.arena.has(
            Arena.portfolios.any(Portfolio.code == "KML"))).limit(1))
    assert not can_view(theirs, user(OTHER_CONTACT))
    for method, suffix, body in (("GET", "", None),
                                 ("PUT", "/answers", {"version": 1, "answers": {}}),
                                 ("POST", "/transitions", {"name": "submit"})):
        response = call(client, method, f"/api/v1/assessments/{theirs.id}{suffix}",
                        tokens["other_contact"], json=body)
        assert_problem(response, 403)
    assert call(client, "GET", f"/api/v1/assessments/{theirs.id}",
                tokens["contact"]).status_code == 200
    assert user(CONTACT) is not None


def test_council_case_shows_proposals_votes_and_decisions(client, tokens):
    cases = call(client, "GET", "/api/v1/council/cases?cycle=2021", tokens["office"]).get_json()
    if not cases["items"]:
        pytest.skip("the demo has no council case")
    case_id = cases["items"][0]["id"]
    body = call(client, "GET", f"/api/v1/council/cases/{case_id}", tokens["office"]).get_json()
    item = body["items"][0]
    assert item["proposals"][0]["vote"]["entered_result"] in ("adopted", "rejected")
    assert item["decisions"][-1]["outcome"]
    assert body["item_count"] == len(body["items"])


def test_documents_lists_only_published_files(client, tokens, app):
    from datetime import UTC, datetime

    from app.models import DocumentFormat, DocumentVersion

    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    for number, published in ((1, False), (2, True)):
        db.session.add(DocumentVersion(
            cycle_id=cycle.id, number=number, format=DocumentFormat.PDF, file_path="x.pdf",
            sha256="0" * 64, size_bytes=10, data_fingerprint="f", is_published=published,
            published_at=datetime(2021, 5, 5, tzinfo=UTC) if published else None))
    db.session.commit()
    body = call(client, "GET", "/api/v1/documents", tokens["contact"]).get_json()
    assert [(d["number"], d["format"]) for d in body["items"]] == [(2, "pdf")]
    assert body["items"][0]["url"].endswith("/publications/2021/review.pdf")
    none = call(client, "GET", "/api/v1/documents?format=docx", tokens["contact"]).get_json()
    assert none["total"] == 0
