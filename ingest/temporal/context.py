"""What a resolver knows while it works through one text, and what it returns.

Resolution runs in text order so that anaphoric expressions ("a year earlier", "the latest
quarter", "that year") can refer to the last quarter or year the text itself mentioned, as
financial news does; everything else is anchored on the DCT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingest.temporal import tense as _tense
from ingest.temporal.lexicon import MONTHS, ORDINALS, WEEKDAY_ABBR, WEEKDAYS
from ingest.temporal.numbers import spoken_year
from ingest.temporal.reference import ReferenceTime

# How far back (characters) a mentioned quarter stays the topic of "a year earlier".
QUARTER_TOPIC_WINDOW = 2500


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolver's answer: TIMEX3 type, value and optional mod."""

    type: str
    value: str
    mod: str | None = None
    # First and last day when the value's own span is too narrow: "Ramadan" is valued by its
    # first day (TIMEX3 has no value for a lunar month) but covers the whole month.
    span: tuple[date, date] | None = None


@dataclass(slots=True)
class Context:
    """The text being tagged, its DCT, and the anaphora state built up so far."""

    text: str
    dct: date | None
    last_quarter: tuple[int, int] | None = None
    last_quarter_at: int = -(10**9)
    last_year: int | None = None
    # Where the text last named a multi-month reporting period ("for the nine months"): after
    # it, "a year earlier" compares that period, not the quarter named before it.
    last_period_at: int = -(10**9)
    # The narrative reference time: "the following month", "the previous day", "the previous
    # Friday" and a bare clock time count from the day / month the text last named.
    reference: ReferenceTime = field(init=False)
    _tense_cache: dict[tuple[int, int, bool], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reference = ReferenceTime(self.dct)

    @property
    def last_day(self) -> date | None:
        """The day the text last named (None before any, or after a month)."""
        return self.reference.named_day

    @property
    def last_month(self) -> tuple[int, int] | None:
        """(year, month) of the day or month the text last named."""
        return self.reference.named_month

    def tense(self, m: re.Match[str], plans: bool = False) -> int:
        """tense.PAST / FUTURE / UNKNOWN around a match (cached); `plans`: see tense_at."""
        key = (m.start(), m.end(), plans)
        if key not in self._tense_cache:
            found = _tense.tense_at(self.text, m.start(), m.end(), plans)
            deadline = self.previous_word(m.start()) in _DEADLINE
            possessive = self.text[m.end() : m.end() + 2] in ("'s", "’s")  # "before Friday's vote"
            if found == _tense.UNKNOWN and plans and deadline and not possessive:
                found = _tense.FUTURE  # "must be completed by Friday": a deadline ahead
            self._tense_cache[key] = found
        return self._tense_cache[key]

    def previous_word(self, begin: int) -> str:
        """The word right before offset `begin`, lower-cased ('' at the start)."""
        m = _PREV_WORD.search(self.text, max(0, begin - 40), begin)
        return m.group(1).lower() if m else ""

    def next_words(self, end: int, n: int = 2) -> list[str]:
        """Up to n words right after offset `end`, lower-cased."""
        return [w.lower() for w in _WORDS.findall(self.text, end, min(len(self.text), end + 40))][
            :n
        ]

    def note_quarter(self, year: int, quarter: int, at: int, reported: bool = False) -> None:
        """Remember an explicitly mentioned quarter for later anaphora - only one already over
        at the DCT: "a year ago" and "the latest quarter" compare reported results, not the
        forecast "fourth-quarter charge" (unless reported in the past tense: fiscal quarters)."""
        dct = self.dct
        unfinished = dct is not None and (year, quarter) >= (dct.year, (dct.month + 2) // 3)
        if unfinished and not reported:
            return
        self.last_quarter = (year, quarter)
        self.last_quarter_at = at

    def topical_quarter(self, at: int, compared: bool = False) -> tuple[int, int] | None:
        """The quarter the text is currently talking about, if one was mentioned recently.

        With `compared` (a bare "a year earlier" / "year-ago"), a longer reporting period named
        after the quarter ("For the nine months, ...") is the topic instead: no quarter.
        """
        if compared and self.last_period_at > self.last_quarter_at:
            return None
        if self.last_quarter and at - self.last_quarter_at <= QUARTER_TOPIC_WINDOW:
            return self.last_quarter
        return None

    def note_value(self, begin: int, type_: str, value: str) -> None:
        """A resolved DATE / TIME at `begin` may move the narrative (see reference.py)."""
        self.reference.observe(begin, type_, value)

    def reference_day(self) -> date | None:
        """The last day the text named, else the DCT."""
        return self.reference.day()

    def narrative_day(self, m: re.Match[str]) -> date | None:
        """The day a bare clock time or "the morning" falls on: the day being narrated, unless
        the clause looks forward from a narrated day already past (then the DCT)."""
        day = self.reference.named_day
        if day is None or self.dct is None:
            return self.dct
        if day < self.dct and self.tense(m) == _tense.FUTURE:
            return self.dct
        return day

    def reference_month(self) -> tuple[int, int] | None:
        """The last month the text named (or the month of the last day), else the DCT's."""
        if self.last_month:
            return self.last_month
        return (self.dct.year, self.dct.month) if self.dct else None


# With no tense cue, a day right after these is a deadline still ahead.
_DEADLINE = frozenset({"by", "before", "until", "till"})
_PREV_WORD = re.compile(r"([\w$%'’]+)[^\w]*\Z")
_WORDS = re.compile(r"[\w'’]+")


def month_number(word: str) -> int:
    """'Sept.' -> 9."""
    return MONTHS[word.lower().rstrip(".")]


def weekday_number(word: str) -> int:
    """'Tues.' -> 2 (ISO, Monday = 1)."""
    w = word.lower().rstrip(".")
    return WEEKDAYS.get(w) or WEEKDAY_ABBR[w]


def day_number(word: str) -> int:
    """'21st' / 'twenty-first' -> 21."""
    w = re.sub(r"\s+", " ", word.lower())
    digits = re.match(r"\d+", w)
    if digits:
        return int(digits.group())
    return ORDINALS[w]


def year_number(word: str) -> int | None:
    """'1998', "'98" (-> 1998), 'nineteen ninety-six' -> int."""
    w = word.strip()
    if w.isdigit():
        return int(w)
    if w[:1] in "'’" and w[1:].isdigit():
        yy = int(w[1:])
        return 2000 + yy if yy < 30 else 1900 + yy
    return spoken_year(w)


# How far from the DCT the tense may send a month named without its year (about 11 months);
# a day ("Dec. 7") that far back would normally carry its year, so days reach 7 months.
TENSE_REACH_DAYS = 335
DAY_TENSE_REACH_DAYS = 215


def pick(
    candidates: list[date], anchor: date, direction: int, reach: int = TENSE_REACH_DAYS
) -> date:
    """Which of the candidate dates (one per year) a yearless "March" or "Dec. 15" means.

    Past tense: the latest on or before the anchor; future: the earliest on or after it;
    no tense cue: the one in the anchor's own year, as news style omits the year only for the
    current one. Each only within `reach` days, or anywhere in the anchor's own year (news
    style again: "the fiscal year ended Jan. 31" written in October needs no year);
    fallback: the nearest.
    """
    if direction < 0:
        past = [c for c in candidates if c <= anchor]
        if past and ((anchor - max(past)).days <= reach or max(past).year == anchor.year):
            return max(past)
    elif direction > 0:
        future = [c for c in candidates if c >= anchor]
        if future and ((min(future) - anchor).days <= reach or min(future).year == anchor.year):
            return min(future)
    else:
        same_year = [c for c in candidates if c.year == anchor.year]
        if same_year and abs((same_year[0] - anchor).days) <= reach:
            return same_year[0]
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor))


def weekday_near(dct: date, weekday: int, direction: int) -> date:
    """The given weekday relative to the DCT: the DCT itself on its own weekday, else the
    previous one (past / unknown) or the next one (future)."""
    delta = weekday - dct.isoweekday()
    if delta == 0:
        return dct
    if direction > 0:
        return dct + timedelta(days=delta % 7)
    return dct - timedelta(days=(-delta) % 7)
