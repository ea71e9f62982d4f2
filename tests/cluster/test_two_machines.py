"""Two web machines and two schedulers on one PostgreSQL, as the production setup runs them.

Two gunicorn instances (each in a working folder of its own, on a port of its own) and two
`flask scheduler run` processes share one database and one SMTP relay (aiosmtpd, started by
the test). The scheduler assembles a review; both machines serve it; the sign-in limits count
attempts on both; the active scheduler is killed (SIGKILL) and the standby takes over; every
mail queued during the run arrives once, none twice and none lost.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.documents.operations import queue_assembly
from app.documents.versions import read_version
from app.extensions import db
from app.models import (
    Cycle,
    DocumentFormat,
    DocumentVersion,
    MessageStatus,
    OutboxMessage,
    SchedulerLease,
)
from tests.conftest import CONTACT, IS_POSTGRES, OFFICE
from tests.load.conftest import ROOT, Server, free_port, server_env, stop, wait_healthy

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not IS_POSTGRES, reason="set TEST_DATABASE_URL (PostgreSQL)")]

BIN = Path(sys.executable).parent
LEASE_SECONDS = 6  # short, so the run is quick; production's default is 45
TAKEOVER_LIMIT = 60
ADDRESS_LIMIT = 7  # password attempts per hour from one address, on both machines together


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, cookie: str = "", data: dict | None = None):
    """(status, body, Set-Cookie) of one request, redirects not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Set-Cookie", "")


