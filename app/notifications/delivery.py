"""The deliverer: sends committed outbox messages over SMTP, each one exactly once.

Every message is claimed with a conditional UPDATE (queued -> sending) that only one deliverer
can win, and the claim is committed before anything is sent. No database transaction is held
open while talking to the mail server.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.database import read_only_transactions
from app.extensions import db
from app.models import Assessment, MessageStatus, OutboxMessage
from app.notifications.defaults import ONE_TIME_LINK_TEMPLATES
from workflows.reminders import reason_still_holds

log = logging.getLogger("app.mail")

# A message left in 'sending' this long belongs to a deliverer that died. It is queued again,
# so delivery is at-least-once for that window only: if the process died after the server
# accepted the message but before it was marked sent, the message goes out a second time.
STALE_CLAIM = timedelta(minutes=10)
MAX_BACKOFF_MINUTES = 60
QUEUED, SENDING = MessageStatus.QUEUED, MessageStatus.SENDING
# Mail carrying a one-time link to set a password (app/auth/account_operations.py): once it
# has left, or failed for good, its text is removed, so the database keeps no usable link.
LINK_REMOVED = "(Engangslenken er fjernet etter sending.)"


class HeaderInjection(ValueError):
    """A name, address or subject with a line break: it could add headers, so it is refused."""


class ServerUnreachable(Exception):
    """The mail server could not be reached or refused the session: try later."""


@dataclass
class DeliveryResult:
    """What one delivery pass did."""

    sent: int = 0
    console: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0

    def __str__(self) -> str:
        return (f"sent={self.sent} console={self.console} retried={self.retried} "
                f"failed={self.failed} dropped={self.dropped}")


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed try: 1, 2, 4, 8 ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** min(max(attempts, 1) - 1, 10), MAX_BACKOFF_MINUTES))


def classify(error: Exception) -> tuple[bool, str]:
    """(temporary?, text for the log). 4xx and network trouble are temporary; 5xx is not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        codes = [code for code, _text in replies]
        text = "; ".join(f"{code} {_decode(reply)}" for code, reply in replies)
        return all(400 <= code < 500 for code in codes), text
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_decode(error.smtp_error)}"
        return not 500 <= error.smtp_code < 600, text
    if isinstance(error, HeaderInjection | ValueError | MessageError):
        return False, f"{type(error).__name__}: {error}"
    return True, f"{type(error).__name__}: {error}"


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _single_line(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection(f"line break in {what}")
    return value


def sender_address(setting: str) -> Address:
    """MAIL_DEFAULT_SENDER ("noreply@x" or "Name <noreply@x>") as an address header value."""
    name, addr = parseaddr(_single_line(setting, "MAIL_DEFAULT_SENDER"))
    return Address(display_name=name, addr_spec=addr)


def build_message(message: OutboxMessage, sender: Address) -> EmailMessage:
    """The MIME message: text and HTML alternatives in UTF-8, headers built safely."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = Address(display_name=_single_line(message.to_name, "name"),
                          addr_spec=_single_line(message.to_email, "address"))
    email["Subject"] = _single_line(message.subject, "subject")
    email["Date"] = format_datetime(clock.now())
    # Stable per outbox row: a receiver can drop the duplicate of the crash window above.
    email["Message-ID"] = (f"<outbox-{message.id}.{int(message.queued_at.timestamp())}"
                           f"@{sender.domain or 'localhost'}>")
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


class ConsoleMailer:
    """No MAIL_SERVER: the message is written to the `app.mail` log and counts as delivered."""

    def __init__(self):
        # Alembic's fileConfig disables every logger that exists when migrations run in the
        # same process; here the log IS the delivery, so it must never be silently off.
        log.disabled = False

    def prepare(self, message: OutboxMessage) -> str:
        """The log line for `message` (read while the row is loaded)."""
        return (f"mail #{message.id} ({message.kind}) to {message.to_name} "
                f"<{message.to_email}>: {message.subject}\n{message.body_text}")

    def send(self, prepared: str) -> MessageStatus:
        """Write the message to the log."""
        log.info("%s", prepared)
        return MessageStatus.CONSOLE

    def close(self) -> None:
        """Nothing to close."""


class SMTPMailer:
    """One SMTP session per delivery pass, opened on the first message."""

    def __init__(self, config):
        self.config = config
        self.sender = sender_address(config["MAIL_DEFAULT_SENDER"])
        self.smtp: smtplib.SMTP | None = None

    def prepare(self, message: OutboxMessage) -> EmailMessage:
        """The MIME message for `message`; raises HeaderInjection for a line break in a header."""
        return build_message(message, self.sender)

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        try:
            smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"],
                                timeout=cfg.get("MAIL_TIMEOUT", 30))
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnreachable(f"{type(error).__name__}: {error}") from error
        return smtp

    def send(self, prepared: EmailMessage) -> MessageStatus:
        """Hand the message to the server; raises what smtplib raises (see `classify`)."""
        reused = self.smtp is not None
        self.smtp = self.smtp or self._connect()
        try:
            self.smtp.send_message(prepared, from_addr=self.sender.addr_spec)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            if not reused:
                raise
            return self.send(prepared)  # the kept-open session had timed out: once more
        return MessageStatus.SENT

    def close(self) -> None:
        """End the SMTP session, quietly if the server has gone."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def mailer_for(config) -> ConsoleMailer | SMTPMailer:
    """SMTP when MAIL_SERVER is set, else the log."""
    return SMTPMailer(config) if config.get("MAIL_SERVER") else ConsoleMailer()


# --------------------------------------------------------------------------- the queue


def release_stale_claims() -> int:
    """Queue again what a crashed deliverer left in 'sending' (see STALE_CLAIM)."""
    cutoff = clock.now() - STALE_CLAIM
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < cutoff)
        .values(status=QUEUED, last_error="interrupted while sending; queued again")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def _is_due(moment: datetime):
    # A message never tried is due at once (its queued_at may be later than a scheduler's
    # simulated "now"); a retry waits for its backoff.
    return sa.or_(OutboxMessage.attempts == 0, OutboxMessage.next_attempt_at <= moment)


