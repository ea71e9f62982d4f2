"""The long list pages (dashboard, my assessments, register) built the lean way (app/listing.py).

Their cells are escaped once in Python and written out raw, so these tests hold them to what
the ORM objects and Flask-Babel say, and feed them markup to prove it comes out escaped.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_babel import force_locale, format_date, format_datetime
from markupsafe import Markup

from app.assessments.queries import assessments_for_contact
from app.extensions import db
from app.labels import (
    ARENA_KIND_LABELS,
    ARENA_STATUS_LABELS,
    RECOMMENDATION_LABELS,
    STATE_LABELS,
)
from app.listing import Dates, link_pattern
from app.models import Arena, Assessment, Cycle, Portfolio, User
from app.templating import nok
from tests.conftest import CONTACT, OFFICE, login
from workflows.assessment import AssessmentState
from workflows.roles import Role

OPEN_YEAR = 2026
ROW_RE = re.compile(r"<tr>\s*(.*?)\s*</tr>", re.S)
CELL_RE = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)


def table(page: str, table_id: str | None = None, caption: str | None = None) -> list[list[str]]:
    """The body rows of a table as lists of cell HTML (found by id or by its caption)."""
    if table_id:
        part = page.split(f'id="{table_id}"')[1]
    else:
        part = page.split(caption)[1]
    body = part.split("<tbody>")[1].split("</tbody>")[0]
    return [CELL_RE.findall(row) for row in ROW_RE.findall(body)]


def text(cell: str) -> str:
    """A cell's text: tags dropped, entities decoded, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def open_cycle() -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == OPEN_YEAR))


