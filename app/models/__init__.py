"""All models, imported here so Alembic and the app see the whole metadata."""

from app.models.account_tokens import AccountToken, AccountTokenPurpose, RecoveryCode
from app.models.api_tokens import ApiToken
from app.models.arenas import Arena, ArenaKind, ArenaStatus, arena_portfolios
from app.models.assessments import (
    PARTICIPANT_GROUPS,
    Assessment,
    DecisionOutcome,
    Participation,
    Rating,
    Recommendation,
)
from app.models.audit import AuditEvent
from app.models.calendar import CalendarToken
from app.models.council import CaseItem, CouncilCase, CouncilTerm, Decision, Proposal, Vote
from app.models.cycles import CriteriaSet, Criterion, CriterionKind, Cycle, CycleStatus
from app.models.documents import (
    AssemblyJob,
    DocumentBlob,
    DocumentFormat,
    DocumentSettings,
    DocumentVersion,
    JobStatus,
    PartOrder,
    SentenceTemplate,
)
from app.models.mail import MailTemplate, MessageStatus, OutboxMessage
from app.models.oidc import OidcGroupMapping
from app.models.organisation import LABEL_KEYS, Organisation, Portfolio, User, UserRole
from app.models.scheduling import Reminder, SchedulerLease
from app.models.sign_in import SignInThrottle

__all__ = [
    "Arena", "ArenaKind", "ArenaStatus", "arena_portfolios", "Assessment", "Participation",
    "Rating", "Recommendation", "DecisionOutcome",
    "PARTICIPANT_GROUPS", "AuditEvent", "CriteriaSet", "Criterion",
    "CriterionKind", "Cycle", "CycleStatus", "LABEL_KEYS", "Organisation", "Portfolio", "User",
    "UserRole",
    "CalendarToken",
    "ApiToken",
    "AccountToken", "AccountTokenPurpose", "RecoveryCode",
    "MailTemplate", "MessageStatus", "OutboxMessage",
    "AssemblyJob", "DocumentBlob", "DocumentFormat", "DocumentSettings", "DocumentVersion",
    "JobStatus",
    "PartOrder", "SentenceTemplate",
    "Reminder", "SchedulerLease", "SignInThrottle",
    "CaseItem", "CouncilCase", "CouncilTerm", "Decision", "Proposal", "Vote",
    "OidcGroupMapping",
]
