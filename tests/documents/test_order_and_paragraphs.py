"""The office's arena order (page, carry-forward), its own paragraphs and the live job status."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.cycles.lifecycle import clone_cycle
from app.documents.builder import build_review
from app.documents.operations import current_order, queue_assembly
from app.extensions import db
from app.models import AuditEvent, DocumentSettings, PartOrder, SchedulerLease, User
from tests.conftest import CONTACT, OFFICE, fingerprint, login, post
from tests.documents.conftest import cycle_of


def office() -> User:
    return db.session.scalar(sa.select(User).where(User.email == OFFICE))


def names(year: int = 2021) -> list[str]:
    return [s.name for s in build_review(cycle_of(year).id).sections]


def arena_id(name: str, year: int = 2021) -> int:
    return next(s.arena_id for s in build_review(cycle_of(year).id).sections if s.name == name)


def test_order_page_lists_each_part_in_the_documents_order(client):
    login(client, OFFICE)
    page = client.get("/cycles/2021/order").get_data(as_text=True)
    assert page.index("Göteborg") < page.index("Århus") < page.index("Seattle")
    assert page.count('name="move"') == 2 * 39
    assert "Nå brukes kontorets egen rekkefølge." in page


def test_move_down_without_script_swaps_within_the_part(client):
    login(client, OFFICE)
    first, second = names()[:2]
    response = post(client, "/cycles/2021/order", {"move": f"{arena_id(first)}:1"})
    assert response.status_code == 302 and response.location.endswith(f"#arena-{arena_id(first)}")
    assert names()[:2] == [second, first]
    # the last arena of part 1 cannot move into part 2
    last = names()[33]
    post(client, "/cycles/2021/order", {"move": f"{arena_id(last)}:1"})
    assert names()[33] == last and names()[34] == "Göteborg"
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "document_order_changed")) is not None


def test_drag_and_drop_order_is_saved_whole_and_alphabetical_is_one_click(client):
    login(client, OFFICE)
    ids = [arena_id(n) for n in names()]
    wanted = ids[1:34][::-1] + ids[:1] + ids[34:][::-1]
    response = post(client, "/cycles/2021/order",
                    {"action": "save", "order": ",".join(map(str, wanted))})
    assert response.status_code == 302
    assert [arena_id(n) for n in names()] == wanted
    post(client, "/cycles/2021/order", {"action": "alphabetical"})
    settings = db.session.get(DocumentSettings, cycle_of(2021).id)
    assert settings.part_order == PartOrder.ALPHABETICAL
    assert names()[34:] == ["Göteborg", "Newcastle", "Seattle", "Åbo/Turku", "Århus"]


@pytest.mark.parametrize("data", [{"order": "1,2,3"}, {"order": "x,y"}, {"move": "a:b"},
                                  {"move": "1:5"}])
def test_an_order_that_is_not_the_cycles_arenas_is_refused(client, data):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/2021/order", {"action": "save", **data})
    assert response.status_code == 400
    assert "Rekkefølgen kunne ikke leses. Ingenting er endret" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_order_page_is_for_the_office_only(client):
    login(client, CONTACT)
    assert client.get("/cycles/2021/order").status_code == 403
    before = fingerprint()
    assert post(client, "/cycles/2021/order", {"action": "alphabetical"}).status_code == 403
    assert fingerprint() == before


def test_order_and_front_matter_carry_forward_on_clone(app):
    source = cycle_of(2021)
    row = db.session.get(DocumentSettings, source.id)
    row.arena_order = list(reversed(row.arena_order))
    db.session.commit()
    new = clone_cycle(office(), source, 2030)
    db.session.commit()
    copied = db.session.get(DocumentSettings, new.id)
    assert copied.arena_order == row.arena_order and copied.part_order == PartOrder.CUSTOM
    assert copied.title == row.title and copied.reference_label == "Vår referanse"
    assert copied.council_basis == row.council_basis and copied.paragraph_edits in (None, {})
    cities = [a.name for a in current_order(new) if a.part == 2]
    assert cities == ["Seattle", "Newcastle", "Åbo/Turku", "Århus", "Göteborg"]


def test_the_office_rewrites_a_paragraph_and_it_is_used_and_marked(client):
    login(client, OFFICE)
    ubc = arena_id("Union of the Baltic Cities (UBC)")
    page = client.get(f"/documents/2021/paragraphs/{ubc}").get_data(as_text=True)
    assert "Utskrevet tekst:" in page
    text = "Bergen har ikke deltatt på samlingene de siste årene, og nytten er liten."
    response = post(client, f"/documents/2021/paragraphs/{ubc}",
                    {"opening": "", "participation": text, "gain": ""})
    assert response.status_code == 302
    section = next(s for s in build_review(cycle_of(2021).id).sections if s.arena_id == ubc)
    assert section.text_of("participation") == text and section.edited == {"participation"}
    listing = client.get("/documents/2021/paragraphs").get_data(as_text=True)
    assert "Redigert" in listing
    preview = client.get("/documents/2021/preview").get_data(as_text=True)
    assert text in preview and 'class="ds-tag review-edited"' in preview
    # an empty field goes back to the generated text
    post(client, f"/documents/2021/paragraphs/{ubc}", {"opening": "", "participation": "",
                                                       "gain": ""})
    section = next(s for s in build_review(cycle_of(2021).id).sections if s.arena_id == ubc)
    assert section.edited == frozenset() and section.participation != text


def test_paragraph_pages_are_for_the_office_only(client):
    login(client, CONTACT)
    assert client.get("/documents/2021/paragraphs").status_code == 403
    before = fingerprint()
    response = post(client, f"/documents/2021/paragraphs/{arena_id('Eurocities')}",
                    {"opening": "Nei."})
    assert response.status_code == 403 and fingerprint() == before


def test_paragraph_pages_refuse_unknown_arenas_and_languages(client):
    login(client, OFFICE)
    assert client.get("/documents/2021/paragraphs/999999").status_code == 404
    assert client.get("/documents/2021/paragraphs?locale=xx").status_code == 404


def test_settings_set_the_front_matter(client):
    login(client, OFFICE)
    response = post(client, "/documents/2021/settings", {
        "title": "Internasjonalt samarbeid 2021", "reference_label": "Saksnummer",
        "council_basis": "", "introduction_nb": "Innledning.", "part_order": "custom"})
    assert response.status_code == 302
    doc = build_review(cycle_of(2021).id)
    assert doc.title == "Internasjonalt samarbeid 2021" and doc.reference_label == "Saksnummer"
    assert doc.introduction == ("Innledning. Medlemskap som forutsetter politiske avveininger, "
                                "blir behandlet i bystyret.",)


def test_job_status_follows_the_job_and_says_when_no_scheduler_runs(client):
    login(client, OFFICE)
    queue_assembly(cycle_of(2021), office(), "nb")
    db.session.commit()
    page = client.get("/documents/2021").get_data(as_text=True)
    assert 'data-status-url="/documents/2021/job"' in page
    assert "Ingen planlegger kjører nå" in page
    job = client.get("/documents/2021/job").get_json()
    assert job["pending"] is True and job["status"] == "queued"
    assert job["message"].startswith("Ingen planlegger kjører nå")
    db.session.add(SchedulerLease(name="test-scheduler", holder="test",
                                  lease_until=clock.now() + timedelta(seconds=40)))
    db.session.commit()
    job = client.get("/documents/2021/job").get_json()
    assert job["message"].startswith("Status: i kø")
    assert "Siden oppdaterer seg selv" in client.get("/documents/2021").get_data(as_text=True)
