"""Helpers for the assessment page tests (the shared client isolates each request)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Assessment, AuditEvent
from tests.conftest import CSRF_RE

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


@pytest.fixture()
def new_client(app):
    """`new_client()`: one more browser, with its own cookies and session."""
    return app.test_client


def page(client: FlaskClient, assessment_id: int) -> str:
    """The assessment page's HTML (asserts 200)."""
    response = client.get(f"/assessments/{assessment_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def form_state(html: str) -> dict[str, str]:
    """The CSRF token and (when the form is there) the version a page carries."""
    state = {"csrf_token": CSRF_RE.search(html).group(1)}
    if match := VERSION_RE.search(html):
        state["version"] = match.group(1)
    return state


def complete_answers(**overrides) -> dict:
    """Form data that answers every required field."""
    data = {
        "participation_value": "active",
        "participation_participants": ["political", "professional"],
        "participation_text": "Vi deltar på årsmøtet og i to arbeidsgrupper.",
        "learning_outcome_value": "high",
        "learning_outcome_text": "Vi har lært mye om klimatilpasning.",
        "influence_value": "medium",
        "influence_text": "Vi har vært med på å forme nettverkets strategi.",
        "other_value_text": "",
        "yearly_cost": "12000",
        "recommendation": "continue",
        "recommendation_reason": "Nettverket gir god verdi for pengene.",
    }
    data.update(overrides)
    return data


def save_form(client: FlaskClient, assessment_id: int, data: dict, action: str = "save",
              version: str | None = None):
    """Post the answer form as the page would, with its CSRF token and version."""
    state = form_state(page(client, assessment_id))
    if version is not None:
        state["version"] = version
    return client.post(f"/assessments/{assessment_id}", data={**state, **data, "action": action})


def take(client: FlaskClient, assessment_id: int, name: str, comment: str = ""):
    """Post a workflow transition from the assessment page."""
    state = form_state(page(client, assessment_id))
    return client.post(f"/assessments/{assessment_id}/transition",
                       data={"csrf_token": state["csrf_token"], "transition": name,
                             "comment": comment})


def fresh(assessment_id: int) -> Assessment:
    """The assessment as the database has it now."""
    db.session.rollback()
    return db.session.get(Assessment, assessment_id)


def audit_rows(assessment_id: int) -> list[AuditEvent]:
    """The assessment's audit rows, oldest first."""
    db.session.rollback()
    return list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "assessment", AuditEvent.entity_id == assessment_id)
        .order_by(AuditEvent.id)
    ))
