"""Sentence templates allow placeholder names only: no conversion, no format spec."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.documents.sentences import formatted_placeholders
from tests.conftest import OFFICE, fingerprint, login, post


@pytest.mark.parametrize("text,found", [
    ("Gjennomgang {year:>100000000}", ["{year:>100000000}"]),
    ("Gjennomgang {year!r}", ["{year!r}"]),
    ("Gjennomgang {year!s:^9}", ["{year!s:^9}"]),
    ("{municipality:{year}}", ["{municipality:{year}}"]),
    ("Gjennomgang {year} for {municipality}", []),
    ("Klammer {{som tekst:>9}}", []),
    ("{year", []),  # malformed braces: template_errors answers that one
])
def test_formatted_placeholders_are_found(text, found):
    assert formatted_placeholders(text) == found


def sentence_form(client) -> dict:
    page = client.get("/documents/2021/sentences").get_data(as_text=True)
    fields = re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?([^<]*)</textarea>', page)
    return {name: html_lib.unescape(text) for name, text in fields}


@pytest.mark.parametrize("text", ["Internasjonale arenaer {year:>100000000}",
                                  "Internasjonale arenaer {year!r}"])
def test_saving_a_format_spec_is_refused_in_norwegian_and_nothing_changes(client, text):
    login(client, OFFICE)
    data = sentence_form(client)
    data["nb_title"] = text
    before = fingerprint()
    response = post(client, "/documents/2021/sentences", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "En plassholder kan bare inneholde et navn i klammer" in page
    assert "{year}" in html_lib.unescape(page)
    assert fingerprint() == before
    preview = client.get("/documents/2021/preview")
    assert preview.status_code == 200 and len(preview.data) < 5_000_000
