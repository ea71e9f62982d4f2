"""Adjusting a planned cycle before it opens: its arenas and its criteria (issue 6)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.cycles.lifecycle import clone_cycle, open_cycle
from app.cycles.setup import CriterionRow, set_cycle_arenas, slug, unique_key
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Arena, ArenaKind, Assessment, AuditEvent, CriteriaSet, Cycle
from tests.conftest import COMMISSIONER, CONTACT, OFFICE, SECRETARY, fingerprint, login, post
from workflows.engine import TransitionNotAllowed

PLANNED = 2022  # cloned from 2021 by the `planned` fixture
CHECKBOX = re.compile(r'<input (checked )?class="ds-input"[^>]*type="checkbox" value="(\d+)"')


def cycle(year: int) -> Cycle:
    return db.session.scalar(sa.select(Cycle).where(Cycle.year == year))


def arena(name: str) -> Arena:
    return db.session.scalar(sa.select(Arena).where(Arena.name == name))


def audit_rows(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture()
def planned(app) -> Cycle:
    """Next year's cycle, cloned from 2021 and not yet opened."""
    new = clone_cycle(None, cycle(2021), PLANNED)
    db.session.commit()
    return new


def arenas_data(ids) -> dict:
    """The arenas form with `ids` ticked (each in its own group)."""
    chosen = [db.session.get(Arena, i) for i in ids]
    return {"organisations": [a.id for a in chosen if a.kind != ArenaKind.FRIENDSHIP_CITY],
            "friendship_cities": [a.id for a in chosen if a.kind == ArenaKind.FRIENDSHIP_CITY]}


def criteria_data(year: int, new: dict | None = None, **rows: dict) -> dict:
    """The criteria form as the page fills it in, with `rows[key]` changes and a new row."""
    data = {"new-kind": "rating", "new-is_required": "y"}
    data.update({f"new-{k}": v for k, v in (new or {}).items()})
    for i, c in enumerate(cycle(year).criteria_set.criteria):
        row = {"key": c.key, "label_nb": c.label_nb, "label_en": c.label_en,
               "hint_nb": c.hint_nb, "hint_en": c.hint_en,
               "is_required": "y" if c.is_required else None, **rows.get(c.key, {})}
        data.update({f"criteria-{i}-{k}": v for k, v in row.items() if v is not None})
    return data


# --------------------------------------------------------------------------- arenas


def test_add_and_drop_arenas_then_open_assesses_exactly_those(client, planned):
    login(client, OFFICE)
    page = client.get(f"/cycles/{PLANNED}/arenas").get_data(as_text=True)
    eurocities, gcf, ubc = (arena(n) for n in ("Eurocities", "Global Climate Forum (GCF)",
                                               "Union of the Baltic Cities (UBC)"))
    boxes = dict((int(v), bool(c)) for c, v in CHECKBOX.findall(page))
    assert boxes[eurocities.id] and not boxes[gcf.id]
    assert {i for i, ticked in boxes.items() if ticked} == {a.id for a in planned.arenas}
    assert 'class="ds-tag"' in page and "Vennskapsbyer" in page
    chosen = {a.id for a in planned.arenas} - {eurocities.id} | {gcf.id, ubc.id}
    response = post(client, f"/cycles/{PLANNED}/arenas", arenas_data(chosen),
                    follow_redirects=True)
    assert response.status_code == 200
    assert "2 lagt til, 1 tatt ut" in response.get_data(as_text=True)
    (event,) = audit_rows("cycle_arenas_changed")
    assert [a["name"] for a in event.details["removed"]] == ["Eurocities"]
    assert {a["id"] for a in event.details["added"]} == {gcf.id, ubc.id}
    open_cycle(None, cycle(PLANNED))
    assessed = db.session.scalars(sa.select(Assessment.arena_id).join(Assessment.cycle)
                                  .where(Cycle.year == PLANNED)).all()
    assert sorted(assessed) == sorted(chosen)


def test_arenas_of_an_opened_cycle_are_read_only_and_refused(client):
    login(client, OFFICE)
    page = client.get("/cycles/2026/arenas").get_data(as_text=True)
    assert 'type="checkbox"' not in page and "kan ikke lenger endres" in page
    before = fingerprint()
    response = post(client, "/cycles/2026/arenas",
                    arenas_data([a.id for a in cycle(2026).arenas][1:]))
    assert response.status_code == 409
    assert "allerede åpnet" in response.get_data(as_text=True)
    assert fingerprint() == before
    with pytest.raises(TransitionNotAllowed):
        set_cycle_arenas(None, cycle(2026), [])


@pytest.mark.parametrize("email", [CONTACT, COMMISSIONER, SECRETARY])
def test_only_the_council_office_adjusts_a_planned_cycle(client, planned, email):
    login(client, email)
    before = fingerprint()
    for page in ("arenas", "criteria"):
        assert client.get(f"/cycles/{PLANNED}/{page}").status_code == 403
    assert post(client, f"/cycles/{PLANNED}/arenas", {"organisations": []}).status_code == 403
    assert post(client, f"/cycles/{PLANNED}/criteria",
                criteria_data(PLANNED, influence={"remove": "y"})).status_code == 403
    assert fingerprint() == before


def test_unknown_or_archived_arena_ids_are_refused(client, planned):
    login(client, OFFICE)
    archived = Arena(key="gammel", name="Arkivert arena", kind=ArenaKind.NETWORK,
                     is_archived=True)
    db.session.add(archived)
    db.session.commit()
    before = fingerprint()
    ids = [a.id for a in planned.arenas]
    for extra in (999_999, archived.id):
        response = post(client, f"/cycles/{PLANNED}/arenas",
                        {"organisations": ids + [extra], "friendship_cities": []})
        assert response.status_code == 400
        assert "ds-validation-message" in response.get_data(as_text=True)
    assert fingerprint() == before
    with pytest.raises(ValidationFailed):
        set_cycle_arenas(None, cycle(PLANNED), ids + [archived.id])


