"""The sign-in limit holds across gunicorn's workers: counted in the shared database."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, SignInThrottle
from tests.load.conftest import gunicorn

LIMIT = 10


def attempt(url: str, email: str, password: str) -> int:
    """One sign-in on a fresh connection (so gunicorn hands it to any worker): the status."""
    with urllib.request.urlopen(f"{url}/auth/login", timeout=30) as page:
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password,
                                   "next": ""}).encode()
    request = urllib.request.Request(f"{url}/auth/login", data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_address_limit_holds_across_four_workers(inspect_app, load_database, tmp_path):
    db.session.remove()
    with gunicorn(load_database, tmp_path / "gunicorn.log",
                  LOGIN_RATE_LIMIT=f"{LIMIT} per minute") as server:
        statuses = [attempt(server.url, "ingen@kommune.example", "feil") for _ in range(LIMIT + 5)]
        workers = set(re.findall(r"Booting worker with pid: (\d+)", server.output))
    assert len(workers) == 4
    assert statuses[:LIMIT] == [400] * LIMIT, statuses  # wrong password, counted
    assert statuses[LIMIT:] == [429] * 5, statuses  # over the limit, whichever worker answers
    throttled = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "login_throttled")).all()
    assert len(throttled) == 5 and throttled[0].details["address"] == "127.0.0.1"
    counter = db.session.get(SignInThrottle, "address:127.0.0.1:60")
    assert counter.failures == LIMIT + 5
