"""Demo data: Bergen's 2021 review (decided) and an open cycle spread over every state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from app import audit
from app.auth.passwords import hash_password
from app.clock import today as real_today
from app.cycles.criteria import build_criteria_set
from app.demo.council_demo import load_council_demo
from app.demo.mail_demo import mark_invitations_sent
from app.documents.operations import carry_forward_settings
from app.extensions import db
from app.models import (
    Arena,
    ArenaKind,
    ArenaStatus,
    Assessment,
    Cycle,
    CycleStatus,
    DocumentSettings,
    Organisation,
    PartOrder,
    Portfolio,
    Recommendation,
    User,
    UserRole,
)
from workflows.assessment import AssessmentState
from workflows.roles import Role

DEMO_PASSWORD = "demo"
S = AssessmentState

# One demo user per role, plus a contact in every portfolio so each arena has someone.
DEMO_USERS = (
    ("kontakt@bergen.example", "Kari Kontakt", (Role.CONTACT,), ("KML", "ASB")),
    ("byrad@bergen.example", "Bjørn Byråd", (Role.COMMISSIONER,), ("KML", "ASB")),
    ("kontoret@bergen.example", "Kristin Kontor", (Role.COUNCIL_OFFICE,), ("ORD",)),
    ("sekretar@bergen.example", "Sigrid Sekretær", (Role.COUNCIL_SECRETARY,), ()),
    ("admin@bergen.example", "Arne Admin", (Role.ADMIN,), ()),
)
PORTFOLIO_CONTACTS = {
    "BL": "Lars Ledersen", "EHF": "Eli Helse", "KMB": "Kjell Klima", "BSI": "Berit Skole",
    "FNE": "Frode Finans", "ORD": "Oda Ordfører",
}
# States of the open cycle's assessments, cycled through in arena order so every state shows.
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.DRAFT, S.APPROVED, S.RETURNED, S.DECIDED,
               S.DRAFT)


def read_demo_file(path: Path | None = None) -> dict[str, Any]:
    """The demo facts file as a dict."""
    path = path or Path(current_app.config["DEMO_DATA"])
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def is_loaded() -> bool:
    """True when the database already has an organisation (the demo or real data)."""
    return db.session.scalar(db.select(Organisation.id).limit(1)) is not None


def _text(value: Any, locale: str = "nb") -> str:
    if isinstance(value, dict):
        return value.get(locale) or ""
    return value or ""


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _organisation(data: dict) -> Organisation:
    muni = data["municipality"]
    labels = {k: v for k, v in muni.items() if k.endswith("_label") or k.endswith("_plural")}
    org = Organisation(name=muni["name"], labels=labels)
    db.session.add(org)
    return org


def _portfolios(data: dict) -> dict[str, Portfolio]:
    result = {}
    for entry in data["portfolios"]:
        portfolio = Portfolio(
            code=entry["code"], name_nb=_text(entry["name"]), name_en=_text(entry["name"], "en"),
            head_title_nb=_text(entry["head_title"]),
            head_title_en=_text(entry["head_title"], "en"),
        )
        db.session.add(portfolio)
        result[portfolio.code] = portfolio
    return result


def _users(portfolios: dict[str, Portfolio]) -> list[User]:
    password_hash = hash_password(DEMO_PASSWORD)
    specs = list(DEMO_USERS) + [
        (f"kontakt.{code.lower()}@bergen.example", name, (Role.CONTACT,), (code,))
        for code, name in PORTFOLIO_CONTACTS.items()
    ]
    users = []
    for email, name, roles, codes in specs:
        user = User(email=email, name=name, password_hash=password_hash,
                    role_rows=[UserRole(role=r) for r in roles],
                    portfolios=[portfolios[c] for c in codes])
        db.session.add(user)
        users.append(user)
    return users


def _arenas(data: dict, portfolios: dict[str, Portfolio]) -> list[tuple[Arena, dict]]:
    result = []
    for entry in data["arenas"]:
        arena = Arena(
            key=entry["key"], name=entry["name"], kind=ArenaKind(entry["kind"]),
            description_nb=_text(entry.get("description")),
            description_en=_text(entry.get("description"), "en"),
            executing_unit=entry.get("executing_unit") or "", via=entry.get("via") or "",
            membership_type=entry.get("membership_type") or "",
            member_since=entry.get("member_since"), yearly_cost=entry.get("yearly_cost"),
            status=ArenaStatus(entry.get("status") or "member"),
            portfolios=[portfolios[c] for c in entry["responsible"]],
        )
        db.session.add(arena)
        result.append((arena, entry))
    return result


def answers_from(assessment_facts: dict, locale: str = "nb") -> dict[str, dict]:
    """The stored answers shape from the demo file's assessment entry."""
    f = assessment_facts
    return {
        "participation": {"value": f.get("participation"),
                          "participants": list(f.get("participants") or []),
                          "text": _text(f.get("participation_text"), locale)},
        "learning_outcome": {"value": f.get("learning_outcome"),
                             "text": _text(f.get("learning_outcome_text"), locale)},
        "influence": {"value": f.get("influence"), "text": _text(f.get("influence_text"), locale)},
        "other_value": {"text": _text(f.get("other_value"), locale)},
    }


