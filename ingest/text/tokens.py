"""The one tokenizer of the event extractor, and the folding every word comparison uses.

Words keep inner hyphens and apostrophes ("cease-fire", "Russia's", "don't"), numbers keep
their separators ("3,000", "10:30"), and every other non-space character is a token of its own.
Offsets are kept so that a trigger can always be pointed at in the article body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*|\d[\d,.:]*|[^\w\s]")
_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True, slots=True)
class Token:
    """A token of a sentence: its character span, its text and its folded lower-case form."""

    start: int
    end: int
    text: str
    lower: str


def fold(text: str) -> str:
    """Lower-case with typographic quotes and dashes made plain: "Russia’s" -> "russia's"."""
    return text.translate(_FOLD).lower()


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` in order, offsets relative to `text`."""
    return [Token(m.start(), m.end(), m.group(0), fold(m.group(0))) for m in _TOKEN.finditer(text)]
