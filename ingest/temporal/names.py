"""Time words inside names and titles, which TimeML leaves untagged.

The TimeML guidelines (after TIDES 2005, "non-markable proper names") do not tag a time
expression that is part of a name: a TV show called "60 Minutes", a film called "High Noon",
the "March for Our Lives", the "Summer of Love". Three shapes give a name away without a
parser; each has an example in `tests/temporal/test_temporal_names.py`:

1. a quoted Title-Case phrase around the expression: "The Day After Tomorrow";
2. a word that is lower-case in ordinary prose ("noon", "minutes", "morning") written with a
   capital inside a sentence: "appeared on 60 Minutes", "Good Morning America";
3. a month, weekday or season named as the head of "X for / against / of Y" with a capitalised
   Y: "the March for Our Lives", "the Summer of Love";
4. a year right after a name that the text introduces as one ("a venture called Orion 1980",
   "a model named Vision 2030") or after an acronym ("ABC 2000"; HeidelTime's negative rule
   date_r8). A place before a year is not enough: "the quake in Nepal 2015" dates it.

Holidays ("Election Day", "New Year's Eve") are names that *are* times, and are not checked.
A line written all in Title Case (a headline) says nothing about names and is not checked.
"""

from __future__ import annotations

import re

from ingest.temporal.lexicon import HOLIDAY_WORDS, MONTHS, SEASONS, WEEKDAYS

# Words that prose writes in lower case; capitalised mid-sentence they belong to a name.
_LOWER_TIME_WORDS = frozenset(
    """noon midnight minute minutes hour hours day days night nights morning mornings
    evening afternoon week weeks month months year years decade decades century today
    tomorrow yesterday tonight now moment""".split()
)
# Small words a title leaves in lower case ("The Day After Tomorrow", "March for Our Lives").
_TITLE_SMALL = frozenset("a an the of and or for in on at to by with from after before".split())
_HEAD_NAMES = frozenset([*MONTHS, *WEEKDAYS, *SEASONS])
_QUOTES = '"“”'
_WORD = re.compile(r"[A-Za-z][\w'’-]*|\d[\d,.:]*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\[]|``|'')\s*$")
_OF_NAME = re.compile(r"\s+(?:for|against|of)\s+(?:the\s+)?(?:[A-Z][a-z]+|[A-Z]{2,})\b")
_FOR_NAME = re.compile(r"\s+(?:for|against)\s+(?:the\s+)?(?:[A-Z][a-z]+|[A-Z]{2,})\b")


def _line(text: str, begin: int, end: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, begin) + 1
    stop = text.find("\n", end)
    return start, len(text) if stop < 0 else stop


def _title_case(words: list[str]) -> bool:
    """Every word capitalised except small function words (and the first is capitalised)."""
    if not words or (not words[0][:1].isupper() and not words[0][:1].isdigit()):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL for w in words)


_HEADLINE_MAX = 160  # characters: a longer line is prose


def _headline(text: str, begin: int, end: int) -> bool:
    start, stop = _line(text, begin, end)
    if stop - start > _HEADLINE_MAX:
        return False
    words = _WORD.findall(text, start, stop)
    return len(words) >= 3 and _title_case(words)


def _in_quoted_title(text: str, begin: int, end: int) -> bool:
    start, stop = _line(text, begin, end)
    opening = max(text.rfind(q, start, begin) for q in _QUOTES)
    if opening < 0 or begin - opening > 60:
        return False
    if text[start:opening].count('"') % 2 == 1:
        return False  # that straight quote closes an earlier quotation
    closes = [i for q in _QUOTES if (i := text.find(q, end, min(stop, end + 60))) >= 0]
    if not closes:
        return False
    inner = text[opening + 1 : min(closes)]
    words = _WORD.findall(inner)
    if len(words) < 2 or re.search(r"[,.!?;]\s", inner):
        return False
    return _title_case(words)


def _capitalised_time_word(text: str, begin: int, end: int) -> bool:
    for m in _WORD.finditer(text, begin, end):
        word = m.group()
        if word.lower() not in _LOWER_TIME_WORDS or not word[0].isupper() or word.isupper():
            continue
        if not _SENTENCE_END.search(text, max(0, m.start() - 4), m.start()):
            return True
    return False


def _head_of_name(text: str, begin: int, end: int) -> bool:
    words = _WORD.findall(text, begin, end)
    head = words[-1] if words else ""
    key = head.lower() if head.lower() in _HEAD_NAMES else head.lower().removesuffix("s")
    if key not in _HEAD_NAMES or not head[0].isupper() or not text.endswith(head, 0, end):
        return False  # "Fridays for Future" is a name too
    follow = _OF_NAME if key in SEASONS else _FOR_NAME
    return follow.match(text, end) is not None


_BEFORE_YEAR = re.compile(
    r"(?:\b(?:called|named|dubbed|titled|known\s+as)\s+(?P<named>[A-Z][\w-]*)|\b(?P<acronym>[A-Z]{3,}))"
    r"\s+\Z"
)
# Capitalised words that date a year rather than name something: "Christmas 1990",
# "Fiscal 1989", "Spring 1998", "Sept 1990".
_DATING_WORDS = frozenset(
    [*MONTHS, *WEEKDAYS, *SEASONS, *HOLIDAY_WORDS, "fiscal", "fy", "year", "since", "copyright"]
)


def _named_year(text: str, begin: int) -> bool:
    m = _BEFORE_YEAR.search(text, max(0, begin - 40), begin)
    if m is None:
        return False
    return (m["named"] or m["acronym"]).lower() not in _DATING_WORDS


def in_name(text: str, begin: int, end: int) -> bool:
    """Is text[begin:end] a time word inside a name or a title (see the module docstring)?"""
    if text[begin:end].isdigit():
        return _named_year(text, begin)
    if not any(c.isupper() for c in text[begin:end]):
        return False  # every shape above needs a capital inside the expression
    if _headline(text, begin, end):
        return False
    return (
        _in_quoted_title(text, begin, end)
        or _capitalised_time_word(text, begin, end)
        or _head_of_name(text, begin, end)
    )
