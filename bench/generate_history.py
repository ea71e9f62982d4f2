"""What happened around the assessments of bench/generate.py: their audit trails, the council's
terms, cases, proposals, votes, decisions and follow-ups, and the open cycle's invitations,
sent. A mixin of its Generator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING

from app.models import ArenaStatus, Recommendation
from app.models.council import FollowUpKind, ProposalKind
from workflows import arena_status
from workflows.assessment import AssessmentState
from workflows.reminders import ReminderKind
from workflows.roles import Role
from workflows.votes import Result, VoteKind

if TYPE_CHECKING:
    from bench.generate import Arena

R = Recommendation
PARTIES = {"A": 15, "B": 12, "C": 10, "D": 9, "E": 7, "F": 6, "G": 4, "H": 3, "I": 1}
SEATS = sum(PARTIES.values())
EDITABLE = (AssessmentState.DRAFT, AssessmentState.RETURNED)
S = AssessmentState
STAGES = [S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.DECIDED]
_SAVE = ("answers_saved", None, None, Role.CONTACT)
_SUBMIT = ("submit", S.DRAFT, S.SUBMITTED, Role.CONTACT)
_SIGN = ("sign_off", S.SUBMITTED, S.IN_REVIEW, Role.COMMISSIONER)
_APPROVE = ("approve", S.IN_REVIEW, S.APPROVED, Role.COUNCIL_OFFICE)
TRAIL = {
    S.DRAFT: (_SAVE,),
    S.SUBMITTED: (_SAVE, _SUBMIT),
    S.IN_REVIEW: (_SAVE, _SUBMIT, _SIGN),
    S.RETURNED: (_SAVE, _SUBMIT, _SIGN,
                 ("return_for_changes", S.IN_REVIEW, S.RETURNED, Role.COUNCIL_OFFICE)),
    S.APPROVED: (_SAVE, _SUBMIT, _SIGN, _APPROVE),
    S.DECIDED: (_SAVE, _SUBMIT, _SIGN, _APPROVE,
                ("confirm_recommendation", S.APPROVED, S.DECIDED, Role.COUNCIL_OFFICE)),
}


def at(day: date, hour: int = 10) -> datetime:
    """An aware moment on `day`."""
    return datetime.combine(day, clock_time(hour, 0), tzinfo=UTC)


def render(texts: tuple[str, str], context: dict) -> tuple[str, str, str]:
    """(subject, text, HTML) of a mail from its (subject, body) texts, as the outbox does."""
    from app.notifications import rendering as r

    subject_text, body = texts
    values = r.plain_values(context)
    subject = r.render_subject(subject_text, values)
    return subject, r.render_text(body, values), r.html_document(r.render_html(body, values),
                                                                 subject, "nb")


class HistoryRows:
    """Audit, council and invitation rows (uses the Generator's people, arenas and ids)."""

    def audit_trail(self, assessment_id: int, arena: Arena, state: AssessmentState,
                    day: date, routed: bool = False) -> None:
        """The audit rows of the transitions that brought an assessment to `state`."""
        contact = self.contact_for(arena) or (self.members.get(arena.portfolio_ids[0])
                                              or [None])[0]
        steps = list(TRAIL[state])
        if state == S.DECIDED and routed:
            steps[-1] = ("record_decision", S.APPROVED, S.DECIDED, Role.COUNCIL_SECRETARY)
        for n, (action, source, target, role) in enumerate(steps):
            actor = {Role.CONTACT: contact, Role.COMMISSIONER: self.head_of(arena)}.get(
                role) or self.staff(role)
            self.rows.add("audit_events", created_at=at(day, 9 + n), actor_id=actor,
                          actor_name=self.users.get(actor, "system"),
                          entity_type="assessment", entity_id=assessment_id, action=action,
                          from_state=source.value if source else None,
                          to_state=target.value if target else None, details={})

    def audit(self, entity_id: int, action: str, actor: int, when: datetime,
              entity: str = "assessment", **details) -> None:
        self.rows.add("audit_events", created_at=when, actor_id=actor,
                      actor_name=self.users.get(actor, "system"), entity_type=entity,
                      entity_id=entity_id, action=action, from_state=None, to_state=None,
                      details=details)

    def terms(self) -> list[tuple[int, date, date, list[int]]]:
        """Four-year council terms from 1 October, covering every meeting; their parties."""
        start = self.shape.years[0] - 1
        start -= (start - 2019) % 4
        terms = []
        while start <= self.shape.today.year + 1:
            starts, ends = date(start, 10, 1), date(start + 4, 9, 30)
            term_id = self.rows.add("council_terms", name=f"Bystyret {start}–{start + 4}",
                                    starts_on=starts, ends_on=ends, seats=SEATS,
                                    created_at=at(starts))
            parties, seat = [], 0
            for code, count in PARTIES.items():
                parties.append(self.rows.add("council_party_groups", term_id=term_id,
                                             name=f"Parti {code}"))
                for _ in range(count):
                    seat += 1
                    self.rows.add("council_members", term_id=term_id, party_group_id=parties[-1],
                                  name=f"Representant {seat:02d}", seat=seat,
                                  created_at=at(starts))
            terms.append((term_id, starts, ends, parties))
            start += 4
        return terms

    def council(self, items: dict[int, list[tuple[int, Arena]]]) -> None:
        """One case per cycle with its routed assessments; decided in the earlier cycles."""
        terms = self.terms()
        for c, listed in sorted(items.items()):
            meeting = self.meeting_date(c)
            term = next(t for t in terms if t[1] <= meeting <= t[2])
            year, secretary = self.shape.years[c], self.staff(Role.COUNCIL_SECRETARY)
            case_id = self.rows.add(
                "council_cases", cycle_id=self.cycles[c], term_id=term[0],
                case_number=f"{40 + c}/{year % 100:02d}", meeting_date=meeting,
                archive_reference=f"{year}/{1000 + c}-20", description="",
                title="Gjennomgang av kommunens internasjonale samarbeidsarenaer",
                created_at=at(meeting - timedelta(days=14)), created_by_id=secretary)
            for position, (assessment_id, arena) in enumerate(listed, 1):
                self.case_item(case_id, position, assessment_id, arena, c, term)

    def case_item(self, case_id: int, position: int, assessment_id: int, arena: Arena, c: int,
                  term) -> None:
        meeting, secretary = self.meeting_date(c), self.staff(Role.COUNCIL_SECRETARY)
        rec, when = self.recommendation(arena, c), at(self.meeting_date(c) - timedelta(days=14))
        item_id = self.rows.add("council_case_items", case_id=case_id,
                                assessment_id=assessment_id, position=position,
                                created_at=when, created_by_id=secretary)
        self.audit(assessment_id, "council_item_added", secretary, when, case_id=case_id)
        proposal_id = self.proposal(item_id, ProposalKind.RECOMMENDATION, rec, 1, None, when)
        if c == self.shape.cycles - 1:
            return  # the open cycle's case waits for its meeting
        self.vote(proposal_id, term, position, meeting, adopted=True)
        if position % 3 == 0:
            other = R.CONTINUE if rec == R.TERMINATE else R.CONSIDER_JOINING
            alternative = self.proposal(item_id, ProposalKind.ALTERNATIVE, other, 2,
                                        term[3][2], when)
            self.vote(alternative, term, position, meeting, adopted=False)
        self.decision(item_id, proposal_id, rec, arena, c, assessment_id)

    def proposal(self, item_id: int, kind: ProposalKind, outcome: Recommendation,
                 position: int, party_id: int | None, when: datetime) -> int:
        return self.rows.add(
            "council_proposals", item_id=item_id, kind=kind, outcome=outcome,
            text=f"Forslag: {outcome.value}.", proposer="", party_group_id=party_id,
            majority_rule="simple", position=position, created_at=when,
            created_by_id=self.staff(Role.COUNCIL_SECRETARY))

    def vote(self, proposal_id: int, term, position: int, meeting: date, adopted: bool) -> None:
        """Unanimous, or counted per party group (C and G one way, the rest the other)."""
        unanimous = adopted and position % 2 == 1
        minority = {"C", "G"}
        small = sum(n for code, n in PARTIES.items() if code in minority)
        result = Result.ADOPTED if adopted else Result.REJECTED
        vote_id = self.rows.add(
            "council_votes", proposal_id=proposal_id, revision=1,
            kind=VoteKind.UNANIMOUS if unanimous else VoteKind.COUNTS, present=SEATS,
            votes_for=SEATS if unanimous else (SEATS - small if adopted else small),
            votes_against=0 if unanimous else (small if adopted else SEATS - small),
            votes_abstain=0, chair_vote=None, entered_result=result, computed_result=result,
            correction_reason="", recorded_at=at(meeting, 15),
            recorded_by_id=self.staff(Role.COUNCIL_SECRETARY))
        if unanimous:
            return
        for party_id, (code, count) in zip(term[3], PARTIES.items(), strict=True):
            with_minority = code in minority
            for_count = count if with_minority != adopted else 0
            self.rows.add("council_party_votes", vote_id=vote_id, party_group_id=party_id,
                          votes_for=for_count, votes_against=count - for_count, votes_abstain=0)

    def decision(self, item_id: int, proposal_id: int, rec: Recommendation, arena: Arena,
                 c: int, assessment_id: int) -> None:
        meeting, office = self.meeting_date(c), self.staff(Role.COUNCIL_OFFICE)
        self.rows.add("council_decisions", item_id=item_id, revision=1, proposal_id=proposal_id,
                      outcome=rec, text=f"Bystyret vedtok innstillingen ({meeting.year}).",
                      effective_date=self.effective_date(arena, c),
                      arena_status_before=ArenaStatus.MEMBER, correction_reason="",
                      recorded_at=at(meeting, 16),
                      recorded_by_id=self.staff(Role.COUNCIL_SECRETARY))
        kind = arena_status.follow_up_for(rec.value)
        if kind:
            done = c < self.shape.cycles - 2
            self.rows.add("council_follow_ups", assessment_id=assessment_id, item_id=item_id,
                          kind=FollowUpKind(kind),
                          is_done=done, done_at=at(meeting + timedelta(days=30)) if done else None,
                          done_by_id=office if done else None, created_at=at(meeting, 16))

    # ------------------------------------------------------------------ invitations
    def invitees(self) -> dict[int, list[tuple[int, str]]]:
        """{user: [(assessment id, arena name)]}: as the scheduler's invitees() finds them."""
        grouped: dict[int, dict[int, str]] = {}
        for assessment_id, arena, state in self.open_items:
            name = self.arena_names[arena.id]
            if state in EDITABLE:
                own = self.contact_for(arena)
                for user in [own] if own else {u for p in arena.portfolio_ids
                                               for u in self.members.get(p, [])}:
                    grouped.setdefault(user, {})[assessment_id] = name
        for assessment_id, arena, _state in self.open_items:
            for user in {u for p in arena.portfolio_ids for u in self.heads.get(p, [])}:
                grouped.setdefault(user, {}).setdefault(assessment_id, self.arena_names[arena.id])
        return {u: list(items.items()) for u, items in grouped.items()}

    def invitations(self) -> None:
        """The open cycle's invitations, sent on its opening day, with their reminder rows."""
        from app.notifications.outbox import absolute_link, template_texts
        from app.notifications.rendering import format_day

        texts = template_texts("invitation", "nb")

        cycle_id, opened = self.cycles[-1], self.shape.today - timedelta(days=21)
        deadline = format_day(self.shape.today + timedelta(days=7), "nb")
        contacts, written = set(self.by_role.get(Role.CONTACT, [])), set()
        grouped = self.invitees()
        for user in sorted(grouped, key=lambda u: (self.users[u], u)):
            items = sorted(grouped[user], key=lambda pair: pair[1])
            link = absolute_link("assessments.mine" if user in contacts
                                 else "assessments.sign_off_list")
            context = {"recipient_name": self.users[user], "cycle_title": f"Gjennomgang "
                       f"{self.shape.today.year}", "deadline": deadline, "link": link,
                       "arena_list": [f"- {name}" for _id, name in items]}
            subject, text, html = render(texts, context)
            message_id = self.rows.add(
                "outbox_messages", kind="invitation", template_key="invitation",
                to_email=self.emails[user], to_name=self.users[user], user_id=user,
                subject=subject, body_text=text, body_html=html, locale="nb", status="sent",
                attempts=1, next_attempt_at=at(opened, 7), last_error="",
                queued_at=at(opened, 7), sent_at=at(opened, 7), claimed_at=None,
                claimed_by=None, dedupe_key=f"invitation:{cycle_id}:{user}", cycle_id=cycle_id,
                assessment_ids=[i for i, _name in items])
            for assessment_id in (i for i, _name in items if i not in written):
                written.add(assessment_id)
                self.rows.add("reminders", assessment_id=assessment_id,
                              kind=ReminderKind.INVITATION, due_date=opened, user_id=user,
                              queued_at=at(opened, 7), message_id=message_id)
            self.audit(cycle_id, "invitation_queued", None, at(opened, 7), entity="cycle",
                       recipient_id=user, kind="invitation", due_date=opened.isoformat())