def _cycle_2021(data: dict, arenas, office: User, criteria_set) -> Cycle:
    review = data["review"]
    decided_on = review["date"]
    cycle = Cycle(
        year=2021, title="Gjennomgang 2021", status=CycleStatus.PUBLISHED,
        criteria_set=criteria_set, requires_sign_off=True,
        opened_at=_at(decided_on - timedelta(days=120)),
        submission_deadline=decided_on - timedelta(days=75),
        review_deadline=decided_on - timedelta(days=45), council_meeting_date=decided_on,
        archive_reference=review["reference"],
        introduction_nb=_text(review.get("introduction")),
        introduction_en=_text(review.get("introduction"), "en"),
        arenas=[a for a, _ in arenas],
    )
    db.session.add(cycle)
    for arena, entry in arenas:
        facts = entry["assessment_2021"]
        decision = entry.get("decision_2021")
        recommendation = Recommendation(facts["recommendation"])
        db.session.add(Assessment(
            cycle=cycle, arena=arena, state=S.DECIDED, answers=answers_from(facts),
            recommendation=recommendation,
            recommendation_reason=_text(facts.get("recommendation_reason")),
            routed_to_council=decision is not None,
            decision_outcome=Recommendation(decision["outcome"]) if decision else recommendation,
            decision_text=_text(decision.get("text")) if decision else "",
            decision_effective_date=decided_on if decision else None,
            decided_by_id=office.id, submitted_at=_at(decided_on - timedelta(days=80)),
            approved_at=_at(decided_on - timedelta(days=40)), decided_at=_at(decided_on),
            created_at=_at(decided_on - timedelta(days=120)),
            updated_at=_at(decided_on),
        ))
        _apply_2021_decision(arena, decision)
    return cycle


def _document_settings(data: dict, cycle: Cycle, arenas) -> DocumentSettings:
    """The 2021 review's front matter and its own order of the arenas (the file's order)."""
    facts = data["review"].get("document") or {}
    custom = facts.get("order") == "custom"
    row = DocumentSettings(
        cycle_id=cycle.id, title=facts.get("title") or "",
        reference_label=facts.get("reference_label") or "",
        council_basis=facts.get("council_basis") or "",
        show_council_details=facts.get("council_details", True),
        part_order=PartOrder.CUSTOM if custom else PartOrder.ALPHABETICAL,
        arena_order=[a.id for a, _ in arenas] if custom else [],
    )
    db.session.add(row)
    return row


