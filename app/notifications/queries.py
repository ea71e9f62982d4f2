"""Read-only queries for the mail pages."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Arena, Assessment, Cycle, MailTemplate, OutboxMessage, User

PER_PAGE = 50


@dataclass(frozen=True)
class LogFilter:
    """What the office narrowed the log down to (None: everything)."""

    status: str | None = None
    kind: str | None = None
    user_id: int | None = None
    assessment_id: int | None = None


def mentions_assessment(assessment_id: int):
    """SQL condition: the message's assessment_ids list contains `assessment_id`."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(OutboxMessage.assessment_ids, postgresql.JSONB).contains([assessment_id])
    items = sa.func.json_each(OutboxMessage.assessment_ids).table_valued("value")
    return sa.select(items.c.value).where(items.c.value == assessment_id).exists()


def _conditions(wanted: LogFilter) -> list:
    conditions = []
    if wanted.status:
        conditions.append(OutboxMessage.status == wanted.status)
    if wanted.kind:
        conditions.append(OutboxMessage.kind == wanted.kind)
    if wanted.user_id is not None:
        conditions.append(OutboxMessage.user_id == wanted.user_id)
    if wanted.assessment_id is not None:
        conditions.append(mentions_assessment(wanted.assessment_id))
    return conditions


def message_log(wanted: LogFilter, page: int = 1):
    """One page of messages matching `wanted`, newest first."""
    query = (sa.select(OutboxMessage).where(*_conditions(wanted))
             .options(selectinload(OutboxMessage.user))
             .order_by(OutboxMessage.queued_at.desc(), OutboxMessage.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def kinds_in_log() -> list[str]:
    """Every kind of message the outbox holds."""
    return list(db.session.scalars(sa.select(OutboxMessage.kind).distinct()
                                   .order_by(OutboxMessage.kind)))


def people() -> list[User]:
    """Everyone who can receive mail, by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.name, User.email)))


def assessments_for_filter() -> list[Assessment]:
    """Every assessment, newest cycle first, by arena name."""
    return list(db.session.scalars(
        sa.select(Assessment).join(Assessment.cycle).join(Assessment.arena)
        .order_by(Cycle.year.desc(), Arena.name)))


def saved_templates() -> dict[tuple[str, str], MailTemplate]:
    """The office's own templates by (key, locale)."""
    rows = db.session.scalars(sa.select(MailTemplate).options(
        selectinload(MailTemplate.updated_by)))
    return {(row.key, row.locale): row for row in rows}
