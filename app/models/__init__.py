"""All models, imported here so Alembic and the app see the whole metadata."""

from app.models.arenas import Arena, ArenaKind, ArenaStatus, arena_portfolios
from app.models.assessments import (
    PARTICIPANT_GROUPS,
    Assessment,
    Participation,
    Rating,
    Recommendation,
)
from app.models.audit import AuditEvent
from app.models.cycles import CriteriaSet, Criterion, CriterionKind, Cycle, CycleStatus
from app.models.organisation import LABEL_KEYS, Organisation, Portfolio, User, UserRole

__all__ = [
    "Arena", "ArenaKind", "ArenaStatus", "arena_portfolios", "Assessment", "Participation",
    "Rating", "Recommendation", "PARTICIPANT_GROUPS", "AuditEvent", "CriteriaSet", "Criterion",
    "CriterionKind", "Cycle", "CycleStatus", "LABEL_KEYS", "Organisation", "Portfolio", "User",
    "UserRole",
]
