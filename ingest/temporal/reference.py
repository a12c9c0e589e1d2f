"""The narrative reference time of one article: the day (or month) the story is on.

News narrates from a date it has just given: "On March 3 the army attacked. At 10 p.m. rebels
fired back. That day 20 died. The next morning they left." - the clock time, "that day" and
"the next morning" count from March 3, not from the publication date (DCT). TimeML calls this
the temporal anchor of an expression (its `anchorTimeID`); HeidelTime calls documents read
this way "narratives". One `ReferenceTime` per article holds that anchor as it moves:

    ref = ReferenceTime(dct)                 # before any expression: the DCT (from_dct=True)
    ref.observe(begin, "DATE", "2025-03-03")  # a resolved day moves the narrative there
    ref.current                               # Anchor(start=2025-03-03, precision="day", ...)
    ref.at(offset)                            # the anchor in force at a character offset

The tagger moves it while resolving (clock times, "that day", "the following month" read it),
and event dating (ingest/events/dating.py) replays it over the tagger's output, once per
article (ingest/analysis.py), to date a mention that has no time expression of its own. It is
the one notion of the narrative's date; event dating only decides which mentions continue it:

    ref = ReferenceTime.from_timexes(tag(text, dct), dct)
    anchor = ref.at(mention_offset)           # None only without a DCT and before any date
    ref.at(offset, past_only=True, precisions=("day", "week"))  # where a *happening* stands:
                                              # plans ("will meet on Friday") and months skipped
    ref.at(offset, past_only=True, skip={begin})  # and not on the day of the expression at
                                              # `begin`, which dated only a plan

What moves the anchor: a DATE or TIME whose value names a day ("March 3", "Friday",
"yesterday", "10 p.m. Wednesday"), a week or weekend ("last week") or a month ("in March"):
the day is then unknown. What does not: years, quarters, seasons, durations, sets,
PRESENT_REF & co., and unresolved values - a year says too little to put a bare "10 p.m." on
a day, so the DCT serves again.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from ingest.temporal.calendar import last_day_of_month

_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(?:T|$)")
_MONTH = re.compile(r"^(\d{4})-(\d\d)$")
_WEEK = re.compile(r"^(\d{4})-W(\d\d)(-WE)?$")
PRECISIONS = ("day", "week", "month")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where the narrative is: a day or a month, and what put it there.

    `begin` is the offset of the expression that set it (-1 for the DCT); `value` its TIMEX3
    value. `start`/`end` are the first and last day (equal for a day).
    """

    start: date
    end: date
    precision: str  # "day" | "week" | "month" (a weekend is a "week" anchor of two days)
    begin: int
    value: str

    @property
    def from_dct(self) -> bool:
        """True when no expression has set the anchor yet: the publication date serves."""
        return self.begin < 0

    @property
    def day(self) -> date | None:
        """The anchor's day, or None when it is a whole month."""
        return self.start if self.precision == "day" else None


class _TimexLike(Protocol):
    # read-only, so that frozen dataclasses (`Timex`) match
    @property
    def begin(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str: ...


def anchor_of(begin: int, type_: str, value: str) -> Anchor | None:
    """The anchor a resolved expression sets, or None if it does not move the narrative."""
    if type_ not in ("DATE", "TIME"):
        return None
    if m := _DAY.match(value):
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return Anchor(d, d, "day", begin, value)
    if m := _WEEK.match(value):
        try:
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            sunday = monday + timedelta(days=6)
        except (ValueError, OverflowError):
            return None  # no such week, or past year 9999
        first = monday + timedelta(days=5) if m[3] else monday
        return Anchor(first, sunday, "week", begin, value)
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return None
        return Anchor(date(year, month, 1), last_day_of_month(year, month), "month", begin, value)
    return None


class ReferenceTime:
    """The moving reference time of one article (see the module docstring)."""

    __slots__ = ("_anchors", "_begins", "dct")

    def __init__(self, dct: date | None) -> None:
        self.dct = dct
        self._anchors: list[Anchor] = []
        self._begins: list[int] = []

    @classmethod
    def from_timexes(cls, timexes: Iterable[_TimexLike], dct: date | None) -> ReferenceTime:
        """Replay an article's time expressions (as `tag` returns them) in text order."""
        ref = cls(dct)
        for t in sorted(timexes, key=lambda t: t.begin):
            ref.observe(t.begin, t.type, t.value)
        return ref

    def observe(self, begin: int, type_: str, value: str) -> None:
        """Move the narrative to a resolved expression at offset `begin`, if it names a day or
        a month. Observations must come in text order (a later one replaces the earlier)."""
        anchor = anchor_of(begin, type_, value)
        if anchor is None:
            return
        if self._begins and begin < self._begins[-1]:
            raise ValueError("ReferenceTime.observe: expressions must come in text order")
        self._anchors.append(anchor)
        self._begins.append(begin)

    def _dct_anchor(self) -> Anchor | None:
        if self.dct is None:
            return None
        return Anchor(self.dct, self.dct, "day", -1, self.dct.isoformat())

    @property
    def current(self) -> Anchor | None:
        """The latest anchor (the DCT before any), None without a DCT or an anchor."""
        return self._anchors[-1] if self._anchors else self._dct_anchor()

    def at(
        self,
        offset: int,
        *,
        past_only: bool = False,
        precisions: Collection[str] = PRECISIONS,
        skip: Collection[int] = (),
    ) -> Anchor | None:
        """The anchor in force at `offset`: set by the last expression that begins before it,
        else the DCT (check `from_dct`); None without either.

        `past_only` skips anchors that start after the DCT ("will meet on Friday" is a plan,
        not where the narrative of happenings stands); `precisions` skips coarser ones (event
        dating may want only "day" and "week"); `skip` passes over the anchors set by the
        expressions beginning at those offsets (event dating skips the days of plans: "was
        due to meet on Monday" does not say the story has moved to Monday)."""
        i = bisect.bisect_left(self._begins, offset)
        for anchor in reversed(self._anchors[:i]):
            if anchor.precision not in precisions or anchor.begin in skip:
                continue
            if past_only and self.dct is not None and anchor.start > self.dct:
                continue
            return anchor
        return self._dct_anchor()

    def _latest_day_or_month(self) -> Anchor | None:
        # A week ("last week") does not say which of its days later expressions count from,
        # so it leaves the day or month named before it in force for them.
        for anchor in reversed(self._anchors):
            if anchor.precision != "week":
                return anchor
        return None

    @property
    def named_day(self) -> date | None:
        """The day the text last named, unless a month was named after it."""
        anchor = self._latest_day_or_month()
        return anchor.day if anchor else None

    @property
    def named_month(self) -> tuple[int, int] | None:
        """(year, month) of the latest day or month the text named (weeks skipped), None
        before any: "the following month" counts from it."""
        anchor = self._latest_day_or_month()
        return (anchor.start.year, anchor.start.month) if anchor else None

    def day(self) -> date | None:
        """The day the narrative is on: the last named day, else the DCT."""
        return self.named_day or self.dct
