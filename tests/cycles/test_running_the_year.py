"""The year from the council office's chair, end to end, as one walk-through: clone last
year's review, adjust it (deadlines, no sign-off, one arena fewer, a reworded criterion),
open it; a contact confirms one arena as unchanged and edits
another; the dashboard, both exports and the contact's calendar show what happened."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Arena, Assessment, AuditEvent, Cycle, Portfolio
from tests.assessments.conftest import save_form
from tests.calendar.conftest import events, new_feed, parse
from tests.conftest import CONTACT, OFFICE, login, post
from tests.cycles.test_setup import criteria_data
from workflows.assessment import AssessmentState as S

DEADLINE = date(2022, 3, 14)


def cycle(year: int) -> Cycle:
    db.session.rollback()
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def assessment_count(year: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Assessment.id)).join(Assessment.cycle)
                             .where(Cycle.year == year))


def kml_assessments(year: int) -> list[Assessment]:
    """The year's assessments of the contact's portfolio KML, by arena name."""
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).join(Assessment.arena)
        .where(Cycle.year == year, Arena.portfolios.any(Portfolio.code == "KML"))
        .order_by(Arena.name)))


def office_prepares_2022(client) -> None:
    """Clone 2021 into 2022 from the dashboard, set its deadlines without sign-off, open it."""
    login(client, OFFICE)
    response = post(client, "/cycles/2021/clone", {"year": "2022"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert cycle(2022).status.value == "planned"
    response = post(client, "/cycles/2022/settings", {
        "title": "Gjennomgang 2022", "submission_deadline": DEADLINE.isoformat(),
        "review_deadline": "2022-04-04", "council_meeting_date": "2022-05-04"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    dropped = adjust_arenas_and_criteria(client)
    response = post(client, "/cycles/2022/lifecycle",
                    {"transition": "open_cycle", "confirmed": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    opened = cycle(2022)
    assert opened.status.value == "open" and not opened.requires_sign_off
    assert assessment_count(2022) == len(opened.arenas) > 0
    assert dropped not in {a.name for a in opened.arenas}
    assert opened.criteria_set.version == 2 and cycle(2021).criteria_set.version == 1


def adjust_arenas_and_criteria(client) -> str:
    """Drop the last organisation from 2022 and reword a hint (a new criteria version);
    returns the dropped arena's name."""
    planned = cycle(2022)
    kept = [a for a in planned.arenas if a.kind.value != "friendship_city"]
    dropped = kept.pop()
    response = post(client, "/cycles/2022/arenas", {
        "organisations": [a.id for a in kept],
        "friendship_cities": [a.id for a in planned.arenas
                              if a.kind.value == "friendship_city"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = post(client, "/cycles/2022/criteria", criteria_data(
        2022, other_value={"hint_nb": "For eksempel synlighet for byen i 2022."}))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return dropped.name


def contact_works(client) -> tuple[Assessment, Assessment]:
    """The contact (on their own `client`) confirms the first KML arena unchanged and edits
    the second."""
    same, edited = kml_assessments(2022)[:2]
    assert same.is_carried_forward and edited.is_carried_forward
    login(client, CONTACT)
    mine = client.get("/assessments/").get_data(as_text=True)
    assert same.arena.name in mine and edited.arena.name in mine
    response = post(client, f"/assessments/{same.id}/unchanged",
                    {"unchanged_comment": "Deltakelsen er som i fjor."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = save_form(client, edited.id, {"influence_value": "low",
                                             "influence_text": "Mindre gjennomslag i år."})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    return db.session.get(Assessment, same.id), db.session.get(Assessment, edited.id)


def test_the_office_runs_2022_from_the_demo(client, app):
    office_prepares_2022(client)
    contact = app.test_client()
    same, edited = contact_works(contact)
    assert same.state == S.IN_REVIEW and same.unchanged_comment  # no sign-off this year
    assert edited.state == S.DRAFT and edited.answer("influence")["value"] == "low"
    trail = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "assessment", AuditEvent.entity_id == same.id)).all()
    assert "confirmed_unchanged" in trail

    # The contact's form marks what now differs from 2021.
    assert "Endret fra i fjor" in contact.get(f"/assessments/{edited.id}").get_data(
        as_text=True)

    # The dashboard: the two rows in their states, the unchanged one marked.
    board = client.get("/cycles/2022").get_data(as_text=True)
    same_row = board[board.index(same.arena.name):].split("</tr>")[0]
    assert "Uendret fra i fjor" in same_row and "Til behandling" in same_row
    edited_row = board[board.index(edited.arena.name):].split("</tr>")[0]
    assert "Uendret fra i fjor" not in edited_row and "Utkast" in edited_row

    # The exports: one row per assessment, with the state, the edit and the comment.
    sheet = load_workbook(io.BytesIO(client.get("/documents/2022/export.xlsx").data)).active
    header, *body = list(sheet.iter_rows(values_only=True))
    by_arena = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert len(by_arena) == assessment_count(2022)
    assert by_arena[same.arena.name]["Uendret fra i fjor – kommentar"] == \
        "Deltakelsen er som i fjor."
    assert by_arena[edited.arena.name]["Gjennomslagskraft"] == "Lite"
    assert by_arena[edited.arena.name]["Gjennomslagskraft – begrunnelse"] == \
        "Mindre gjennomslag i år."
    text = client.get("/documents/2022/export.csv").data.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(text), delimiter=";")}
    assert rows[same.arena.name][3] == "Til behandling" and rows[edited.arena.name][3] == \
        "Utkast"

    # The contact's calendar: the 2022 deadline, counting the arenas still to send.
    calendar = events(parse(app.test_client().get(new_feed(contact))))
    summaries = [summary for day, summary in calendar.values() if day == DEADLINE]
    assert summaries and "Gjennomgang 2022" in summaries[0]