def _due_ids(moment: datetime, limit: int) -> list[int]:
    ids = list(db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, _is_due(moment))
        .order_by(OutboxMessage.id).limit(limit)
    ))
    db.session.commit()
    return ids


def _claim(message_id: int, worker: str, moment: datetime) -> bool:
    """Take one message for this deliverer; False when another one was first."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED, _is_due(moment))
        .values(status=SENDING, claimed_at=clock.now(), claimed_by=worker)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _finish(message_id: int, worker: str, *, tried: bool = True, **values) -> None:
    if tried:
        values["attempts"] = OutboxMessage.attempts + 1
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == SENDING,
               OutboxMessage.claimed_by == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def give_up_after() -> timedelta:
    """How long after queuing a mail the relay keeps refusing is given up (a setting)."""
    return timedelta(hours=current_app.config.get("MAIL_GIVE_UP_AFTER_HOURS", 7 * 24))


def _failure(error: Exception, attempts: int, queued_at: datetime,
             moment: datetime) -> tuple[dict, str]:
    """The column values after a failed try, and which count it goes into.

    A temporary failure is tried again until the message is `give_up_after()` old. When the
    relay could not be reached at all, the message is due again at the next pass (which tries
    one message and stops if the relay is still down), so mail goes out as soon as the relay
    answers; a refusal of this one message waits 1, 2, 4 ... minutes, at most an hour.
    Times come from the real clock, never from a later `moment` a pass simulates
    (`tick --now`), which would push real mail's retries into the future.
    """
    temporary, text = classify(error)
    real_now = min(moment, clock.now())
    if temporary and real_now - queued_at < give_up_after():
        if isinstance(error, ServerUnreachable):
            retry_at = real_now
        else:
            retry_at = real_now + backoff(attempts + 1)
        return {"status": QUEUED, "next_attempt_at": retry_at, "last_error": text}, "retried"
    if temporary:
        hours = int(give_up_after().total_seconds() // 3600)
        text = f"given up after {hours} hours of retrying; last error: {text}"
    return {"status": MessageStatus.FAILED, "last_error": text}, "failed"


def _reason_gone(message: OutboxMessage) -> bool:
    """True when a scheduled mail's assessments are all past the contact (see workflows)."""
    if not message.assessment_ids:
        return False
    states = db.session.scalars(
        sa.select(Assessment.state).where(Assessment.id.in_(message.assessment_ids)))
    return not reason_still_holds(message.kind, list(states))


