"""A municipality-sized load: arenas × cycles, portfolios and users, built with bulk inserts.

    python -m bench.generate --database-url sqlite:///instance/load.sqlite3 \\
        --arenas 2000 --cycles 5 --portfolios 20 --users 500

The database is migrated to heads first and must hold no organisation yet. Everything is
deterministic (seeded): the same shape gives the same rows. `cycles - 1` decided, published
cycles come before an open one whose assessments are spread over every state, like the demo
(`--today` dates it; the deadline is a week later). There are council cases with proposals,
votes, decisions and follow-ups, audit rows for every transition, and the open cycle's
invitations, sent. The demo's log-ins exist with the password "demo" (kontakt@, byrad@,
kontoret@, sekretar@, admin@ and kontakt.kmb@bergen.example), so tests and benchmarks can use
them. Rows go in with executemany (Core), not ORM objects one by one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.models import ArenaKind, ArenaStatus, CycleStatus, Recommendation  # noqa: E402
from bench.generate_history import STAGES, HistoryRows, at  # noqa: E402
from workflows.assessment import AssessmentState  # noqa: E402
from workflows.roles import Role  # noqa: E402

S = AssessmentState
R = Recommendation
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.DRAFT, S.APPROVED, S.RETURNED, S.DECIDED,
               S.DRAFT)
KINDS = (ArenaKind.ORGANISATION, ArenaKind.NETWORK, ArenaKind.PROGRAMME)
DEMO_LOGINS = (  # email, name, roles, portfolio codes
    ("kontakt@bergen.example", "Kari Kontakt", (Role.CONTACT,), ("KML", "ASB")),
    ("byrad@bergen.example", "Bjørn Byråd", (Role.COMMISSIONER,), ("KML", "ASB")),
    ("kontoret@bergen.example", "Kristin Kontor", (Role.COUNCIL_OFFICE,), ("ORD",)),
    ("sekretar@bergen.example", "Sigrid Sekretær", (Role.COUNCIL_SECRETARY,), ()),
    ("admin@bergen.example", "Arne Admin", (Role.ADMIN,), ()),
    ("kontakt.kmb@bergen.example", "Kjell Klima", (Role.CONTACT,), ("KMB",)),
)
EXTRA_STAFF = ((Role.COUNCIL_OFFICE, 4), (Role.COUNCIL_SECRETARY, 1), (Role.ADMIN, 1))
TOPICS = ("digitalisering", "beredskap", "samferdsel", "vann og avløp", "havn og sjøfart",
          "reiseliv", "forskning og utdanning", "ungdom", "folkehelse", "integrering",
          "arkiv og bibliotek", "energi", "landbruk", "kulturarv", "innovasjon")
FIRST = ("Anne", "Per", "Ingrid", "Ole", "Marit", "Lars", "Kari", "Jon", "Silje", "Nils",
         "Hanne", "Erik", "Tone", "Knut", "Åse", "Øystein", "Liv", "Geir", "Randi", "Trond")
LAST = ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
        "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
        "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Henriksen", "Lund",
        "Halvorsen", "Sørensen", "Strand", "Solberg", "Bakken", "Moen", "Gundersen")
CHUNK = 5000


@dataclass(frozen=True)
class Shape:
    """How big the municipality is, and the day the open cycle is seen from."""

    arenas: int = 2000
    cycles: int = 5
    portfolios: int = 20
    users: int = 500
    seed: int = 7
    today: date = date(2026, 3, 2)

    @property
    def years(self) -> list[int]:
        """The cycles' years, oldest first; the last one is open."""
        return list(range(self.today.year - self.cycles + 1, self.today.year + 1))


@dataclass
class Arena:
    """What the generator decides about one arena (its fate over the years)."""

    id: int
    index: int
    portfolio_ids: list[int]
    status: ArenaStatus
    fate: str  # member, left, leaving, proposed, routed
    last_cycle: int  # index of the last cycle it is in
    facts: dict
    first_cycle: int = 0  # proposed arenas are new: in the last two cycles only


