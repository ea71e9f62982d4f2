"""The ICS feed: valid iCalendar, the right all-day events per role, stable UIDs, 404s."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.cycles.operations import update_cycle_settings
from app.extensions import db
from app.models import Arena, Assessment, CalendarToken, Cycle, CycleStatus, Portfolio, User
from tests.calendar.conftest import events, parse
from tests.conftest import (
    ADMIN,
    COMMISSIONER,
    CONTACT,
    OFFICE,
    OTHER_CONTACT,
    SECRETARY,
    login,
    post,
)
from workflows.roles import Role

SUBMISSION, REVIEW, COUNCIL = date(2026, 3, 9), date(2026, 4, 6), date(2026, 5, 4)
TITLE = "Gjennomgang 2026"


def cycle(year: int = 2026) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def uid(kind: str, year: int = 2026) -> str:
    return f"cycle-{cycle(year).id}-{kind}@samarbeidsarenaer"


def arenas_of(*codes: str, year: int = 2026) -> int:
    """How many assessments of `year` belong to arenas of the portfolios `codes`."""
    return db.session.scalar(
        sa.select(sa.func.count(Assessment.id)).join(Assessment.cycle)
        .where(Cycle.year == year,
               Assessment.arena.has(Arena.portfolios.any(Portfolio.code.in_(codes)))))


def fetch(app, path: str):
    """GET the feed as a calendar program would: no session, no login."""
    return app.test_client().get(path)


def test_contact_gets_the_submission_deadline_with_the_number_of_arenas(app, feed_of):
    _client, path = feed_of(CONTACT)
    count = arenas_of("KML", "ASB")
    assert count > 1
    found = events(parse(fetch(app, path)))
    assert found == {
        uid("submission"): (SUBMISSION, f"Frist for innsending: {count} arenaer – {TITLE}"),
        uid("council"): (COUNCIL, f"Møte i bystyret – {TITLE}"),
    }


def test_contact_description_lists_only_their_arenas(app, feed_of):
    _client, path = feed_of(CONTACT)
    calendar = parse(fetch(app, path))
    submission = next(e for e in calendar.walk("VEVENT") if "submission" in str(e["UID"]))
    text = str(submission["DESCRIPTION"])
    assert "Rainbow Cities Network" in text  # KML and ASB
    assert "Covenant of Mayors" not in text  # KMB
    assert str(submission["URL"]).endswith("/assessments/")


def test_another_contact_counts_their_own_portfolio(app, feed_of):
    _client, path = feed_of(OTHER_CONTACT)
    count = arenas_of("KMB")
    found = events(parse(fetch(app, path)))
    expected = f"Frist for innsending: {count} arena{'er' if count != 1 else ''} – {TITLE}"
    assert found[uid("submission")] == (SUBMISSION, expected)
    assert count != arenas_of("KML", "ASB")


def test_commissioner_gets_the_review_deadline_and_the_council_meeting(app, feed_of):
    _client, path = feed_of(COMMISSIONER)
    count = arenas_of("KML", "ASB")
    found = events(parse(fetch(app, path)))
    assert found == {
        uid("review"): (REVIEW, f"Frist for godkjenning: {count} arenaer – {TITLE}"),
        uid("council"): (COUNCIL, f"Møte i bystyret – {TITLE}"),
    }


def test_commissioner_has_no_review_deadline_when_the_cycle_has_no_sign_off(app, feed_of):
    cycle().requires_sign_off = False
    db.session.commit()
    _client, path = feed_of(COMMISSIONER)
    assert set(events(parse(fetch(app, path)))) == {uid("council")}


@pytest.mark.parametrize("email", [OFFICE, SECRETARY])
def test_office_and_secretaries_get_every_date_of_current_cycles(app, feed_of, email):
    _client, path = feed_of(email)
    found = events(parse(fetch(app, path)))
    assert found == {
        uid("submission"): (SUBMISSION, f"Frist for innsending – {TITLE}"),
        uid("review"): (REVIEW, f"Frist for behandling – {TITLE}"),
        uid("council"): (COUNCIL, f"Møte i bystyret – {TITLE}"),
    }  # the published 2021 review is not there


def test_a_planned_cycle_shows_for_the_office_but_not_for_contacts(app, feed_of):
    planned = Cycle(year=2027, title="Gjennomgang 2027", status=CycleStatus.PLANNED,
                    criteria_set_id=cycle().criteria_set_id,
                    submission_deadline=date(2027, 3, 8), council_meeting_date=date(2027, 5, 3))
    db.session.add(planned)
    db.session.commit()
    _office, office_path = feed_of(OFFICE)
    _contact, contact_path = feed_of(CONTACT)
    office = events(parse(fetch(app, office_path)))
    assert office[uid("submission", 2027)] == (date(2027, 3, 8),
                                               "Frist for innsending – Gjennomgang 2027")
    assert uid("review", 2027) not in office  # no date set, no event
    assert not any("2027" in summary for _day, summary in
                   events(parse(fetch(app, contact_path))).values())


def test_administrator_gets_an_empty_but_valid_calendar(app, feed_of):
    _client, path = feed_of(ADMIN)
    calendar = parse(fetch(app, path))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"
    assert "Bergen kommune" in str(calendar["X-WR-CALNAME"])


def test_someone_with_two_roles_gets_each_date_once(app, make_user, feed_of):
    user = make_user(roles={Role.CONTACT, Role.COUNCIL_OFFICE}, portfolios=["KMB"])
    _client, path = feed_of(user.email)
    calendar = parse(fetch(app, path))
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert sorted(uids) == sorted({uid("submission"), uid("review"), uid("council")})
    found = events(calendar)
    assert found[uid("submission")][1].startswith("Frist for innsending: ")  # the contact's own


def test_events_are_all_day_and_stamped(app, feed_of):
    _client, path = feed_of(OFFICE)
    for event in parse(fetch(app, path)).walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date
        assert end == start + timedelta(days=1)
        assert event["DTSTART"].params.get("VALUE") == "DATE"
        stamp = event.decoded("DTSTAMP")
        assert isinstance(stamp, datetime) and stamp.utcoffset() == timedelta(0)
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_uids_are_stable_across_fetches(app, feed_of):
    _client, path = feed_of(CONTACT)
    first, second = parse(fetch(app, path)), parse(fetch(app, path))
    assert events(first) == events(second)
    assert len(events(first)) == 2


def test_a_changed_deadline_moves_the_same_event(app, feed_of):
    """Outlook updates an event whose UID it knows: a new date must keep the UID."""
    _client, path = feed_of(OFFICE)
    before = events(parse(fetch(app, path)))
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    update_cycle_settings(office, cycle(), {"submission_deadline": date(2026, 3, 16)})
    db.session.commit()
    after = events(parse(fetch(app, path)))
    assert set(after) == set(before)
    assert after[uid("submission")][0] == date(2026, 3, 16)
    assert before[uid("submission")][0] == SUBMISSION


def test_the_feed_answers_text_calendar_and_is_not_cached(app, feed_of):
    _client, path = feed_of(CONTACT)
    response = fetch(app, path)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.get_data().startswith(b"BEGIN:VCALENDAR\r\n")


def test_revoked_token_gets_404(app, feed_of):
    client, path = feed_of(CONTACT)
    assert fetch(app, path).status_code == 200
    assert post(client, "/profile/calendar/revoke").status_code == 302
    assert fetch(app, path).status_code == 404


@pytest.mark.parametrize("token", [
    "A" * 43,  # well-formed, unknown
    "short",
    "A" * 44,
    "A" * 42 + "%",
])
def test_unknown_or_malformed_token_gets_404(app, feed_of, token):
    feed_of(CONTACT)  # a real token exists, so the 404 is not for an empty table
    assert fetch(app, f"/calendar/{token}.ics").status_code == 404


def test_the_hash_itself_is_not_a_token(app, feed_of):
    """Someone who reads the database cannot use what is stored there as a feed address."""
    _client, path = feed_of(CONTACT)
    stored = db.session.scalar(sa.select(CalendarToken.token_hash))
    assert fetch(app, f"/calendar/{stored}.ics").status_code == 404
    assert fetch(app, path).status_code == 200


def test_a_deactivated_users_feed_gets_404(app, feed_of):
    _client, path = feed_of(OTHER_CONTACT)
    user = db.session.scalar(sa.select(User).where(User.email == OTHER_CONTACT))
    user.is_active_user = False
    db.session.commit()
    assert fetch(app, path).status_code == 404


def test_the_feed_needs_no_login_but_a_logged_in_session_changes_nothing(app, feed_of):
    client, path = feed_of(CONTACT)
    other = app.test_client()
    login(other, OFFICE)
    assert events(parse(other.get(path))) == events(parse(fetch(app, path)))
    assert uid("review") not in events(parse(client.get(path)))  # the token's owner decides
