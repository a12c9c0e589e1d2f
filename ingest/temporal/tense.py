"""Which way a relative expression points, read from the words around it.

"said on Friday" is the Friday before the DCT, "will travel ... on Wednesday" the one after.
Without a parser we look for the nearest tense cue in the same clause: a future modal or
planning word, or a past-tense verb (irregular or regular -ed).
"""

from __future__ import annotations

import re

from ingest.temporal.lexicon import FUTURE_CUES, IRREGULAR_PAST, NOT_PAST_ED

PAST = -1
UNKNOWN = 0
FUTURE = 1

_WORD = re.compile(r"[A-Za-z']+|[.;:!?\"“”]")
_BOUNDARY = frozenset('.;:!?"“”')
_WINDOW = 90  # characters looked at on each side
_STRONG_FUTURE = frozenset({"will", "'ll", "shall", "tomorrow", "next", "upcoming"})


def _cue(word: str) -> int:
    w = word.lower()
    if w in FUTURE_CUES:
        return FUTURE
    if w in IRREGULAR_PAST:
        return PAST
    if len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED and word[0].islower():
        return PAST
    if w in ("ago", "last", "yesterday", "previously", "earlier"):
        return PAST
    return UNKNOWN


def tense_at(text: str, begin: int, end: int) -> int:
    """PAST, FUTURE or UNKNOWN for the expression text[begin:end].

    Cues before the expression win over cues after it; the nearest cue wins on each side,
    except that a future modal anywhere in the preceding clause ("will ... travel to London on
    Wednesday") beats a participle in between.
    """
    before = _WORD.findall(text, max(0, begin - _WINDOW), begin)
    strong_future = False
    nearest = UNKNOWN
    for word in reversed(before):
        if word in _BOUNDARY:
            break
        cue = _cue(word)
        if cue == FUTURE and word.lower() in _STRONG_FUTURE:
            strong_future = True
        if nearest == UNKNOWN and cue != UNKNOWN:
            nearest = cue
    if strong_future:
        return FUTURE
    if nearest != UNKNOWN:
        return nearest
    for word in _WORD.findall(text, end, min(len(text), end + _WINDOW)):
        if word in _BOUNDARY:
            break
        cue = _cue(word)
        if cue != UNKNOWN:
            return cue
    return UNKNOWN
