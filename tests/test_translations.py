"""The English catalogue covers every Norwegian UI string, and English pages really are English.

The source strings (msgids) are Norwegian Bokmål; Norwegian needs no catalogue. When you add or
change a string in app/ or templates/, update the English catalogue:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext \\
        -o app/translations/messages.pot .
    .venv/bin/pybabel update -i app/translations/messages.pot -d app/translations -l en \\
        --no-fuzzy-matching
    # translate the new entries in app/translations/en/LC_MESSAGES/messages.po, then
    .venv/bin/pybabel compile -d app/translations
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import OFFICE, login, post

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = EN_PO.with_suffix(".mo")
HOW_TO_FIX = (
    "Run `.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o "
    "app/translations/messages.pot .` and `.venv/bin/pybabel update -i "
    "app/translations/messages.pot -d app/translations -l en --no-fuzzy-matching`, then "
    "translate the entries in app/translations/en/LC_MESSAGES/messages.po "
    "(see the docstring of tests/test_translations.py)."
)
# printf-style placeholders as Python's % operator reads them: %(name)s, %s, %d, %.2f, %%.
PLACEHOLDER_RE = re.compile(
    r"%(?:\([^)]*\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrs%]")


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale="en" if path.suffix == ".po" else None)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value or ""]


@pytest.fixture(scope="session")
def current_msgids(tmp_path_factory) -> dict[str, object]:
    """The messages in the source right now, extracted exactly as the developer command does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    return {_key(m): m for m in _read_po(pot) if m.id}


@pytest.fixture(scope="session")
def english_catalog():
    assert EN_PO.exists(), f"{EN_PO.relative_to(ROOT)} is missing. {HOW_TO_FIX}"
    return _read_po(EN_PO)


@pytest.fixture(scope="session")
def compiled_translations(english_catalog) -> Path:
    """Make sure the .mo file exists and is current (it is gitignored; `make install` builds it)."""
    if not EN_MO.exists() or EN_MO.stat().st_mtime < EN_PO.stat().st_mtime:
        fd, tmp = tempfile.mkstemp(dir=EN_MO.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write_mo(f, english_catalog)
            os.chmod(tmp, 0o644)
            os.replace(tmp, EN_MO)  # atomic: a parallel run never reads half a file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return EN_MO


def test_extraction_scans_only_app_and_templates(current_msgids):
    files = {path for m in current_msgids.values() for path, _line in m.locations}
    assert files, "no messages extracted: is babel.cfg right?"
    stray = sorted(f for f in files if not f.startswith(("app/", "templates/")))
    assert not stray, f"extraction picked up files outside app/ and templates/: {stray}"
    assert any(f.startswith("templates/") for f in files), "no template strings extracted"


def test_every_message_has_an_english_translation(current_msgids, english_catalog):
    problems = []
    for msgid, source in current_msgids.items():
        where = ", ".join(f"{p}:{n}" for p, n in source.locations[:2])
        entry = english_catalog.get(source.id)
        if entry is None:
            problems.append(f"  not in catalogue: {msgid!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"  fuzzy:            {msgid!r} ({where})")
        elif not all(s.strip() for s in _strings(entry.string)):
            problems.append(f"  untranslated:     {msgid!r} ({where})")
    assert not problems, (
        f"{len(problems)} Norwegian UI string(s) have no English translation:\n"
        + "\n".join(problems) + f"\n{HOW_TO_FIX}"
    )


def test_placeholders_match(english_catalog):
    problems = []
    for message in english_catalog:
        if not message.id or not message.string:
            continue
        expected = sorted(PLACEHOLDER_RE.findall(_key(message)))
        for translation in _strings(message.string):
            if translation and sorted(PLACEHOLDER_RE.findall(translation)) != expected:
                problems.append(f"  {_key(message)!r} -> {translation!r}: "
                                f"expected placeholders {expected}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_catalogue_has_no_fuzzy_header(english_catalog):
    assert not english_catalog.fuzzy, f"{EN_PO.relative_to(ROOT)} is marked fuzzy in its header"


def test_english_page_renders_in_english(compiled_translations, client):
    login(client, OFFICE)
    post(client, "/language", {"locale": "en", "next": "/cycles/"})
    page = client.get("/cycles/").get_data(as_text=True)
    assert '<html lang="en">' in page
    for english in ("Annual reviews", "Reviews", "Arena register", "Log out", "Main menu"):
        assert english in page, f"{english!r} missing from the English page"
    for norwegian in ("Årlige gjennomganger", "Gjennomganger", "Logg ut", "Hovedmeny"):
        assert norwegian not in page, f"Norwegian {norwegian!r} on the English page"

    post(client, "/language", {"locale": "nb", "next": "/cycles/"})
    page = client.get("/cycles/").get_data(as_text=True)
    assert '<html lang="nb">' in page
    assert "Årlige gjennomganger" in page and "Logg ut" in page


def test_lazy_strings_are_translated_too(compiled_translations, client):
    """Labels defined at import time with lazy_gettext follow the chosen language."""
    login(client, OFFICE)
    post(client, "/language", {"locale": "en", "next": "/arenas/"})
    page = client.get("/arenas/").get_data(as_text=True)
    assert "Active arenas" in page and "Aktive arenaer" not in page
