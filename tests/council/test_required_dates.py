"""A date left empty on the council's forms says it is required (issue 19), in Norwegian and
in English, never a format error or "outside the term", and nothing is saved."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SECRETARY, fingerprint, login, post
from tests.council.conftest import open_cycle, vote_form
from tests.council.test_cases import add_recommendation

REQUIRED = {"nb": "Feltet må fylles ut.", "en": "This field is required."}
NOT_SAID = ("utenfor valgperioden", "outside the term", "Not a valid date", "ÅÅÅÅ-MM-DD",
            "Ugyldig dato")


def messages(response) -> list[str]:
    """The messages next to fields on the page."""
    return re.findall(r'ds-validation-message[^>]*>([^<]*)<', response.get_data(as_text=True))


def in_language(client, locale: str) -> None:
    if locale != "nb":
        post(client, "/language", {"locale": locale})


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_an_empty_meeting_date_of_a_case_is_required(client, term, locale):
    login(client, SECRETARY)
    in_language(client, locale)
    before = fingerprint()
    response = post(client, "/council/cases/new", {
        "cycle": open_cycle().id, "term": term, "case_number": "41/26", "meeting_date": "",
        "title": "Gjennomgang"})
    assert response.status_code == 400
    assert messages(response) == [REQUIRED[locale]]
    page = response.get_data(as_text=True)
    assert not [words for words in NOT_SAID if words in page]
    assert fingerprint() == before


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_an_empty_effective_date_of_a_decision_is_required(client, council, locale):
    login(client, SECRETARY)
    add_recommendation(client, council, "continue")
    [proposal] = council.proposals()
    post(client, f"/council/proposals/{proposal.id}/vote", vote_form())
    in_language(client, locale)
    before = fingerprint()
    url = f"/council/items/{council.item_id}/decision"
    response = post(client, url, {"outcome": "continue", "text": "Videreføre.",
                                  "effective_date": ""})
    assert response.status_code == 400
    assert REQUIRED[locale] in messages(response)
    assert not [words for words in NOT_SAID if words in response.get_data(as_text=True)]
    assert fingerprint() == before
