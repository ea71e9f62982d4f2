"""The city council: terms, party groups and members; cases, proposals, votes and decisions.

What the secretary records is never changed or deleted: a correction is a new row with a
higher `revision` and a reason, and the current vote or decision is the highest revision.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.arenas import ArenaStatus
from app.models.assessments import Assessment, DecisionOutcome, Recommendation
from app.models.cycles import Cycle
from app.models.organisation import User
from app.models.types import UTCDateTime, enum_column, utcnow
from workflows.votes import Choice, Result, RuleName, VoteKind


class ProposalKind(str, Enum):
    """The proposal put to the vote (innstilling) or an alternative from a party group."""

    RECOMMENDATION = "recommendation"
    ALTERNATIVE = "alternative"


class FollowUpKind(str, Enum):
    """What the council office must do after a decision."""

    SEND_TERMINATION_NOTICE = "send_termination_notice"
    APPLY_FOR_MEMBERSHIP = "apply_for_membership"
    CONSIDER_JOINING = "consider_joining"
    STRENGTHEN_COOPERATION = "strengthen_cooperation"


class CouncilTerm(db.Model):
    """One election period of the council, with its number of seats."""

    __tablename__ = "council_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    seats: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party_groups: Mapped[list[PartyGroup]] = relationship(
        back_populates="term", order_by="PartyGroup.name")
    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="term", order_by="CouncilMember.seat")

    def covers(self, day: date) -> bool:
        """True when `day` falls within the term."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PartyGroup(db.Model):
    """A party group (partigruppe) in one term."""

    __tablename__ = "council_party_groups"
    __table_args__ = (sa.UniqueConstraint("term_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("council_terms.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    term: Mapped[CouncilTerm] = relationship(back_populates="party_groups")


class CouncilMember(db.Model):
    """A member of the council in one term, holding one seat for one party group."""

    __tablename__ = "council_members"
    __table_args__ = (sa.UniqueConstraint("term_id", "seat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("council_terms.id"), index=True)
    party_group_id: Mapped[int] = mapped_column(sa.ForeignKey("council_party_groups.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    seat: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    term: Mapped[CouncilTerm] = relationship(back_populates="members")
    party_group: Mapped[PartyGroup] = relationship(lazy="joined")


class CouncilCase(db.Model):
    """A case (sak) in the council that covers arenas of one cycle."""

    __tablename__ = "council_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id"), index=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("council_terms.id"))
    case_number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    meeting_date: Mapped[date]
    archive_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    cycle: Mapped[Cycle] = relationship(lazy="joined")
    term: Mapped[CouncilTerm] = relationship(lazy="joined")
    items: Mapped[list[CaseItem]] = relationship(
        back_populates="case", order_by="CaseItem.position")


class CaseItem(db.Model):
    """One arena (its assessment) in a case; an assessment is in at most one case."""

    __tablename__ = "council_case_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("council_cases.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[CouncilCase] = relationship(back_populates="items")
    assessment: Mapped[Assessment] = relationship(lazy="joined")
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="item", order_by="Proposal.position")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="item", order_by="Decision.revision")
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="item")

    @property
    def decision(self) -> Decision | None:
        """The current decision (the latest revision), None before the item is decided."""
        return self.decisions[-1] if self.decisions else None


class Proposal(db.Model):
    """A proposal put to the vote: the innstilling or an alternative from a party group."""

    __tablename__ = "council_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("council_case_items.id"), index=True)
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind, "proposal_kind"))
    outcome: Mapped[Recommendation] = mapped_column(enum_column(Recommendation,
                                                                "proposal_outcome"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    proposer: Mapped[str] = mapped_column(sa.String(200), default="")
    party_group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_party_groups.id"))
    majority_rule: Mapped[RuleName] = mapped_column(enum_column(RuleName, "majority_rule"),
                                                    default=RuleName.SIMPLE)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    item: Mapped[CaseItem] = relationship(back_populates="proposals")
    party_group: Mapped[PartyGroup | None] = relationship(lazy="joined")
    votes: Mapped[list[Vote]] = relationship(back_populates="proposal", order_by="Vote.revision")

    @property
    def vote(self) -> Vote | None:
        """The current vote (the latest revision), None before it is recorded."""
        return self.votes[-1] if self.votes else None


class VoteBlock(db.Model):
    """One vote the council took on several items together (en bloc), recorded on each
    item's innstilling as its own Vote row pointing here."""

    __tablename__ = "council_vote_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("council_cases.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[CouncilCase] = relationship()
    votes: Mapped[list[Vote]] = relationship(back_populates="block", order_by="Vote.id")


class Vote(db.Model):
    """The vote on one proposal; a correction is a new row with the next revision."""

    __tablename__ = "council_votes"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("council_proposals.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    kind: Mapped[VoteKind] = mapped_column(enum_column(VoteKind, "vote_kind"))
    present: Mapped[int]
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    votes_abstain: Mapped[int]
    chair_vote: Mapped[Choice | None] = mapped_column(enum_column(Choice, "chair_vote"))
    entered_result: Mapped[Result] = mapped_column(enum_column(Result, "entered_result"))
    computed_result: Mapped[Result] = mapped_column(enum_column(Result, "computed_result"))
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    block_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_vote_blocks.id"),
                                                 index=True)

    proposal: Mapped[Proposal] = relationship(back_populates="votes")
    recorded_by: Mapped[User | None] = relationship()
    block: Mapped[VoteBlock | None] = relationship(back_populates="votes")
    party_votes: Mapped[list[PartyVote]] = relationship(lazy="selectin")
    member_votes: Mapped[list[MemberVote]] = relationship(lazy="selectin")

    @property
    def mismatch(self) -> bool:
        """What the secretary entered differs from what the majority rule gives."""
        return self.entered_result != self.computed_result


class PartyVote(db.Model):
    """How one party group voted in one vote."""

    __tablename__ = "council_party_votes"

    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("council_votes.id"), primary_key=True)
    party_group_id: Mapped[int] = mapped_column(sa.ForeignKey("council_party_groups.id"),
                                                primary_key=True)
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    votes_abstain: Mapped[int]

    party_group: Mapped[PartyGroup] = relationship(lazy="joined")


class MemberVote(db.Model):
    """One member's vote in one vote: the key makes it one vote per member per proposal."""

    __tablename__ = "council_member_votes"

    vote_id: Mapped[int] = mapped_column(sa.ForeignKey("council_votes.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_members.id"),
                                           primary_key=True)
    choice: Mapped[Choice] = mapped_column(enum_column(Choice, "member_choice"))

    member: Mapped[CouncilMember] = relationship(lazy="joined")


class Decision(db.Model):
    """The council's decision on one item; a correction is a new row with the next revision."""

    __tablename__ = "council_decisions"
    __table_args__ = (sa.UniqueConstraint("item_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("council_case_items.id"), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    # None for "no change": every proposal fell, so the decision follows none of them.
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_proposals.id"))
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome,
                                                                 "council_outcome"))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    effective_date: Mapped[date]
    arena_status_before: Mapped[ArenaStatus] = mapped_column(
        enum_column(ArenaStatus, "arena_status_before"))
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    item: Mapped[CaseItem] = relationship(back_populates="decisions")
    proposal: Mapped[Proposal | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class FollowUp(db.Model):
    """A task for the council office that a decision brings (send notice, apply, ...).

    It belongs to the decided assessment; `item` is the council case item when the council
    decided, None when the office let the department's recommendation stand.
    """

    __tablename__ = "council_follow_ups"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("council_case_items.id"),
                                                index=True)
    kind: Mapped[FollowUpKind] = mapped_column(enum_column(FollowUpKind, "follow_up_kind"))
    is_done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessment: Mapped[Assessment] = relationship()
    item: Mapped[CaseItem | None] = relationship(back_populates="follow_ups")
    done_by: Mapped[User | None] = relationship()

    @property
    def outcome(self) -> DecisionOutcome | None:
        """The decision as it stands: the council's (corrected, if it was), else the
        recommendation the office let stand."""
        if self.item is not None:
            return self.item.decision.outcome if self.item.decision else None
        return self.assessment.decision_outcome

    @property
    def effective_date(self) -> date | None:
        """When that decision takes effect."""
        if self.item is not None:
            return self.item.decision.effective_date if self.item.decision else None
        return self.assessment.decision_effective_date
