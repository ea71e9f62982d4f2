"""A good file creates or updates arenas matched by key (or exact name) and says what changed."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit import trail
from app.extensions import db
from app.models import ArenaStatus, AuditEvent
from tests.arenas_io.files import arena, arena_count, csv_bytes, row, yaml_bytes
from tests.conftest import fingerprint


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_row_with_a_known_key_updates_that_arena(run_import):
    before = arena("eurocities")
    description, arena_id = before.description_nb, before.id
    report = run_import("a.csv", csv_bytes(
        [{"key": "eurocities", "name": "Eurocities (nettverk)", "yearly_cost": "250000"}],
        columns=("key", "name", "yearly_cost")))
    after = arena("eurocities")
    assert (after.id, after.name, after.yearly_cost) == (arena_id, "Eurocities (nettverk)", 250_000)
    assert after.description_nb == description  # a column the file does not have stays as it was
    assert report.updated == [("Eurocities (nettverk)", ["name", "yearly_cost"])]
    assert (report.created, report.unchanged) == ([], [])
    assert [e.details["fields"] for e in trail("arena", arena_id)
            if e.action == "arena_updated"] == [["name", "yearly_cost"]]


def test_a_row_without_key_updates_the_arena_with_exactly_that_name(run_import):
    report = run_import("a.csv", csv_bytes(
        [{"key": "", "name": "Eurocities", "responsible": "BL;KMB"}],
        columns=("key", "name", "responsible")))
    assert report.updated == [("Eurocities", ["portfolio_ids"])]
    assert [p.code for p in arena("eurocities").portfolios] == ["BL", "KMB"]


def test_new_arenas_get_a_key_made_from_their_name(run_import):
    count = arena_count()
    report = run_import("a.csv", csv_bytes([
        row(name="Byen Tromsø"), row(name="Byen  Tromsø!"), row(name="Eurocities – Nord"),
        row(name="Sjøfart", key="sjofart-x", status="member")]))
    assert report.created == ["Byen Tromsø", "Byen  Tromsø!", "Eurocities – Nord", "Sjøfart"]
    assert arena_count() == count + 4
    assert arena("byen-tromso").name == "Byen Tromsø"
    assert arena("byen-tromso-2").name == "Byen  Tromsø!"
    assert arena("eurocities-nord").status == ArenaStatus.PROPOSED
    assert arena("sjofart-x").status == ArenaStatus.MEMBER


def test_a_new_arena_without_status_is_a_member(run_import):
    run_import("a.csv", csv_bytes([row(key="ny-1", name="Ny", status="")]))
    assert arena("ny-1").status == ArenaStatus.MEMBER


def test_an_existing_arenas_unchanged_status_may_stand_in_the_file(run_import):
    report = run_import("a.csv", csv_bytes(
        [{"key": "global-climate-forum", "status": "left", "yearly_cost": "1"}],
        columns=("key", "status", "yearly_cost")))
    assert report.updated == [("Global Climate Forum (GCF)", ["yearly_cost"])]
    assert arena("global-climate-forum").status == ArenaStatus.LEFT


def test_spreadsheet_habits_are_understood(run_import):
    run_import("a.csv", csv_bytes([row(key="ny-1", name="Ny", kind=" Network ",
                                       responsible="kml ; asb;", yearly_cost="1 250 000",
                                       member_since=" 2001 ")]))
    made = arena("ny-1")
    assert (made.kind.value, made.yearly_cost, made.member_since) == ("network", 1_250_000, 2001)
    assert [p.code for p in made.portfolios] == ["ASB", "KML"]


def test_yaml_may_list_the_portfolios(run_import):
    run_import("a.yaml", yaml_bytes([{"key": "ny-1", "name": "Ny", "kind": "programme",
                                      "responsible": ["KML", "ASB"], "member_since": 2019,
                                      "yearly_cost": 0}]))
    made = arena("ny-1")
    assert [p.code for p in made.portfolios] == ["ASB", "KML"]
    assert (made.member_since, made.yearly_cost) == (2019, 0)


def test_an_unchanged_file_reports_every_arena_unchanged_and_writes_nothing(run_import):
    data = csv_bytes([{"key": "eurocities", "name": "Eurocities", "responsible": "BL"}],
                     columns=("key", "name", "responsible"))
    before = fingerprint()
    report = run_import("a.csv", data)
    assert (report.created, report.updated, report.unchanged) == ([], [], ["Eurocities"])
    assert fingerprint() == before


def test_the_import_leaves_one_audit_row_with_its_report(run_import):
    run_import("register.csv", csv_bytes([
        row(key="ny-1", name="Ny"),
        {"key": "eurocities", "name": "Eurocities", "kind": "network", "responsible": "BL",
         "yearly_cost": "7", "status": "member"}],
        columns=("key", "name", "kind", "responsible", "yearly_cost", "status")))
    [event] = events("arenas_imported")
    assert event.entity_type == "arena_register"
    assert event.actor_id is None
    assert event.details == {"file": "register.csv", "created": ["Ny"],
                             "updated": [["Eurocities", ["yearly_cost"]]], "unchanged": 0}


def test_renaming_into_another_arenas_name_is_refused(refusal):
    problems = refusal("a.csv", csv_bytes([{"key": "eurocities", "name": "EurEau"}],
                                          columns=("key", "name")))
    assert problems == [(2, "name", "Navnet «EurEau» brukes allerede av en annen arena "
                                    "(nøkkel «eureau»).")]


def test_the_same_arena_twice_is_refused(refusal):
    problems = refusal("a.csv", csv_bytes([{"key": "eurocities", "name": "Eurocities x"},
                                           {"key": "", "name": "Eurocities"}],
                                          columns=("key", "name")))
    assert problems == [(3, "", "Arenaen «Eurocities» står også på linje 2.")]


def test_a_new_arena_needs_name_kind_and_portfolio(refusal):
    problems = refusal("a.csv", csv_bytes([{"key": "ny-1"}], columns=("key",)))
    assert problems == [(2, "name", "Navn mangler."), (2, "kind", "Type mangler."),
                        (2, "responsible", "Ansvarlig byrådsavdeling mangler.")]