def _deliver_one(mailer, message_id: int, worker: str, moment: datetime,
                 result: DeliveryResult) -> bool:
    """Send one claimed message and record the outcome; False when the server is down."""
    message = db.session.get(OutboxMessage, message_id)
    if _reason_gone(message):
        db.session.rollback()
        log.info("mail #%s dropped: what it was about is done", message_id)
        _finish(message_id, worker, tried=False, status=MessageStatus.DROPPED, last_error="")
        result.dropped += 1
        return True
    attempts, queued_at, template = message.attempts, message.queued_at, message.template_key
    try:
        prepared = mailer.prepare(message)
        db.session.rollback()  # hold no transaction (nor SQLite's write lock) while sending
        status = mailer.send(prepared)
    except Exception as error:  # every failure, expected or not, is recorded on the message
        db.session.rollback()
        values, counter = _failure(error, attempts, queued_at, moment)
        values |= _forget_link(template, values["status"])
        log.warning("mail #%s not sent: %s", message_id, values["last_error"])
        _finish(message_id, worker, **values)
        setattr(result, counter, getattr(result, counter) + 1)
        return not isinstance(error, ServerUnreachable)
    _finish(message_id, worker, status=status, sent_at=moment, **_forget_link(template, status))
    counter = "console" if status == MessageStatus.CONSOLE else "sent"
    setattr(result, counter, getattr(result, counter) + 1)
    return True


def _forget_link(template: str, status: MessageStatus) -> dict:
    """The columns that drop a one-time link from a message that will not be sent again."""
    if template not in ONE_TIME_LINK_TEMPLATES or status == QUEUED:
        return {}
    return {"body_text": LINK_REMOVED, "body_html": LINK_REMOVED}


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def deliver_pending(now: datetime | None = None, *, limit: int = 200) -> DeliveryResult:
    """Send due queued messages over SMTP (or to the log when MAIL_SERVER is empty), each
    exactly once even with several deliverers; commits its own claims and results.
    DeliveryResult has ints: sent, console, retried, failed."""
    moment = now or clock.now()
    result, worker = DeliveryResult(), _worker_id()
    mailer = mailer_for(current_app.config)
    with read_only_transactions(False):  # claims write: take SQLite's lock at BEGIN
        db.session.commit()  # deliver only what is committed; start from a fresh transaction
        release_stale_claims()
        try:
            for message_id in _due_ids(moment, limit):
                if _claim(message_id, worker, moment) and not _deliver_one(
                        mailer, message_id, worker, moment, result):
                    break  # the server is down: leave the rest queued for the next pass
        finally:
            mailer.close()
    return result


# --------------------------------------------------------------------------- the backlog


@dataclass(frozen=True)
class Backlog:
    """What waits in the outbox: how many messages and since when (for the log and /healthz)."""

    queued: int
    oldest_queued_at: datetime | None
    last_error: str

    def age_seconds(self, moment: datetime | None = None) -> int | None:
        """Seconds the oldest waiting message has waited, None when nothing waits."""
        if self.oldest_queued_at is None:
            return None
        return max(int(((moment or clock.now()) - self.oldest_queued_at).total_seconds()), 0)

    def piling_up(self, moment: datetime | None = None) -> bool:
        """True when mail has waited longer than a few passes would take (the relay is down or
        refuses): worth telling the council office and monitoring."""
        age = self.age_seconds(moment)
        return age is not None and age > PILING_UP_AFTER.total_seconds()


# A message normally leaves at the next pass (every minute); waiting this long means trouble.
PILING_UP_AFTER = timedelta(minutes=15)


def backlog() -> Backlog:
    """The messages still to be delivered (queued or being sent) and the oldest one's age."""
    waiting = OutboxMessage.status.in_([QUEUED, SENDING])
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(OutboxMessage.queued_at)).where(waiting)).one()
    last_error = db.session.scalar(
        sa.select(OutboxMessage.last_error).where(waiting, OutboxMessage.last_error != "")
        .order_by(OutboxMessage.queued_at).limit(1)) or ""
    return Backlog(queued=count or 0, oldest_queued_at=oldest, last_error=last_error)