def sign_in(base: str, email: str, password: str) -> tuple[int, str]:
    """One password sign-in on a fresh session: the status and the session cookie after."""
    _, page, cookie = fetch(f"{base}/auth/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
    cookie = cookie.split(";", 1)[0]
    status, _, new_cookie = fetch(f"{base}/auth/login", cookie, {
        "csrf_token": token, "email": email, "password": password, "next": ""})
    return status, (new_cookie.split(";", 1)[0] or cookie)


def wait_for(what: str, check: Callable[[], object], timeout: float, step: float = 0.25):
    """Poll `check` (in a fresh transaction each time) until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@contextmanager
def process(command: list[str], folder: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A process started in `folder` (its working folder), its output in folder/../NAME.log."""
    folder.mkdir()
    log = folder.with_suffix(".log")
    with log.open("w") as out:
        child = subprocess.Popen(command, cwd=folder, stdout=out, stderr=subprocess.STDOUT,
                                 env={**env, "PYTHONPATH": str(ROOT)})
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(10)


def lease_holder_pid() -> int | None:
    """The pid in the lease row's holder ("host:pid:random"), None when nobody holds it."""
    holder = db.session.scalar(sa.select(SchedulerLease.holder)
                               .where(SchedulerLease.name == "scheduler"))
    return int(holder.split(":")[1]) if holder else None


def test_two_web_machines_and_two_schedulers_share_one_database(
        app, database_url, smtp_server, tmp_path):
    port_a, port_b = free_port(), free_port()
    shared = {**server_env(database_url, port_a),  # the load balancer's address is BASE_URL
              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port),
              "LOGIN_RATE_LIMIT": f"{ADDRESS_LIMIT} per hour", "ACCOUNT_LOCK_FAILURES": "3",
              "SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS), "SCHEDULER_DELIVERY_SECONDS": "1"}
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0  # the demo's
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    queue_assembly(cycle, None, automatic=True)  # as the 08:00 job does for a decided cycle
    db.session.commit()
    gunicorn = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
                "--workers", "2", "--timeout", "60", "--no-control-socket"]
    scheduler = [str(BIN / "flask"), "--app", "app:create_app()", "scheduler", "run"]

    with ExitStack() as stack:
        webs = [Server(f"http://127.0.0.1:{port}", tmp_path / f"web-{name}.log",
                       stack.enter_context(process(
                           [*gunicorn, "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                           tmp_path / f"web-{name}", shared)))
                for name, port in (("a", port_a), ("b", port_b))]
        schedulers = {p.pid: p for p in (
            stack.enter_context(process(scheduler, tmp_path / f"scheduler-{name}", shared))
            for name in ("a", "b"))}
        for web in webs:
            wait_healthy(web, 60)
        a, b = (web.url for web in webs)

        # The scheduler assembles the review; both machines serve every format of it.
        versions = wait_for("the assembled review", lambda: db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.cycle_id == cycle.id)).all(), 60)
        assert {v.format for v in versions} == set(DocumentFormat)
        status, cookie = sign_in(a, OFFICE, "demo")  # attempt 1 of the address limit
        assert status == 302
        for version in versions:
            expected = read_version(version)
            for base in (a, b):  # one session cookie: the load balancer may send it anywhere
                got = fetch(f"{base}/documents/2021/versions/{version.id}/file", cookie)
                assert got[:2] == (200, expected), (base, version.format, got[0])
        wait_for("the document-ready mail", lambda: any(
            m["Subject"] and "2021" in str(m["Subject"]) for _, m in smtp_server.messages), 30)

        # The active scheduler dies without a word; the standby takes over within the limit.
        active = wait_for("an active scheduler", lease_holder_pid, 30)
        assert active in schedulers
        (standby,) = set(schedulers) - {active}
        os.kill(active, signal.SIGKILL)
        killed_at = time.monotonic()

        # Meanwhile the sign-in limits count attempts on both machines (queuing a mail).
        def attempt(base: str, email: str, password: str) -> int:
            return sign_in(base, email, password)[0]

        held = [attempt(base, CONTACT, "feil") for base in (a, b, a)]  # attempts 2-4
        assert held == [400, 400, 400]
        assert attempt(b, CONTACT, "demo") == 400  # 5: held now, on the other machine too
        assert [attempt(base, OFFICE, "feil") for base in (a, b)] == [400, 400]  # 6, 7
        assert [attempt(base, OFFICE, "demo") for base in (a, b)] == [429, 429]  # over 7/hour

        wait_for("the standby to hold the lease", lambda: lease_holder_pid() == standby,
                 TAKEOVER_LIMIT, step=0.5)
        took_over = time.monotonic() - killed_at
        assert took_over < TAKEOVER_LIMIT
        wait_for("the sign-in-held mail", lambda: any(
            CONTACT in rcpt for rcpt, _ in smtp_server.messages), 30)

        # Nothing left to send, nothing sent twice, nothing lost.
        waiting = (MessageStatus.QUEUED, MessageStatus.SENDING)
        wait_for("an empty outbox", lambda: not db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.status.in_(waiting))), 30)
        for web in webs:
            stop(web)

    rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.status)
                              .where(OutboxMessage.id > before)).all()
    sent = {f"outbox-{row.id}" for row in rows if row.status == MessageStatus.SENT}
    assert not [row for row in rows if row.status not in (MessageStatus.SENT,
                                                          MessageStatus.DROPPED)]
    received = Counter(str(m["Message-ID"]).strip("<>").split(".")[0]
                       for _, m in smtp_server.messages)
    assert not [mid for mid, n in received.items() if n > 1], "a mail was sent twice"
    assert set(received) == sent, "a mail was lost (or came from nowhere)"
    kinds = dict(db.session.execute(sa.select(OutboxMessage.kind, sa.func.count())
                                    .where(OutboxMessage.id > before)
                                    .group_by(OutboxMessage.kind)).all())
    assert kinds.get("document_ready") and kinds.get("security")
    for folder in ("web-a", "web-b", "scheduler-a", "scheduler-b"):
        assert list((tmp_path / folder).iterdir()) == [], f"{folder} wrote to its disk"
    print(f"takeover after SIGKILL: {took_over:.1f} s; {len(sent)} mails, each once; "
          f"{dict(kinds)}")
