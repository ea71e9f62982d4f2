"""Sentence templates: defaults in both languages, the office's overrides, placeholder checks."""

from __future__ import annotations

import pytest

from app.documents.sentences import (
    DEFAULTS,
    OUTCOMES,
    PLACEHOLDERS,
    SENTENCE_KEYS,
    Sentences,
    placeholders_in,
    template_errors,
)


def test_both_languages_have_every_sentence_and_only_allowed_placeholders():
    for locale in ("nb", "en"):
        assert set(DEFAULTS[locale]) == set(SENTENCE_KEYS)
        for key, text in DEFAULTS[locale].items():
            assert template_errors(key, text) == [], (locale, key)
            assert placeholders_in(text) <= set(PLACEHOLDERS[key]), (locale, key)


@pytest.mark.parametrize("outcome,sentence", [
    ("continue", "Det anbefales å videreføre samarbeidet."),
    ("continue_and_strengthen", "Det anbefales å videreføre og styrke samarbeidet."),
    ("terminate", "Det anbefales å avslutte samarbeidet."),
    ("join", "Det anbefales å melde kommunen inn i samarbeidet."),
])
def test_recommendation_sentences(outcome, sentence):
    assert Sentences("nb").recommendation(outcome) == sentence


def test_decision_sentences_use_the_council_label():
    words = Sentences("nb")
    assert words.decision("terminate", "Bystyret") == (
        "Bystyret har vedtatt å melde kommunen ut av samarbeidet.")
    assert words.decision("join", "Kommunestyret") == (
        "Kommunestyret har vedtatt å melde kommunen inn i samarbeidet.")
    assert words.decision(None, "Bystyret") == "" and words.recommendation(None) == ""
    assert len({words.decision(o, "X") for o in OUTCOMES}) == len(OUTCOMES)
    assert all(words.decision(o, "X").startswith("X ") for o in OUTCOMES)


def test_responsible_sentence_joins_heads_with_og():
    words = Sentences("nb")
    assert words.responsible(["Byråd for kultur"]) == (
        "Byråd for kultur har ansvar for å følge opp samarbeidet.")
    assert words.responsible(["Byråd for kultur", "Byråd for arbeid"]) == (
        "Byråd for kultur og byråd for arbeid har ansvar for å følge opp samarbeidet.")
    assert words.responsible(["A", "B", "C"]).startswith("A, b og c har ansvar")
    assert words.responsible([]) == ""
    english = Sentences("en").responsible(["Commissioner A", "Commissioner B"])
    assert "Commissioner A and Commissioner B" in english


def test_overrides_replace_defaults_for_that_sentence_only():
    words = Sentences("nb", {"recommendation.continue": "Samarbeidet fortsetter."})
    assert words.recommendation("continue") == "Samarbeidet fortsetter."
    assert words.recommendation("terminate") == "Det anbefales å avslutte samarbeidet."
    assert Sentences("xx").locale == "nb"


@pytest.mark.parametrize("key,text,problem", [
    ("responsible", "{heads.__class__} har ansvar.", "unknown placeholder"),
    ("responsible", "{council} har ansvar.", "unknown placeholder"),
    ("decision.join", "{council har vedtatt", "unbalanced braces"),
    ("recommendation.continue", "Det anbefales {heads}.", "unknown placeholder"),
    ("no.such.key", "Tekst.", "unknown sentence"),
])
def test_template_errors(key, text, problem):
    errors = template_errors(key, text)
    assert errors and problem in errors[0]


def test_literal_braces_are_allowed():
    assert template_errors("vote", "Avstemning {{uformell}}: {vote}") == []
