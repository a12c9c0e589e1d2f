"""Find, resolve and choose the time expressions of a text.

1. one scan finds anchor words; the patterns their classes can start (one compiled
   alternation per class) are tried there and at the modifier words just before them;
2. candidates are resolved in text order, so anaphora ("a year earlier") sees what came first;
   candidates inside a name or title ("60 Minutes") are dropped (names.py);
3. overlapping candidates are settled longest first, then by family/pattern order;
4. each survivor becomes a `Timex` with the calendar span of its value.
"""

from __future__ import annotations

import datetime
import re

from ingest.temporal.anchors import anchor_starts
from ingest.temporal.calendar import value_span
from ingest.temporal.context import Context, Resolved
from ingest.temporal.model import Timex
from ingest.temporal.names import in_name
from ingest.temporal.patterns import TRIGGERS

Candidate = tuple[int, int, int, Resolved]
# Patterns whose matches are names that denote times ("Election Day", "New Year's Eve").
_NAMES_ARE_TIMES = frozenset({"holiday"})


def _candidates(text: str, ctx: Context) -> list[Candidate]:
    found = {}
    for pos, classes in anchor_starts(text).items():
        for cls in classes:
            # Every member is tried, so that the longest reading at this position is not
            # hidden by an earlier row.
            for regex, pattern, priority in TRIGGERS[cls].members.values():
                own = regex.match(text, pos)
                if own is None or own.end() == pos:
                    continue
                key = (pos, own.end(), priority)
                if key not in found:
                    found[key] = (pos, own.end(), priority, pattern, own)
    resolved = []
    # The end of the longest DATE / TIME read so far: a reading inside it ("Friday" in "Last
    # Friday") loses to it in `_choose`, so it must not move the narrative either.
    dated_until = -1
    for begin, end, priority, pattern, own in sorted(found.values(), key=lambda c: c[:3]):
        if pattern.name not in _NAMES_ARE_TIMES and in_name(text, begin, end):
            continue  # "60 Minutes", "High Noon", "the March for Our Lives"
        try:
            result = pattern.resolver(own, ctx)
        except (ValueError, OverflowError):
            continue  # the date would fall outside datetime's years 1-9999: leave it untagged
        if result is not None:
            resolved.append((begin, end, priority, result))
            if result.type in ("DATE", "TIME") and end > dated_until:
                ctx.note_value(begin, result.type, result.value)
                dated_until = end
    return resolved


def _choose(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, longest first; ties go to the earlier family/pattern."""
    chosen: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if all(cand[1] <= c[0] or cand[0] >= c[1] for c in chosen):
            chosen.append(cand)
    chosen.sort()
    return chosen


def _timex(text: str, begin: int, end: int, res: Resolved, dct: datetime.date | None) -> Timex:
    if res.type == "DURATION":
        granularity, start, stop = "duration", None, None
    elif res.type == "SET":
        granularity, start, stop = "set", None, None
    else:
        granularity, start, stop = value_span(res.value)
        if res.span is not None:
            granularity, (start, stop) = "month", res.span
        if res.value == "PRESENT_REF" and dct is not None:
            start = stop = dct  # "now" is the day of writing
    return Timex(
        begin, end, text[begin:end], res.type, res.value, granularity, start, stop, res.mod
    )


def tag(text: str, dct: datetime.date | None) -> list[Timex]:
    """All time expressions in `text`, sorted by begin, resolved against `dct`.

    With `dct=None` relative expressions keep X's in their values and have no span; absolute
    ones ("February 2022") still resolve.
    """
    if isinstance(dct, datetime.datetime):
        dct = dct.date()
    ctx = Context(text, dct)
    found = [_timex(text, b, e, res, dct) for b, e, _, res in _choose(_candidates(text, ctx))]
    return _join_clock_and_day(text, found)


_CLOCK = re.compile(r"^\d{4}-\d\d-\d\dT(\d\d):(\d\d)$")
_DAY = re.compile(r"^(\d{4}-\d\d-\d\d)(?:T(NI|EV|AF|MO))?$")


def _join_clock_and_day(text: str, timexes: list[Timex]) -> list[Timex]:
    """ "9 o'clock last night", "10 a.m. yesterday": a clock time followed by the day it falls
    on is one TIME on that day (the clock alone was resolved on the DCT). Evening and night
    move an hour without a.m./p.m. into the afternoon."""
    out: list[Timex] = []
    i = 0
    while i < len(timexes):
        a = timexes[i]
        b = timexes[i + 1] if i + 1 < len(timexes) else None
        clock = _CLOCK.match(a.value) if a.type == "TIME" else None
        day = _DAY.match(b.value) if b is not None else None
        if b is not None and clock and day and not text[a.end : b.begin].strip(" ,"):
            hour = int(clock.group(1))
            if (
                day.group(2) in ("NI", "EV")
                and hour < 12
                and not re.search(r"[ap]\.?m", a.text, re.I)
            ):
                hour += 12
            value = f"{day.group(1)}T{hour:02d}:{clock.group(2)}"
            out.append(
                Timex(
                    a.begin,
                    b.end,
                    text[a.begin : b.end],
                    "TIME",
                    value,
                    "time",
                    b.span_start,
                    b.span_end,
                    a.mod,
                )
            )
            i += 2
            continue
        out.append(a)
        i += 1
    return out