# --------------------------------------------------------------------------- criteria


def test_criteria_revision_is_a_new_version_for_this_cycle_only(client, planned):
    old_set = planned.criteria_set
    shared = [(c.id, c.key, c.label_nb, c.kind) for c in old_set.criteria]
    top = db.session.scalar(sa.select(sa.func.max(CriteriaSet.version)))
    login(client, OFFICE)
    assert 'name="criteria-3-remove"' in client.get(f"/cycles/{PLANNED}/criteria").get_data(
        as_text=True)
    data = criteria_data(PLANNED, new={"label_nb": "Økonomisk nytte", "kind": "text"},
                         learning_outcome={"label_nb": "Læring", "is_required": None},
                         influence={"remove": "y"})
    response = post(client, f"/cycles/{PLANNED}/criteria", data, follow_redirects=True)
    assert f"versjon {top + 1}" in response.get_data(as_text=True)
    revised = cycle(PLANNED).criteria_set
    assert revised.version == top + 1 and revised.name == f"Kriterier {PLANNED}"
    assert [(c.key, c.kind.value, c.is_required) for c in revised.criteria] == [
        ("participation", "participation", True), ("learning_outcome", "rating", False),
        ("other_value", "text", False), ("okonomisk_nytte", "text", True)]
    assert revised.criteria[1].label_nb == "Læring"
    for year in (2021, 2026):  # last year's and this year's cycles keep their own set
        kept = cycle(year).criteria_set
        assert kept.id == old_set.id
        assert [(c.id, c.key, c.label_nb, c.kind) for c in kept.criteria] == shared
    (event,) = audit_rows("criteria_revised")
    assert event.details["version"] == top + 1 and event.details["removed"] == ["influence"]
    assert event.details["added"] == ["okonomisk_nytte"]


def test_opening_after_a_revision_carries_answers_per_criterion(client, planned):
    login(client, OFFICE)
    post(client, f"/cycles/{PLANNED}/criteria",
         criteria_data(PLANNED, new={"label_nb": "Påvirkning", "kind": "rating"},
                       influence={"remove": "y"}))
    open_cycle(None, cycle(PLANNED))
    rows = db.session.scalars(sa.select(Assessment).join(Assessment.cycle)
                              .where(Cycle.year == PLANNED)).all()
    old = {a.arena_id: a for a in db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).where(Cycle.year == 2021))}
    eurocities = next(r for r in rows if r.arena.name == "Eurocities")
    assert eurocities.is_carried_forward and "influence" in old[eurocities.arena_id].answers
    for key in ("participation", "learning_outcome"):
        assert eurocities.answers[key] == old[eurocities.arena_id].answers[key]
    assert not any({"influence", "pavirkning"} & set(r.answers) for r in rows)


def test_bad_criteria_posts_change_nothing_and_say_why(client, planned):
    login(client, OFFICE)
    url = f"/cycles/{PLANNED}/criteria"
    before = fingerprint()
    empty_label = post(client, url, criteria_data(PLANNED, influence={"label_nb": " "}))
    assert empty_label.status_code == 400
    page = empty_label.get_data(as_text=True)
    assert 'id="criteria-2-label_nb-error"' in page and "Skriv navnet på kriteriet" in page
    assert 'href="#criteria-2-label_nb">Kriterium 3, navn (bokmål)' in page  # error summary
    new_without_label = post(client, url, criteria_data(PLANNED, new={"hint_nb": "Hva?"}))
    assert 'id="new-label_nb-error"' in new_without_label.get_data(as_text=True)
    remove_all = {c.key: {"remove": "y"} for c in planned.criteria_set.criteria}
    response = post(client, url, criteria_data(PLANNED, **remove_all))
    assert response.status_code == 400
    assert "minst ett kriterium" in response.get_data(as_text=True)
    unchanged = post(client, url, criteria_data(PLANNED), follow_redirects=True)
    assert "Ingen endringer" in unchanged.get_data(as_text=True)
    opened = post(client, "/cycles/2026/criteria",
                  criteria_data(2026, influence={"remove": "y"}))
    assert opened.status_code == 409 and "allerede åpnet" in opened.get_data(as_text=True)
    assert fingerprint() == before


def test_new_keys_are_unique_slugs_of_the_norwegian_label():
    assert slug("Læringsutbytte") == "laeringsutbytte"
    assert slug("Økt synlighet for byen!") == "okt_synlighet_for_byen"
    assert slug("2030-mål") == "k_2030_mal" and slug("???") == "kriterium"
    taken = {"influence", "deltakelse"}
    assert unique_key("Deltakelse", taken) == "deltakelse_2"
    assert unique_key("Deltakelse", taken) == "deltakelse_3" and "deltakelse_3" in taken
    assert CriterionRow(key=None, label_nb="x").is_required  # new criteria must be answered


# --------------------------------------------------------------------------- dashboard


def test_dashboard_links_to_setup_pages_and_exports(app, client, planned):
    login(client, OFFICE)
    page = client.get(f"/cycles/{PLANNED}").get_data(as_text=True)
    assert f'href="/cycles/{PLANNED}/arenas"' in page and f'/cycles/{PLANNED}/criteria"' in page
    assert f"/documents/{PLANNED}/export.xlsx" in page
    opened = client.get("/cycles/2026").get_data(as_text=True)
    assert "/cycles/2026/arenas" not in opened and "/documents/2026/export.csv" in opened
    secretary = app.test_client()
    login(secretary, SECRETARY)
    assert "export.csv" not in secretary.get("/cycles/2026").get_data(as_text=True)
