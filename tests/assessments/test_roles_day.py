"""The contact's and the head's day on the assessment pages: failed forms come back at the
page's own address, open and marked; the messages say what happened and who has it now; the
read view marks what changed; the head signs off several at once."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.clock import today
from app.extensions import db
from app.models import Assessment, AuditEvent, Cycle, Organisation
from tests.assessments.conftest import (
    audit_rows,
    complete_answers,
    form_state,
    fresh,
    page,
    save_form,
    take,
)
from tests.conftest import COMMISSIONER, CONTACT, fingerprint, login, post
from workflows.assessment import AssessmentState

S = AssessmentState
SUMMARY_RE = re.compile(r'<div class="ds-error-summary" tabindex="-1" id="error-summary"'
                        r'.*?</div>', re.S)


def forms_of(html: str) -> list[str]:
    """Each <form>…</form> of a page."""
    return re.findall(r"<form\b.*?</form>", html, re.S)


def dt_texts(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", t) for t in re.findall(r"<dt>(.*?)</dt>", html, re.S)]


# --- a failed small form comes back at the page's own address -----------------------------

def test_unchanged_with_an_empty_comment_comes_back_open_and_marked(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    state = form_state(page(client, aid))
    before = fingerprint()
    response = client.post(f"/assessments/{aid}/unchanged", data={
        "csrf_token": state["csrf_token"], "unchanged_comment": "   "})
    assert response.status_code == 303  # back to the page: reloading it is a GET, never a 405
    assert response.headers["Location"] == f"/assessments/{aid}"
    assert fingerprint() == before
    html = page(client, aid)
    assert '<details class="ds-details unchanged-box" open>' in html
    assert re.search(r'<textarea[^>]*id="unchanged_comment"[^>]*aria-invalid="true"'
                     r'[^>]*aria-describedby="unchanged_comment-error"', html)
    assert 'id="unchanged_comment-error">Skriv en kort begrunnelse' in html
    summary = SUMMARY_RE.search(html).group(0)
    assert 'href="#unchanged_comment"' in summary
    assert 'name="participation_value"' in html  # the answer form is still there
    # Shown once: the page is clean again on the next visit.
    again = page(client, aid)
    assert "unchanged-box\" open" not in again and 'id="error-summary"' not in again


def test_unchanged_keeps_what_was_typed_when_it_fails(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    state = form_state(page(client, aid))
    before = fingerprint()
    typed = "Som i fjor <b>" + "x" * 1000
    response = client.post(f"/assessments/{aid}/unchanged", data={
        "csrf_token": state["csrf_token"], "unchanged_comment": typed}, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == f"/assessments/{aid}"
    assert fingerprint() == before
    html = response.get_data(as_text=True)
    assert "Som i fjor &lt;b&gt;" + "x" * 1000 + "</textarea>" in html
    assert "høyst 1000 tegn" in SUMMARY_RE.search(html).group(0)


def test_send_back_without_a_comment_comes_back_at_the_page_marked(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    login(client, COMMISSIONER)
    before = fingerprint()
    response = take(client, aid, "send_back", "  ")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/assessments/{aid}"
    assert fingerprint() == before
    html = page(client, aid)
    assert re.search(r'<textarea[^>]*id="comment-send_back"[^>]*aria-invalid="true"', html)
    assert 'href="#comment-send_back"' in SUMMARY_RE.search(html).group(0)


def test_post_only_addresses_lead_to_the_page_when_opened(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    for tail in ("unchanged", "transition"):
        response = client.get(f"/assessments/{aid}/{tail}")
        assert response.status_code == 302, tail  # not 405
        assert response.headers["Location"] == f"/assessments/{aid}"


def test_a_very_long_comment_is_shown_again_at_once(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    login(client, COMMISSIONER)
    before = fingerprint()
    response = take(client, aid, "send_back", "y" * 5001)
    assert response.status_code == 400  # too long to carry in the cookie: nothing is lost
    assert fingerprint() == before
    html = response.get_data(as_text=True)
    assert "y" * 5001 + "</textarea>" in html
    assert "høyst 5000 tegn" in SUMMARY_RE.search(html).group(0)


# --- the head: messages, comment, next, several at once ----------------------------------

def test_sign_off_says_who_has_it_now_in_the_municipality_words(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    org = db.session.scalar(sa.select(Organisation))
    org.labels = {**(org.labels or {}), "council_office_label": {"nb": "Politisk sekretariat",
                                                                 "en": "Secretariat"}}
    db.session.commit()
    login(client, COMMISSIONER)
    response = take(client, aid, "sign_off")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Godkjent og sendt til politisk sekretariat." in html
    assert "Endringen er registrert" not in html


def test_send_back_says_it_went_to_the_contact(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    login(client, COMMISSIONER)
    response = take(client, aid, "send_back", "Skriv mer om påvirkningen.")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sendt tilbake til kontaktpersonen med kommentaren din." in html


def test_the_comment_belongs_to_sending_back_only(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    login(client, COMMISSIONER)
    forms = forms_of(page(client, aid))
    sign_off = next(f for f in forms if 'value="sign_off"' in f)
    send_back = next(f for f in forms if 'value="send_back"' in f)
    assert 'name="comment"' not in sign_off and 'name="comment"' in send_back
    # A comment posted with the sign-off anyway is not stored anywhere.
    assert take(client, aid, "sign_off", "Dette hører ikke hjemme her.").status_code == 302
    row = audit_rows(aid)[-1]
    assert row.action == "sign_off" and "comment" not in (row.details or {})
    assert fresh(aid).review_comment != "Dette hører ikke hjemme her."


def test_after_a_sign_off_the_page_links_the_next_waiting_one(client, make_assessment):
    aid = make_assessment(state=S.SUBMITTED).id
    login(client, COMMISSIONER)
    response = take(client, aid, "sign_off")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="next-waiting">[^<]*<a class="ds-link" href="/assessments/(\d+)"',
                     html)
    assert link, html[:3000]
    nxt = fresh(int(link.group(1)))
    assert nxt.id != aid and nxt.state == S.SUBMITTED


def test_no_next_link_when_nothing_else_waits(client, make_assessment):
    login(client, COMMISSIONER)
    for a in db.session.scalars(sa.select(Assessment).where(
            Assessment.state == S.SUBMITTED, Assessment.id != 49)):
        a.state = S.IN_REVIEW
    db.session.commit()
    assert 'id="next-waiting"' not in page(client, 49)  # ICORN, KML: the only one waiting


def test_sign_off_several_at_once(client, make_assessment):
    login(client, COMMISSIONER)
    kml = db.session.scalars(sa.select(Assessment).where(Assessment.id.in_([48, 51, 49]))).all()
    for a in kml:
        a.state = S.SUBMITTED
    in_review = db.session.get(Assessment, 50)  # KML, in review: no longer waiting
    other = db.session.get(Assessment, 41)  # KMB, submitted: not this head's
    db.session.commit()
    html = client.get("/assessments/sign-off").get_data(as_text=True)
    assert 'name="assessment_ids" value="49"' in html
    assert 'name="assessment_ids" value="50"' not in html  # only waiting ones can be checked
    response = post(client, "/assessments/sign-off", {
        "assessment_ids": ["48", "51", "49", str(in_review.id), str(other.id), "999999", "x"]},
        follow_redirects=True)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert all(fresh(i).state == S.IN_REVIEW for i in (48, 51, 49))
    assert fresh(other.id).state == S.SUBMITTED
    assert "3 vurderinger er godkjent og sendt til bystyrets kontor" in text
    assert f"Ikke godkjent: {in_review.arena.name} (venter ikke lenger på godkjenning)" in text
    assert f"Ikke godkjent: {other.arena.name} (du kan ikke godkjenne denne)" in text
    assert "Ikke godkjent: 999999 (finnes ikke)" in text
    signed = db.session.scalars(sa.select(AuditEvent.entity_id).where(
        AuditEvent.action == "sign_off")).all()
    assert {48, 51, 49} <= set(signed) and other.id not in signed


def test_sign_off_several_needs_the_role_and_a_token(client, new_client):
    login(client, CONTACT)
    assert post(client, "/assessments/sign-off", {"assessment_ids": ["49"]}).status_code == 403
    head = new_client()
    login(head, COMMISSIONER)
    before = fingerprint()
    assert head.post("/assessments/sign-off", data={"assessment_ids": ["49"]}).status_code == 400
    assert fingerprint() == before
    response = post(head, "/assessments/sign-off", {}, follow_redirects=True)
    assert "Kryss av de vurderingene du vil godkjenne." in response.get_data(as_text=True)
    assert fingerprint() == before


# --- the read view marks what changed -----------------------------------------------------

def test_read_view_marks_what_changed_since_the_last_submission(client, new_client,
                                                                 make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    contact, head = client, new_client()
    login(contact, CONTACT)
    login(head, COMMISSIONER)
    assert save_form(contact, aid, complete_answers(), action="submit").status_code == 302
    first = dt_texts(page(head, aid))
    assert not any("Endret siden forrige innsending" in t for t in first)  # first time
    assert take(head, aid, "send_back", "Skriv mer om påvirkningen.").status_code == 302
    response = save_form(contact, aid, complete_answers(influence_text="Mer om påvirkningen."),
                         action="submit")
    assert response.status_code == 302
    marked = [t for t in dt_texts(page(head, aid)) if "Endret siden forrige innsending" in t]
    criteria = fresh(aid).cycle.criteria_set.criteria
    label = next(c.label_nb for c in criteria if c.key == "influence")
    assert len(marked) == 1 and marked[0].startswith(label), marked


def test_read_view_marks_what_changed_since_the_earlier_year(client, new_client,
                                                             make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    login(client, CONTACT)
    state = form_state(page(client, aid))
    assert client.post(f"/assessments/{aid}/unchanged", data={
        "csrf_token": state["csrf_token"], "unchanged_comment": "Som før."}).status_code == 302
    client = new_client()
    login(client, COMMISSIONER)
    assert not any("Endret siden 2021" in t for t in dt_texts(page(client, aid)))
    a = fresh(aid)
    a.yearly_cost = (a.yearly_cost or 0) + 1000
    db.session.commit()
    marked = [t for t in dt_texts(page(client, aid)) if "Endret siden 2021" in t]
    assert len(marked) == 1 and marked[0].startswith("Årlig kostnad"), marked


# --- the contact's list -------------------------------------------------------------------

def list_rows(html: str) -> list[str]:
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip()
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_contact_list_puts_returned_then_drafts_first_and_counts(client):
    login(client, CONTACT)
    html = client.get("/assessments/").get_data(as_text=True)
    rows = list_rows(html)
    kinds = ["Sendt tilbake" if "Sendt tilbake" in r else "Utkast" if "Utkast" in r else "x"
             for r in rows]
    assert kinds == sorted(kinds, key=["Sendt tilbake", "Utkast", "x"].index), kinds
    assert kinds[0] == "Sendt tilbake" and "Utkast" in kinds and "x" in kinds
    handed_in = kinds.count("x")
    assert f"{handed_in} av {len(rows)} sendt inn" in html


def test_contact_list_says_days_left_and_overdue_in_words(client):
    login(client, CONTACT)
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2026))
    cycle.submission_deadline = today() + timedelta(days=5)
    db.session.commit()
    html = client.get("/assessments/").get_data(as_text=True)
    assert "5 dager igjen" in html
    cycle.submission_deadline = today() + timedelta(days=1)
    db.session.commit()
    assert "1 dag igjen" in client.get("/assessments/").get_data(as_text=True)
    cycle.submission_deadline = today() - timedelta(days=3)
    db.session.commit()
    html = client.get("/assessments/").get_data(as_text=True)
    assert "Fristen gikk ut for 3 dager siden" in html
    assert not re.search(r"-\d+ dag", html)


def test_the_neutral_tag_has_a_border_on_striped_rows(app):
    css = (Path(app.static_folder) / "app.css").read_text()
    assert re.search(r'\.ds-tag\[data-color="neutral"\]\s*{[^}]*border:', css)


# --- the first year: said once ------------------------------------------------------------

def test_first_year_form_says_no_earlier_assessment_once(client, make_assessment):
    aid = make_assessment(state=S.DRAFT).id
    a = db.session.get(Assessment, aid)
    earlier = db.session.scalars(sa.select(Assessment).join(Assessment.cycle).where(
        Assessment.arena_id == a.arena_id, Cycle.year < a.cycle.year)).all()
    for old in earlier:  # this arena has no earlier year now
        db.session.delete(old)
    db.session.commit()
    login(client, CONTACT)
    html = page(client, aid)
    assert html.count("Ingen tidligere vurdering") == 1
    assert 'class="previous"' not in html
    assert "Fjorårets svar" not in html and "Svar fra" not in html

