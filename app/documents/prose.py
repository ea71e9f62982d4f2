"""Small rules for the prose the document prints: sentences, filler, numbers.

Pure Python. The builder runs every free-text answer through these so the document has no
filler ("Ikke vurdert."), no sentence twice, and numbers that do not break across lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NBSP = "\u00a0"
# "1 500", "4 000 delegater", "130 000": an ordinary space between digit groups breaks lines.
_THOUSANDS = re.compile(r"(?<=\d)[ \u202f](?=\d{3}(?!\d))")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅÄÖ0-9«\"(])")
# Answers that say nothing: left out instead of printed.
_FILLER = re.compile(
    r"^(ikke vurdert|ikke aktuelt|ikke relevant|ikke besvart|ingen|not assessed|"
    r"not applicable|n/?a|none|-+|–)[.!]?$", re.IGNORECASE)
# "Ikke vurdert; nettverket ..." keeps what follows; "Ikke vurdert, siden ..." says nothing more.
_FILLER_LEAD = re.compile(r"^(ikke vurdert|not assessed)\s*([,;:–-])\s*", re.IGNORECASE)

NUMBER_WORDS = {
    "nb": ("null", "én", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti",
           "elleve", "tolv"),
    "en": ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"),
}


def count_words(count: int, locale: str) -> str:
    """A small count in words ("fem"), larger ones as digits with no-break spaces."""
    words = NUMBER_WORDS.get(locale, NUMBER_WORDS["nb"])
    return words[count] if 0 <= count < len(words) else no_break_numbers(f"{count:,}".replace(
        ",", " "))


def no_break_numbers(text: str) -> str:
    """Thousands separated by a no-break space, so "1 500" never breaks across lines."""
    return _THOUSANDS.sub(NBSP, text)


def sentences(text: str) -> list[str]:
    """`text` cut into sentences (a sentence ends with . ! or ? before a capital or digit)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _cleaned(sentence: str) -> str:
    """The sentence without a filler lead: "Ikke vurdert; nettverket ..." -> "Nettverket ...",
    "Ikke vurdert, siden kommunen ikke er medlem." -> "" (a reason for saying nothing)."""
    match = _FILLER_LEAD.match(sentence)
    if match is None:
        return sentence
    if match.group(2) == ",":
        return ""
    rest = sentence[match.end():]
    return rest[:1].upper() + rest[1:]


def is_filler(sentence: str) -> bool:
    """True for an answer that says nothing ("Ikke vurdert.", "Not applicable")."""
    return bool(_FILLER.match(sentence.strip()))


class SentenceLedger:
    """Remembers every answer sentence printed, so none is printed twice in one document."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def fresh(self, texts: Iterable[str]) -> str:
        """The sentences of `texts` that are not filler and not printed before, as one text."""
        kept = []
        for text in texts:
            for sentence in sentences(text or ""):
                sentence = _cleaned(sentence)
                key = " ".join(sentence.casefold().split())
                if not sentence or is_filler(sentence) or key in self.seen:
                    continue
                self.seen.add(key)
                kept.append(sentence)
        return no_break_numbers(" ".join(kept))


# Words that mark a name as English (arena names are kept in their own language).
_ENGLISH_WORDS = frozenset(
    "the of and for on in network networks cities city association council international "
    "league union organization organisation programme program world forum federation society "
    "committee local governments mayors creative memory water urban parks refuge heritage "
    "festivals rights human smart related issues social health cooperation intercultural "
    "solidarity music rainbow towns".split())
_NORWEGIAN_LETTERS = re.compile(r"[æøå]", re.IGNORECASE)


def looks_english(name: str) -> bool:
    """True when `name` reads as English (two English words and no æ, ø or å), so a screen
    reader can be told to switch language; Norwegian and proper names stay unmarked."""
    if _NORWEGIAN_LETTERS.search(name):
        return False
    words = re.findall(r"[a-z]+", name.casefold())
    return sum(w in _ENGLISH_WORDS for w in words) >= 2
