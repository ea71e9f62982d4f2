"""Starting an installation without the demo: `make run DEMO=0`, then the first administrator
from the command line (issue 13)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Arena, Cycle, User
from config import TestConfig
from tests.conftest import IsolatedClient, login

ROOT = Path(__file__).resolve().parents[2]


def recipe(*args: str) -> str:
    """What `make run ARGS` would run (printed, not run)."""
    result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_loads_the_demo_unless_told_not_to():
    assert "demo load --if-empty" in recipe()
    empty = recipe("DEMO=0")
    assert "demo load" not in empty and "users create EMAIL" in empty
    for step in ("db upgrade heads", "scheduler run", "run --no-reload"):
        assert step in empty


@pytest.fixture()
def empty_app(empty_database_url):
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def test_the_first_administrator_is_made_on_the_command_line(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "heads"]).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = runner.invoke(args=["users", "create", "admin@fjordvik.example", "--name",
                                 "Ada Admin", "--role", "admin"],
                           input="et-langt-passord\net-langt-passord\n")
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@fjordvik.example"))
    assert [r.value for r in admin.roles] == ["admin"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Arena)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cycle)) == 0
    client = empty_app.test_client()
    login(client, "admin@fjordvik.example", "et-langt-passord")
    html = client.get("/admin/users").get_data(as_text=True)
    assert 'href="/cycles/new"' in html and "Ada Admin" in html