def _apply_2021_decision(arena: Arena, decision: dict | None) -> None:
    """The 2021 council decisions as they stand today: withdrawn, joined or still proposed."""
    outcome = decision and decision["outcome"]
    if outcome == "terminate":
        arena.status = ArenaStatus.LEFT
    elif outcome == "join":
        arena.status = ArenaStatus.MEMBER


def _open_cycle(on: date, arenas, criteria_set, previous: Cycle, users) -> Cycle:
    year = on.year if on.year != previous.year else on.year + 1
    included = [(a, e) for a, e in arenas if a.status != ArenaStatus.LEFT]
    cycle = Cycle(
        year=year, title=f"Gjennomgang {year}", status=CycleStatus.OPEN,
        criteria_set=criteria_set, requires_sign_off=True, opened_at=_at(on - timedelta(days=21)),
        submission_deadline=on + timedelta(days=7), review_deadline=on + timedelta(days=35),
        council_meeting_date=on + timedelta(days=63),
        introduction_nb=previous.introduction_nb, introduction_en=previous.introduction_en,
        arenas=[a for a, _ in included],
    )
    db.session.add(cycle)
    office = next(u for u in users if Role.COUNCIL_OFFICE in u.roles)
    for index, (arena, entry) in enumerate(included):
        state = OPEN_STATES[index % len(OPEN_STATES)]
        db.session.add(_open_assessment(cycle, arena, entry, state, on, office))
    return cycle


def _open_assessment(cycle, arena, entry, state, on: date, office: User) -> Assessment:
    facts = entry["assessment_2021"]
    filled = state != S.DRAFT or arena.name < "M"  # some drafts start empty, some pre-filled
    recommendation = Recommendation(facts["recommendation"])
    if recommendation == Recommendation.JOIN:
        recommendation = Recommendation.CONTINUE  # joined last year, so now a member
    assessment = Assessment(
        cycle=cycle, arena=arena, state=state,
        answers=answers_from(facts) if filled else {},
        recommendation=recommendation if filled else None,
        recommendation_reason=_text(facts.get("recommendation_reason")) if filled else "",
        is_carried_forward=filled, created_at=_at(on - timedelta(days=21)),
        updated_at=_at(on - timedelta(days=2)),
    )
    if state == S.RETURNED:
        assessment.review_comment = "Beskriv læringsutbyttet mer konkret, med eksempler fra i år."
    if state not in (S.DRAFT, S.RETURNED):
        assessment.submitted_at = _at(on - timedelta(days=5))
    if state in (S.APPROVED, S.DECIDED):
        assessment.approved_at = _at(on - timedelta(days=1))
        assessment.approved_by_id = office.id
    if state == S.DECIDED:
        assessment.routed_to_council = False
        assessment.decision_outcome = recommendation
        assessment.decided_at = _at(on)
        assessment.decided_by_id = office.id
    return assessment


def load_demo(today: date | None = None) -> dict[str, Any]:
    """Build the demo in the current session (caller commits). Returns what was created."""
    on = today or real_today()
    data = read_demo_file()
    _organisation(data)
    portfolios = _portfolios(data)
    users = _users(portfolios)
    arenas = _arenas(data, portfolios)
    office = next(u for u in users if Role.COUNCIL_OFFICE in u.roles)
    criteria = build_criteria_set("Kriterier 2021")
    db.session.flush()
    past = _cycle_2021(data, arenas, office, criteria)
    load_council_demo(past, on)
    current = _open_cycle(on, arenas, criteria, past, users)
    db.session.flush()
    _document_settings(data, past, arenas)
    carry_forward_settings(past, current)
    for assessment in db.session.scalars(db.select(Assessment)):
        audit.record(None, "assessment", assessment.id, "demo_loaded",
                     to_state=assessment.state)
    mark_invitations_sent(current)
    db.session.flush()
    return {
        "users": [(u.email, u.name, sorted(r.value for r in u.roles)) for u in users],
        "password": DEMO_PASSWORD,
        "arenas": len(arenas),
        "cycles": [past.year, current.year],
    }
