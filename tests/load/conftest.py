"""A real server for the load test: gunicorn with 4 sync workers on a demo database.

The server runs with the production configuration, as deploy/samarbeidsarenaer-web.service
starts it, but on plain http://127.0.0.1 without a proxy in front: TRUSTED_HOSTS names
127.0.0.1, and the load script sends its session cookie although production marks it Secure
(a browser would only over https). The login limit is raised, since every session logs in
from the same address.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import create_app
from app.database import read_only_transactions
from app.extensions import db
from config import TestConfig
from tests.conftest import IS_POSTGRES, build_database

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
BOOT_SECONDS = 40  # four workers importing the app on a busy 2-core machine


@dataclass
class Server:
    """A running gunicorn: its address and the file its stdout and stderr go to."""

    url: str
    log: Path
    process: subprocess.Popen

    @property
    def output(self) -> str:
        """Everything gunicorn and its workers wrote so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def request_lines(self) -> list[dict]:
        """The app's JSON request log lines (one per request answered)."""
        lines = [json.loads(x) for x in self.output.splitlines() if x.startswith("{")]
        return [x for x in lines if x.get("event") == "request"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def load_database(request, tmp_path) -> str:
    """A migrated demo database of the requested kind, as a file or server the server can use."""
    if request.param == "postgresql":
        if not IS_POSTGRES:
            pytest.skip("set TEST_DATABASE_URL to run against PostgreSQL")
        return request.getfixturevalue("database_url")
    if not IS_POSTGRES:
        return request.getfixturevalue("database_url")  # a copy of the SQLite template file
    url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
    build_database(url)
    return url


@pytest.fixture()
def inspect_app(load_database):
    """The app in this process, on the same database: set-up before the run, checks after."""
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=load_database)
    with application.app_context(), read_only_transactions():
        yield application
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, port: int) -> dict[str, str]:
    """The environment of a production server on 127.0.0.1:`port`."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    return {**env, "APP_CONFIG": "production", "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(48), "TRUSTED_HOSTS": "127.0.0.1",
            "BASE_URL": f"http://127.0.0.1:{port}", "FORWARDED_PROXIES": "0",
            "LOGIN_RATE_LIMIT": "1000 per minute", "MAIL_SERVER": "", "PYTHONUNBUFFERED": "1"}


def wait_healthy(server: Server, timeout: float) -> None:
    """Wait until /healthz answers 200; fail with the server's output if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not become healthy:\n{server.output[-3000:]}")


def stop(server: Server) -> None:
    """SIGTERM (a graceful stop: workers finish their request), SIGKILL if it hangs."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(10)


@contextmanager
def gunicorn(database_url: str, log: Path, app_spec: str = "app:create_app()",
             **env: str) -> Iterator[Server]:
    """`gunicorn -w 4 -b 127.0.0.1:<free port> 'app:create_app()'`, healthy, stopped after.

    Keyword arguments override the server's environment (e.g. LOGIN_RATE_LIMIT)."""
    port = free_port()
    command = [str(GUNICORN), "--workers", "4", "--bind", f"127.0.0.1:{port}",
               "--timeout", "60", "--graceful-timeout", "10", "--no-control-socket", app_spec]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env={**server_env(database_url, port), **env},
                                   stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        wait_healthy(server, BOOT_SECONDS)
        yield server
    finally:
        stop(server)
