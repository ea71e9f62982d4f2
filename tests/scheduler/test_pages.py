"""The reminder schedule on the cycle settings page, and the dashboard's last reminder."""

from __future__ import annotations

import re
from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Organisation
from tests.conftest import OFFICE, SECRETARY, fingerprint, login, post
from tests.scheduler.conftest import OPEN_YEAR, open_cycle, open_cycle_assessments, tick_at

URL = f"/cycles/{OPEN_YEAR}/settings"
BASICS = {"title": "Gjennomgang 2026", "submission_deadline": "2026-03-09",
          "review_deadline": "2026-04-06", "council_meeting_date": "2026-05-04",
          "requires_sign_off": "y"}
SCHEDULE = {"days_before": "3, 10", "overdue_every": "2", "max_overdue": "1",
            "escalate_commissioner_after": "2", "escalate_office_after": "4"}


def test_settings_show_the_schedule_and_its_dates(client):
    login(client, OFFICE)
    html = client.get(URL).get_data(as_text=True)
    assert re.search(r'id="days_before"[^>]*value="7, 2"', html)
    assert re.search(r'id="overdue_every"[^>]*value="3"', html)
    assert re.search(r'id="escalate_office_after"[^>]*value="5"', html)
    table = html[html.index('id="schedule-dates"'):]
    assert "fredag 6. mars 2026</td><td>Påminnelse før fristen" in table
    assert "tirsdag 10. mars 2026</td><td>Påminnelse etter fristen" in table
    labels = db.session.scalar(sa.select(Organisation)).labels
    head, office = labels["head_label"]["nb"], labels["council_office_label"]["nb"]
    assert f"torsdag 12. mars 2026</td><td>Varsel til {head.lower()}" in table
    assert f"mandag 16. mars 2026</td><td>Varsel til {office.lower()}" in table


def test_office_changes_the_schedule_and_the_jobs_follow_it(client, smtp_server):
    login(client, OFFICE)
    response = post(client, URL, {**BASICS, **SCHEDULE})
    assert response.status_code == 302
    cycle = open_cycle()
    assert cycle.reminder_schedule == {
        "days_before": [10, 3], "overdue_every": 2, "max_overdue": 1,
        "escalate_commissioner_after": 2, "escalate_office_after": 4}
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "settings_changed").order_by(AuditEvent.id.desc())).first()
    assert event.details["fields"] == ["reminder_schedule"]
    assert tick_at("2026-02-27T08:00")["reminders"] > 0  # 10 days before
    assert tick_at("2026-03-02T08:00")["reminders"] == 0  # 7 days before: no longer
    assert tick_at("2026-03-11T08:00")["escalations"] > 0  # 2 working days late


def test_leaving_the_schedule_out_keeps_it(client):
    login(client, OFFICE)
    assert post(client, URL, {**BASICS, "title": "Ny tittel"}).status_code == 302
    assert open_cycle().reminder_schedule is None  # still the defaults, nothing written
    assert post(client, URL, {**BASICS, "days_before": ""}).status_code == 302
    assert open_cycle().reminder_schedule["days_before"] == []


def test_bad_schedule_values_are_refused_and_change_nothing(client):
    login(client, OFFICE)
    before = fingerprint()
    for bad in ({"days_before": "7, sju"}, {"days_before": "1, 2, 3, 4, 5, 6"},
                {"days_before": "90"}, {"overdue_every": "0"}, {"max_overdue": "11"},
                {"escalate_office_after": "-1"}):
        response = post(client, URL, {**BASICS, **SCHEDULE, **bad})
        assert response.status_code == 400, bad
        assert "ds-error-summary" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_only_the_office_may_change_the_schedule(client):
    login(client, SECRETARY)
    before = fingerprint()
    assert post(client, URL, {**BASICS, **SCHEDULE}).status_code == 403
    assert fingerprint() == before


@contextmanager
def counted_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_dashboard_shows_the_last_reminder_without_extra_queries(client, smtp_server):
    login(client, OFFICE)
    with counted_queries() as before:
        html = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    assert "Siste påminnelse" in html
    assert re.findall(r'data-column="last-reminder">([^<]*)<', html) != []
    assert set(re.findall(r'data-column="last-reminder">([^<]*)<', html)) == {""}
    tick_at("2026-03-02T08:00")
    tick_at("2026-03-06T08:00")
    with counted_queries() as after:
        html = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    assert len(after) == len(before)  # one query for all rows, however many were reminded
    cells = re.findall(r'<a class="ds-link" href="/assessments/(\d+)">[^<]*</a></td>'
                       r'(?:(?!</tr>).)*?data-column="last-reminder">([^<]*)<', html, re.S)
    shown = {int(i): text.strip() for i, text in cells}
    states = {a.id: a.state.value for a in open_cycle_assessments()}
    assert shown and set(shown) == set(states)
    for assessment_id, text in shown.items():
        if states[assessment_id] in ("draft", "returned"):
            assert text.startswith("06.03.2026"), (assessment_id, text)
        else:
            assert text == ""