@dataclass
class Rows:
    """Rows per table, and the next id of each."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, **values) -> int:
        """Append a row with the next id of `table` (when it has one); returns the id."""
        if table in ID_TABLES:
            values["id"] = self.ids[table] = self.ids.get(table, 0) + 1
        self.tables.setdefault(table, []).append(values)
        return values.get("id", 0)


ID_TABLES = {"organisations", "portfolios", "users", "arenas", "cycles", "assessments",
             "audit_events", "council_terms", "council_party_groups", "council_members",
             "council_cases", "council_case_items", "council_proposals", "council_votes",
             "council_decisions", "council_follow_ups", "outbox_messages", "reminders"}


class Generator(HistoryRows):
    """Builds every row in memory, then inserts them table by table."""

    def __init__(self, shape: Shape, demo: dict):
        self.shape, self.demo, self.rows = shape, demo, Rows()
        self.rng = random.Random(shape.seed)
        self.portfolios: dict[str, int] = {}
        self.members: dict[int, list[int]] = {}  # portfolio id -> user ids (active contacts)
        self.heads: dict[int, list[int]] = {}  # portfolio id -> commissioner ids
        self.users: dict[int, str] = {}  # id -> name
        self.emails: dict[int, str] = {}
        self.arena_names: dict[int, str] = {}
        self.open_items: list[tuple[int, Arena, AssessmentState]] = []
        self.by_role: dict[Role, list[int]] = {}
        self.arenas: list[Arena] = []
        self.cycles: list[int] = []
        self.criteria_set_id = 0

    # ------------------------------------------------------------------ organisation, people
    def organisation(self) -> None:
        muni = self.demo["municipality"]
        labels = {k: v for k, v in muni.items() if k.endswith(("_label", "_plural"))}
        self.rows.add("organisations", name=muni["name"], labels=labels)
        specs = [(p["code"], p["name"]["nb"], p["name"]["en"], p["head_title"]["nb"],
                  p["head_title"]["en"]) for p in self.demo["portfolios"]]
        for n, topic in enumerate(TOPICS[: max(0, self.shape.portfolios - len(specs))]):
            specs.append((f"P{n + 1:02d}", f"Byrådsavdeling for {topic}", f"Department {n + 1}",
                          f"Byråd for {topic}", f"Commissioner {n + 1}"))
        for code, name_nb, name_en, head_nb, head_en in specs[: self.shape.portfolios]:
            self.portfolios[code] = self.rows.add(
                "portfolios", code=code, name_nb=name_nb, name_en=name_en,
                head_title_nb=head_nb, head_title_en=head_en, is_archived=False)

    def user(self, email: str, name: str, roles, codes, password_hash: str,
             active: bool = True) -> int:
        user_id = self.rows.add("users", email=email, name=name, password_hash=password_hash,
                                is_active=active, locale="nb", created_at=at(self.start))
        self.users[user_id], self.emails[user_id] = name, email
        for role in roles:
            self.rows.add("user_roles", user_id=user_id, role=role)
            if active:
                self.by_role.setdefault(role, []).append(user_id)
        for code in codes:
            pid = self.portfolios[code]
            self.rows.add("user_portfolios", user_id=user_id, portfolio_id=pid)
            if active and Role.CONTACT in roles:
                self.members.setdefault(pid, []).append(user_id)
            if active and Role.COMMISSIONER in roles:
                self.heads.setdefault(pid, []).append(user_id)
        return user_id

    def people(self, password_hash: str) -> None:
        codes = list(self.portfolios)
        for email, name, roles, wanted in DEMO_LOGINS:
            self.user(email, name, roles, [c for c in wanted if c in self.portfolios],
                      password_hash)
        for n, code in enumerate(codes):
            self.user(f"leder.{code.lower()}@bergen.example", self.person_name(n),
                      (Role.COMMISSIONER,), (code,), password_hash)
        for role, count in EXTRA_STAFF:
            for n in range(count):
                portfolio = ("ORD",) if role == Role.COUNCIL_OFFICE and "ORD" in codes else ()
                self.user(f"{role.value}.{n + 2}@bergen.example", self.person_name(n + 40),
                          (role,), portfolio, password_hash)
        for n in range(max(0, self.shape.users - len(self.users))):
            own = [codes[n % len(codes)]] + ([codes[(n * 7 + 3) % len(codes)]] if n % 7 == 0
                                             else [])
            self.user(f"kontakt.{n + 1:04d}@bergen.example", self.person_name(n + 80),
                      (Role.CONTACT,), dict.fromkeys(own), password_hash, active=n % 40 != 39)

    def person_name(self, n: int) -> str:
        return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST) + n) % len(LAST)]} {n + 1}"

    @property
    def start(self) -> date:
        return date(self.shape.years[0] - 1, 9, 1)

    # ------------------------------------------------------------------ arenas
    def arena_fate(self, i: int) -> tuple[str, ArenaStatus, int]:
        """(fate, status now, index of the last cycle the arena is in)."""
        last, old = self.shape.cycles - 1, max(self.shape.cycles - 1, 1)
        if i % 40 == 11 and self.shape.cycles > 1:
            return "left", ArenaStatus.LEFT, (i // 40) % old
        if i % 40 == 31 and self.shape.cycles > 1:
            return "leaving", ArenaStatus.LEAVING, last
        if i % 40 == 23:
            return "proposed", ArenaStatus.PROPOSED, last
        return ("routed" if i % 25 == 3 else "member"), ArenaStatus.MEMBER, last

    def arena_rows(self) -> None:
        sources, pids = self.demo["arenas"], list(self.portfolios.values())
        for i in range(self.shape.arenas):
            facts = sources[i % len(sources)]
            fate, status, last = self.arena_fate(i)
            own = [pids[i % len(pids)]] + ([pids[(i * 7 + 3) % len(pids)]] if i % 5 == 0 else [])
            own = list(dict.fromkeys(own))
            kind = ArenaKind.FRIENDSHIP_CITY if i % 20 == 19 else KINDS[i % 3]
            arena_id = self.rows.add(
                "arenas", key=f"gen-{i + 1:05d}", name=f"{facts['name']} – {i + 1:05d}",
                kind=kind, description_nb=facts["description"]["nb"],
                description_en=facts["description"]["en"],
                executing_unit=facts.get("executing_unit") or "", via=facts.get("via") or "",
                membership_type=facts.get("membership_type") or "",
                member_since=1990 + i % 30, yearly_cost=(i * 7919) % 250_000 or None,
                contact_persons="", status=status, sort_order=None, is_archived=False,
                created_at=at(self.start), updated_at=at(self.start))
            for pid in own:
                self.rows.add("arena_portfolios", arena_id=arena_id, portfolio_id=pid)
            self.arena_names[arena_id] = f"{facts['name']} – {i + 1:05d}"
            self.arenas.append(Arena(arena_id, i, own, status, fate, last,
                                     facts["assessment_2021"],
                                     max(0, last - 1) if fate == "proposed" else 0))

    # ------------------------------------------------------------------ cycles
    def cycle_rows(self, criteria_set_id: int) -> None:
        today, years = self.shape.today, self.shape.years
        for c, year in enumerate(years):
            is_open = c == len(years) - 1
            deadline = today + timedelta(days=7) if is_open else date(year, 2, 15)
            self.cycles.append(self.rows.add(
                "cycles", year=year, title=f"Gjennomgang {year}",
                status=CycleStatus.OPEN if is_open else CycleStatus.PUBLISHED,
                criteria_set_id=criteria_set_id, requires_sign_off=True,
                opened_at=at(today - timedelta(days=21) if is_open else date(year, 1, 10)),
                submission_deadline=deadline, review_deadline=deadline + timedelta(days=28),
                council_meeting_date=self.meeting_date(c),
                archive_reference=f"{year}/{1000 + c}-1",
                introduction_nb=self.demo["review"]["introduction"]["nb"],
                introduction_en=self.demo["review"]["introduction"]["en"],
                reminder_schedule=None, created_at=at(date(year - 1, 12, 1))))

    def meeting_date(self, c: int) -> date:
        if c == self.shape.cycles - 1:
            return self.shape.today + timedelta(days=63)
        return date(self.shape.years[c], 5, 4)

    def recommendation(self, arena: Arena, c: int) -> Recommendation:
        last_old = self.shape.cycles - 2
        if arena.fate == "proposed":
            return R.CONSIDER_JOINING
        if (arena.fate == "left" and c == arena.last_cycle) or (
                arena.fate == "leaving" and c >= last_old):
            return R.TERMINATE
        return R.CONTINUE_AND_STRENGTHEN if arena.index % 7 == 0 else R.CONTINUE

    def routed(self, arena: Arena, c: int) -> bool:
        """Old cycles: does the council decide this arena's assessment?"""
        return (arena.fate == "routed" or self.recommendation(arena, c) == R.TERMINATE)

    def contact_for(self, arena: Arena) -> int | None:
        """Every tenth assessment has its own contact; the rest answer per portfolio."""
        staff = self.members.get(arena.portfolio_ids[0]) or []
        return staff[arena.index % len(staff)] if staff and arena.index % 10 == 0 else None

    def answers(self, facts: dict, year: int) -> dict:
        return {
            "participation": {"value": facts["participation"],
                              "participants": list(facts.get("participants") or []),
                              "text": facts["participation_text"]["nb"]},
            "learning_outcome": {"value": facts["learning_outcome"],
                                 "text": f"{facts['learning_outcome_text']['nb']} ({year})"},
            "influence": {"value": facts["influence"], "text": facts["influence_text"]["nb"]},
            "other_value": {"text": (facts.get("other_value") or {}).get("nb", "")},
        }

    # ------------------------------------------------------------------ assessments
    def head_of(self, arena: Arena) -> int | None:
        heads = self.heads.get(arena.portfolio_ids[0]) or []
        return heads[0] if heads else None

    def staff(self, role: Role) -> int:
        return self.by_role[role][0]

    def old_assessment(self, arena: Arena, c: int) -> int:
        """A decided assessment of an earlier (published) cycle."""
        year, meeting = self.shape.years[c], self.meeting_date(c)
        rec, routed = self.recommendation(arena, c), self.routed(arena, c)
        effective = self.effective_date(arena, c)
        decider = self.staff(Role.COUNCIL_SECRETARY if routed else Role.COUNCIL_OFFICE)
        return self.rows.add(
            "assessments", cycle_id=self.cycles[c], arena_id=arena.id, state=S.DECIDED,
            version=6, answers=self.answers(arena.facts, year), yearly_cost=None,
            recommendation=rec, recommendation_reason=arena.facts["recommendation_reason"]["nb"],
            contact_id=self.contact_for(arena), is_carried_forward=c > 0, unchanged_comment=None,
            review_comment="", routed_to_council=routed, decision_outcome=rec,
            decision_text=f"Bystyret vedtok innstillingen ({year})." if routed else "",
            decision_effective_date=effective, decided_by_id=decider,
            created_at=at(date(year, 1, 10)), updated_at=at(meeting), updated_by_id=decider,
            submitted_at=at(date(year, 2, 10)), signed_off_at=at(date(year, 2, 12)),
            signed_off_by_id=self.head_of(arena), approved_at=at(date(year, 3, 1)),
            approved_by_id=self.staff(Role.COUNCIL_OFFICE), returned_at=None,
            decided_at=at(meeting))

    def open_assessment(self, arena: Arena, c: int) -> tuple[int, AssessmentState]:
        """An assessment of the open cycle, in one of every state (like the demo)."""
        state, today = OPEN_STATES[arena.index % len(OPEN_STATES)], self.shape.today
        filled = state != S.DRAFT or arena.index % 3 != 0
        rec = self.recommendation(arena, c) if filled else None
        reached = STAGES.index(state) if state in STAGES else STAGES.index(S.IN_REVIEW)
        office = self.staff(Role.COUNCIL_OFFICE)
        values = dict(
            cycle_id=self.cycles[c], arena_id=arena.id, state=state, version=1 + reached,
            answers=self.answers(arena.facts, today.year) if filled else {}, yearly_cost=None,
            recommendation=rec,
            recommendation_reason=arena.facts["recommendation_reason"]["nb"] if filled else "",
            contact_id=self.contact_for(arena), is_carried_forward=filled,
            unchanged_comment=None, review_comment="", routed_to_council=None,
            decision_outcome=None, decision_text="", decision_effective_date=None,
            decided_by_id=None, created_at=at(today - timedelta(days=21)),
            # Last saved at some minute of the past three weeks, like real work spread out.
            updated_at=at(today - timedelta(days=1 + arena.index % 20), 8)
            + timedelta(minutes=arena.index * 7 % 600), updated_by_id=None, submitted_at=None,
            signed_off_at=None, signed_off_by_id=None, approved_at=None, approved_by_id=None,
            returned_at=None, decided_at=None)
        if state == S.RETURNED:
            values.update(review_comment="Beskriv læringsutbyttet mer konkret.",
                          returned_at=at(today - timedelta(days=3)))
        if state not in (S.DRAFT,):
            values.update(submitted_at=at(today - timedelta(days=5)),
                          signed_off_at=at(today - timedelta(days=4)),
                          signed_off_by_id=self.head_of(arena))
        if state in (S.APPROVED, S.DECIDED):
            values.update(approved_at=at(today - timedelta(days=1)), approved_by_id=office,
                          routed_to_council=arena.index % 16 == 4 if state == S.APPROVED
                          else False)
        if state == S.DECIDED:
            values.update(decision_outcome=rec, decided_at=at(today), decided_by_id=office,
                          decision_effective_date=today)
        return self.rows.add("assessments", **values), state

    def assessment_rows(self) -> dict[int, list[tuple[int, Arena]]]:
        """Every assessment and its audit rows; returns the council's items per cycle."""
        items: dict[int, list[tuple[int, Arena]]] = {}
        last = self.shape.cycles - 1
        for c, cycle_id in enumerate(self.cycles):
            for arena in self.arenas:
                if not arena.first_cycle <= c <= arena.last_cycle:
                    continue
                self.rows.add("cycle_arenas", cycle_id=cycle_id, arena_id=arena.id)
                if c == last:
                    aid, state = self.open_assessment(arena, c)
                    self.open_items.append((aid, arena, state))
                    self.audit_trail(aid, arena, state, self.shape.today - timedelta(days=5))
                    if state == S.APPROVED and arena.index % 16 == 4:
                        items.setdefault(c, []).append((aid, arena))
                    continue
                aid = self.old_assessment(arena, c)
                routed = self.routed(arena, c)
                self.audit_trail(aid, arena, S.DECIDED, date(self.shape.years[c], 2, 10),
                                 routed)
                if routed:
                    items.setdefault(c, []).append((aid, arena))
        return items


    def effective_date(self, arena: Arena, c: int) -> date:
        if arena.fate == "leaving":
            return date(self.shape.today.year, 12, 31)  # the notice runs out this year
        if self.recommendation(arena, c) == R.TERMINATE:
            return date(self.shape.years[c], 12, 31)
        return self.meeting_date(c)


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """The hash of the demo password "demo" (argon2 is slow on purpose: made once)."""
    from app.auth.passwords import hash_password

    return hash_password("demo")