# --------------------------------------------------------------------------- the helpers


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_dates_write_what_flask_babel_writes(app, locale):
    """Every 97 minutes through a year (both daylight-saving changes), naive and aware."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    moments = [start + timedelta(minutes=97 * i) for i in range(5500)]
    moments += [datetime(2026, 3, 29, 0, 59, 59), datetime(2026, 10, 25, 0, 30)]  # naive: UTC
    with app.test_request_context("/"), force_locale(locale):
        dates = Dates()
        for moment in moments:
            assert dates.datetime(moment) == format_datetime(moment, "short"), moment
            assert dates.date(moment.date()) == format_date(moment.date(), "long")
        assert dates.date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == format_date(
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "long")
        assert dates.datetime(None) == "" and dates.date(None) == ""
        assert all(isinstance(dates.datetime(m), Markup) for m in moments[:10])


def test_dates_refuse_formats_that_name_the_zone(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        Dates(datetime_format="long")


def test_link_pattern_builds_what_url_for_builds(app):
    with app.test_request_context("/"):
        for endpoint, key in (("assessments.detail", "assessment_id"),
                              ("arenas.detail", "arena_id")):
            link = link_pattern(endpoint, key)
            for ident in (1, 42, 10**9):
                assert link(ident) == url_for(endpoint, **{key: ident})
        with_query = link_pattern("cycles.dashboard", "year", state="draft")
        assert with_query(2026) == url_for("cycles.dashboard", year=2026, state="draft")


# --------------------------------------------------------------------------- escaping

HOSTILE = '<script>alert("x")</script> & Co'


def test_markup_in_names_comes_out_escaped_on_every_list(client):
    arena = db.session.scalar(
        sa.select(Arena).join(Assessment).join(Cycle).where(
            Cycle.year == OPEN_YEAR, Arena.portfolios.any(Portfolio.code == "KML"))
        .order_by(Arena.id).limit(1))
    arena.name = HOSTILE
    db.session.scalar(sa.select(Portfolio).where(Portfolio.code == "KML")).name_nb = "<b>K</b>"
    db.session.scalar(sa.select(User).where(User.email == CONTACT)).name = "<i>Kari</i>"
    db.session.commit()
    escaped = html.escape(HOSTILE, quote=True).replace("&quot;", "&#34;")
    pages = {}
    login(client, OFFICE)
    pages["dashboard"] = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    pages["register"] = client.get("/arenas/").get_data(as_text=True)
    contact = client.application.test_client()
    login(contact, CONTACT)
    pages["mine"] = contact.get("/assessments/").get_data(as_text=True)
    for name, page in pages.items():
        assert "<script>alert" not in page, name
        assert escaped in page, name
    assert "&lt;b&gt;K&lt;/b&gt;" in pages["register"] and "<b>K</b>" not in pages["register"]
    assert "&lt;i&gt;Kari&lt;/i&gt;" in pages["dashboard"]
    assert "<i>Kari</i>" not in pages["dashboard"]


# --------------------------------------------------------------------------- the dashboard


def test_dashboard_rows_agree_with_the_assessments(client, app):
    cycle = open_cycle()
    cycle.submission_deadline = date(2020, 1, 1)  # every draft and returned one is overdue
    decided = db.session.scalar(sa.select(Assessment).where(
        Assessment.cycle_id == cycle.id, Assessment.recommendation.is_not(None)).limit(1))
    decided.state = AssessmentState.DECIDED
    decided.decision_outcome = next(r for r in RECOMMENDATION_LABELS
                                    if r != decided.recommendation)
    unchanged = db.session.scalar(sa.select(Assessment).where(
        Assessment.cycle_id == cycle.id, Assessment.id != decided.id).limit(1))
    unchanged.unchanged_comment = "Som i fjor."
    db.session.commit()
    earlier = max(c.year for c in db.session.scalars(sa.select(Cycle)) if c.year < cycle.year)
    same = "Uendret fra i fjor" if earlier == cycle.year - 1 else f"Uendret fra {earlier}"
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    rows = table(page, "assessment-table")
    by_id = {int(re.search(r'href="/assessments/(\d+)"', row[0]).group(1)): row for row in rows}
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.cycle_id == cycle.id)).all()
    assert len(rows) == len(assessments) == len(by_id)
    with app.test_request_context("/"):
        for a in assessments:
            arena, codes, tags, recommendation, updated, _reminded = (text(c) for c in by_id[a.id])
            assert arena == a.arena.name
            assert codes == ", ".join(p.code for p in a.arena.portfolios)
            assert tags.startswith(str(STATE_LABELS[a.state]))
            assert ("Forfalt" in tags) == a.is_overdue
            assert ("Avvik fra anbefaling" in tags) == a.decision_differs
            assert (same in tags) == bool(a.unchanged_comment)
            assert earlier == cycle.year - 1 or "i fjor" not in tags
            assert recommendation == (str(RECOMMENDATION_LABELS[a.recommendation])
                                      if a.recommendation else "")
            assert updated == format_datetime(a.updated_at, "short")
    flags = [("Forfalt" in text(row[2])) for row in rows]
    assert any(flags) and flags == sorted(flags, reverse=True)  # overdue first
    assert "Avvik fra anbefaling" in text(by_id[decided.id][2])
    assert same in text(by_id[unchanged.id][2])


def test_a_state_filter_narrows_the_table_not_the_counts(client):
    cycle = open_cycle()
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}?state=returned").get_data(as_text=True)
    counts = dict(db.session.execute(
        sa.select(Assessment.state, sa.func.count()).where(Assessment.cycle_id == cycle.id)
        .group_by(Assessment.state)).all())
    for state in AssessmentState:
        shown = re.search(rf'data-state="{state.value}">(\d+)<', page).group(1)
        assert int(shown) == counts.get(state, 0)
    rows = table(page, "assessment-table")
    assert len(rows) == counts[AssessmentState.RETURNED] > 0
    assert all(text(row[2]).startswith("Sendt tilbake") for row in rows)
    total = sum(counts.values())
    assert f"av {total} vurderinger er sendt inn" in page


def expected_contact_counts(cycle: Cycle) -> dict[str, Counter]:
    """Per contact's name: the assigned contact, else the portfolios' active contacts."""
    expected: dict[str, Counter] = {}
    for a in db.session.scalars(sa.select(Assessment).where(Assessment.cycle_id == cycle.id)):
        if a.contact is not None:
            people = {a.contact}
        else:
            people = {u for p in a.arena.portfolios for u in p.members
                      if u.is_active and Role.CONTACT in u.roles}
        for person in people:
            expected.setdefault(person.name, Counter())[a.state] += 1
    return expected


def test_per_contact_counts_follow_assignment_and_active_contacts(client, make_user):
    cycle = open_cycle()
    make_user(roles={Role.CONTACT}, portfolios=["KML"], name="Aktiv Annen")
    gone = make_user(roles={Role.CONTACT}, portfolios=["KML"], name="Sluttet Sofie")
    gone.is_active_user = False
    assigned = make_user(roles={Role.CONTACT}, portfolios=[], name="Tildelt Tor")
    target = db.session.scalar(sa.select(Assessment).where(
        Assessment.cycle_id == cycle.id).order_by(Assessment.id).limit(1))
    target.contact_id = assigned.id
    db.session.commit()
    login(client, OFFICE)
    page = client.get(f"/cycles/{OPEN_YEAR}").get_data(as_text=True)
    shown = {text(row[0]): [int(text(c)) for c in row[1:]]
             for row in table(page, caption="Antall per status og kontaktperson")}
    expected = expected_contact_counts(cycle)
    assert set(shown) == set(expected)
    assert "Sluttet Sofie" not in shown and shown["Tildelt Tor"] == [
        expected["Tildelt Tor"][s] for s in AssessmentState]
    for name, counts in expected.items():
        assert shown[name] == [counts[s] for s in AssessmentState], name
    assert list(shown) == sorted(shown, key=str.lower)


# --------------------------------------------------------------------------- my assessments


def test_my_assessments_rows_agree_with_the_assessments(client, app, make_assessment):
    returned = make_assessment(state=AssessmentState.RETURNED)
    returned.review_comment = "Utdyp læringsutbyttet."
    db.session.commit()
    login(client, CONTACT)
    page = client.get("/assessments/").get_data(as_text=True)
    rows = table(page, caption="Arenaer du skal vurdere")
    user = db.session.scalar(sa.select(User).where(User.email == CONTACT))
    items = assessments_for_contact(user)
    assert len(rows) == len(items) > 0
    by_id = {a.id: a for a in items}  # the list puts what needs doing first: match by link
    with app.test_request_context("/"):
        for row in rows:
            a = by_id.pop(int(re.search(r'href="/assessments/(\d+)"', row[0]).group(1)))
            arena, year, tags, deadline, _left = (text(c) for c in row)
            note = "Sendt tilbake med kommentar"
            commented = a.review_comment and a.state == AssessmentState.RETURNED
            assert arena == (f"{a.arena.name} {note}" if commented else a.arena.name)
            assert year == str(a.cycle.year)
            assert tags.startswith(str(STATE_LABELS[a.state]))
            assert ("Forfalt" in tags) == a.is_overdue
            assert deadline == format_date(a.cycle.submission_deadline, "long")
    assert not by_id  # every assessment has its row
    assert returned.id in [a.id for a in items]


# --------------------------------------------------------------------------- the register


def test_register_rows_agree_with_the_arenas(client, app):
    archived = db.session.scalar(sa.select(Arena).order_by(Arena.id.desc()).limit(1))
    archived.is_archived = True
    db.session.commit()
    login(client, OFFICE)
    page = client.get("/arenas/?show=all").get_data(as_text=True)
    rows = table(page, "arena-table")
    arenas = db.session.scalars(sa.select(Arena).order_by(
        Arena.sort_order.is_(None), Arena.sort_order, Arena.name)).all()
    assert len(rows) == len(arenas) > 0
    for row, arena in zip(rows, arenas, strict=True):
        assert f'href="/arenas/{arena.id}"' in row[0]
        name, kind, owners, tags, since, cost = (text(c) for c in row)
        assert name == arena.name
        assert kind == str(ARENA_KIND_LABELS[arena.kind])
        assert owners == "; ".join(p.name("nb") for p in arena.portfolios)
        assert tags.startswith(str(ARENA_STATUS_LABELS[arena.status]))
        assert ("Arkivert" in tags) == arena.is_archived
        assert since == (str(arena.member_since) if arena.member_since else "")
        assert cost == " ".join(nok(arena.yearly_cost).split())
    assert "Arkivert" in text(rows[[a.id for a in arenas].index(archived.id)][3])


def test_fill_rows_puts_escaped_cells_into_the_row_format():
    from app.listing import fill_rows

    rows = [(Markup("&lt;b&gt;"), 3), (Markup("x"), 0)]
    assert fill_rows(rows, "<tr><td>%s</td><td>%s</td></tr>") == Markup(
        "<tr><td>&lt;b&gt;</td><td>3</td></tr><tr><td>x</td><td>0</td></tr>")
    assert fill_rows([], "<tr>%s</tr>") == ""
    with pytest.raises(TypeError):  # a row that does not fit its format is a bug, not a page
        fill_rows([(Markup("a"),)], "<td>%s</td><td>%s</td>")


def test_gunicorn_workers_freeze_the_loaded_app_and_collect_less_often():
    import gc
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    before = gc.get_threshold()
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_threshold() == conf["GC_THRESHOLD"]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
