"""Cycle list, dashboard and settings (council office; secretaries read)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Cycle
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    SECRETARY,
    fingerprint,
    login,
    post,
)

OPEN_YEAR = 2026


@pytest.mark.parametrize("email,status", [
    (OFFICE, 200), (SECRETARY, 200), (CONTACT, 403), (COMMISSIONER, 403), (ADMIN, 403),
])
def test_dashboard_access(client, email, status):
    login(client, email)
    assert client.get("/cycles/").status_code == status
    assert client.get(f"/cycles/{OPEN_YEAR}").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(f"/cycles/{OPEN_YEAR}")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_dashboard_counts_match_the_database(client):
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))
    for state in ("draft", "returned", "submitted", "in_review", "approved", "decided"):
        expected = db.session.scalar(sa.text(
            "SELECT count(*) FROM assessments WHERE cycle_id = :c AND state = :s"
        ), {"c": cycle.id, "s": state})
        shown = re.search(rf'data-state="{state}">(\d+)<', page).group(1)
        assert int(shown) == expected and expected > 0
    assert "Per kontaktperson" in page and "Kari Kontakt" in page


def test_dashboard_filters_by_state_and_refuses_unknown_state(client):
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}?state=returned").get_data(as_text=True)
    table = page.split('id="assessment-table"')[1].split("</table>")[0]
    assert table.count("Sendt tilbake") == table.count("<tr>") - 1  # header row
    assert client.get(f"/cycles/{OPEN_YEAR}?state=nonsense").status_code == 400
    assert client.get("/cycles/1999").status_code == 404


def test_overdue_assessments_come_first(client, app):
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))
    cycle.submission_deadline = cycle.submission_deadline.replace(year=2020)
    db.session.commit()
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    table = page.split('id="assessment-table"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    flags = ["Forfalt" in row for row in rows]
    assert any(flags) and flags == sorted(flags, reverse=True)


def test_settings_turn_off_sign_off_and_audit(client):
    login(client, OFFICE)
    response = post(client, f"/cycles/{OPEN_YEAR}/settings", {
        "title": "Gjennomgang 2026", "submission_deadline": "2026-03-20",
        "review_deadline": "2026-04-10", "council_meeting_date": "2026-05-06",
    })
    assert response.status_code == 302
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))
    assert cycle.requires_sign_off is False
    assert str(cycle.submission_deadline) == "2026-03-20"
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "cycle", AuditEvent.action == "settings_changed"))
    assert "requires_sign_off" in event.details["fields"]


def test_settings_refuse_bad_dates_and_change_nothing(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, f"/cycles/{OPEN_YEAR}/settings", {
        "title": "X", "submission_deadline": "2026-03-20", "review_deadline": "2026-03-01",
        "requires_sign_off": "y",
    })
    assert response.status_code == 400
    assert "kan ikke være før innsendingsfristen" in response.get_data(as_text=True)
    assert post(client, f"/cycles/{OPEN_YEAR}/settings", {
        "title": "X", "submission_deadline": "ikke-en-dato"}).status_code == 400
    assert fingerprint() == before


def test_secretary_cannot_change_settings(client):
    login(client, SECRETARY)
    assert client.get(f"/cycles/{OPEN_YEAR}/settings").status_code == 403
    assert "Innstillinger og frister" not in client.get(f"/cycles/{OPEN_YEAR}").get_data(
        as_text=True)