def read_demo() -> dict:
    """The demo's facts file (libyaml when available: the pure-Python parser takes a second)."""
    import yaml
    from flask import current_app

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with Path(current_app.config["DEMO_DATA"]).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # a safe loader


# --------------------------------------------------------------------------- writing


def insert(rows: Rows) -> None:
    """Every table's rows, parents first, in chunks of executemany."""
    from app.extensions import db

    for table in db.metadata.sorted_tables:
        data = rows.tables.get(table.name) or []
        for start in range(0, len(data), CHUNK):
            db.session.execute(table.insert(), data[start:start + CHUNK])


def reset_sequences() -> None:
    """PostgreSQL: move each id sequence past the ids written here (SQLite needs nothing)."""
    from app.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in sorted(ID_TABLES):
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"))


def generate(shape: Shape) -> dict[str, int]:
    """Build the load in the current app's session (the caller commits); rows per table."""
    from app.cycles.criteria import build_criteria_set
    from app.extensions import db
    from app.models import Organisation

    if db.session.scalar(sa.select(Organisation.id).limit(1)) is not None:
        raise RuntimeError("the database already holds an organisation; use an empty one")
    criteria = build_criteria_set("Kriterier 2021")
    db.session.add(criteria)
    db.session.flush()
    gen = Generator(shape, read_demo())
    gen.organisation()
    gen.people(demo_password_hash())
    gen.arena_rows()
    gen.cycle_rows(criteria.id)
    gen.council(gen.assessment_rows())
    gen.invitations()
    insert(gen.rows)
    reset_sequences()
    return {name: len(rows) for name, rows in gen.rows.tables.items()}


def build_database(url: str, shape: Shape) -> dict[str, int]:
    """Migrate the (empty) database at `url` to heads and generate `shape` into it."""
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from config import TestConfig

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="heads")
            counts = generate(shape)
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()
    return counts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True,
                        help="SQLAlchemy URL of an empty database (it is migrated first)")
    defaults = Shape()
    for name in ("arenas", "cycles", "portfolios", "users", "seed"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--today", type=date.fromisoformat, default=defaults.today,
                        help="the day the open cycle is seen from (YYYY-MM-DD)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """The command line: generate, then print the rows per table and the time taken."""
    args = parse_args(argv)
    shape = Shape(args.arenas, args.cycles, args.portfolios, args.users, args.seed, args.today)
    started = time.perf_counter()
    counts = build_database(args.database_url, shape)
    for name, count in sorted(counts.items()):
        print(f"{name:28} {count:9,d}")
    print(f"generated {sum(counts.values()):,d} rows in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
