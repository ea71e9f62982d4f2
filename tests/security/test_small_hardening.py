"""Small hardening: one-line fields, debug in production, the favicon, download headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.api.operations import create_api_token
from app.documents.operations import assemble_document
from app.extensions import db
from app.models import Arena, Cycle, DocumentFormat, User
from tests.conftest import OFFICE, fingerprint, login, post
from tests.test_arenas import arena_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["Nettverk\nfor byer", "Nettverk\rfor byer",
                                  "Nettverk\u2028for byer"])
def test_arena_name_refuses_line_breaks(client, name):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/arenas/new", arena_form(name=name))
    assert response.status_code == 400
    assert "Feltet kan bare inneholde én linje" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_cycle_title_refuses_line_breaks(client):
    login(client, OFFICE)
    before = fingerprint()
    response = post(client, "/cycles/2026/settings", {
        "title": "Gjennomgang\n2026", "submission_deadline": "2026-03-20"})
    assert response.status_code == 400
    assert "Feltet kan bare inneholde én linje" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_api_refuses_an_arena_name_with_a_line_break(client):
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    plain, _record = create_api_token(office, "test")
    db.session.commit()
    arena = db.session.scalars(sa.select(Arena)).first()
    body = {"key": "to-linjer", "name": "To\nlinjer", "kind": "network",
            "portfolio_ids": [arena.portfolios[0].id]}
    before = fingerprint()
    response = client.post("/api/v1/arenas", json=body,
                           headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert fingerprint() == before
    body["name"] = "To linjer"  # the same body on one line is taken
    assert client.post("/api/v1/arenas", json=body,
                       headers={"Authorization": f"Bearer {plain}"}).status_code == 201


def test_production_refuses_flask_debug_through_the_flask_command(tmp_path):
    env = {**os.environ, "APP_CONFIG": "production", "FLASK_DEBUG": "1",
           "SECRET_KEY": "s" * 48, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    flask = str(Path(sys.executable).parent / "flask")
    result = subprocess.run([flask, "--app", "app:create_app()", "routes"], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stdout + result.stderr
    env["FLASK_DEBUG"] = "0"
    result = subprocess.run([flask, "--app", "app:create_app()", "--debug", "routes"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stdout + result.stderr


def test_a_favicon_is_served_to_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200
    svg.close()
    assert 'rel="icon"' in client.get("/auth/login").get_data(as_text=True)


def test_downloads_name_their_charset_once(client):
    cycle = db.session.scalar(sa.select(Cycle).where(Cycle.year == 2021))
    office = db.session.scalar(sa.select(User).where(User.email == OFFICE))
    versions = assemble_document(cycle, office, (DocumentFormat.HTML,))
    db.session.commit()
    login(client, OFFICE)
    html = client.get(f"/documents/2021/versions/{versions[0].id}/file")
    assert html.status_code == 200
    assert html.headers["Content-Type"] == "text/html; charset=utf-8"
    for url in ("/documents/2021/export.csv", "/arenas/export?format=csv",
                "/arenas/export?format=yaml"):
        content_type = client.get(url).headers["Content-Type"]
        assert content_type.count("charset") == 1, (url, content_type)
