"""Numbers written as digits or words: "30", "2 1/2", "twenty four", "a couple of", "several".

Durations and relative dates carry a count ("two days ago", "the past three months"); spoken
news transcripts spell years out ("nineteen ninety-six"), so both readings live here.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ingest.temporal.lexicon import (
    ARTICLE_ONE,
    NUMBER_PHRASES,
    SCALES,
    TENS,
    UNITS_ONES,
    VAGUE_QUANTITIES,
)

_WORD_SPLIT = re.compile(r"[\s-]+")
_FRACTION = re.compile(r"^(\d+)?\s*(\d+)/(\d+)$")


def parse_number(text: str) -> Fraction | None:
    """The value of a count, or None for a vague one ("several", "a few").

    Fractions are kept exact so "2 1/2 years" can become P2Y6M.
    """
    s = text.lower().strip().replace(",", "")
    if s in VAGUE_QUANTITIES:
        return None
    s = " ".join(s.split())
    if s in NUMBER_PHRASES:
        return Fraction(NUMBER_PHRASES[s])
    if s in ARTICLE_ONE:
        return Fraction(1)
    if s.isdigit():
        return Fraction(int(s))
    m = _FRACTION.match(s)
    if m:
        whole = int(m.group(1) or 0)
        return whole + Fraction(int(m.group(2)), int(m.group(3)))
    try:
        return Fraction(s)
    except ValueError:
        pass
    half = False
    if s.endswith(" and a half"):
        half, s = True, s[: -len(" and a half")]
        if s in ARTICLE_ONE:
            return Fraction(3, 2)
    value = words_to_int(s)
    if value is None:
        return None
    return Fraction(value) + (Fraction(1, 2) if half else 0)


def words_to_int(text: str) -> int | None:
    """'twenty four' -> 24, 'two thousand' -> 2000, 'one hundred and ten' -> 110; else None."""
    total = current = 0
    seen = False
    for word in _WORD_SPLIT.split(text.lower().strip()):
        if not word or word == "and":
            continue
        if word in UNITS_ONES:
            current += UNITS_ONES[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * SCALES[word]
        elif word == "thousand":
            total += max(current, 1) * SCALES[word]
            current = 0
        elif word in ARTICLE_ONE and not seen:
            current = 1
        else:
            return None
        seen = True
    return total + current if seen else None


def spoken_year(text: str) -> int | None:
    """'nineteen ninety-six' -> 1996, 'two thousand one' -> 2001, 'twenty ten' -> 2010."""
    words = _WORD_SPLIT.split(text.lower().strip())
    if words and words[0] in ("nineteen", "eighteen", "twenty") and len(words) >= 2:
        century = UNITS_ONES.get(words[0]) or TENS[words[0]]
        rest = words_to_int(" ".join(words[1:]))
        if rest is not None and 10 <= rest <= 99:
            return century * 100 + rest
        return None
    value = words_to_int(text)
    return value if value is not None and 1000 <= value <= 2999 else None
