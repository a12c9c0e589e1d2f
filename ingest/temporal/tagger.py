"""Find, resolve and choose the time expressions of a text.

1. one scan finds anchor words; the patterns their classes can start (one compiled
   alternation per class) are tried there and at the modifier words just before them;
2. candidates are resolved in text order, so anaphora ("a year earlier") sees what came first;
3. overlapping candidates are settled longest first, then by family/pattern order;
4. each survivor becomes a `Timex` with the calendar span of its value.
"""

from __future__ import annotations

import datetime

from ingest.temporal.anchors import anchor_starts
from ingest.temporal.calendar import value_span
from ingest.temporal.context import Context, Resolved
from ingest.temporal.model import Timex
from ingest.temporal.patterns import TRIGGERS

Candidate = tuple[int, int, int, Resolved]


def _candidates(text: str, ctx: Context) -> list[Candidate]:
    found = {}
    for pos, classes in anchor_starts(text).items():
        for cls in classes:
            trigger = TRIGGERS[cls]
            # The combined alternation is a cheap filter; when it hits, every member is tried
            # so that the longest reading at this position is not hidden by an earlier row.
            if trigger.matcher.match(text, pos) is None:
                continue
            for regex, pattern, priority in trigger.members.values():
                own = regex.match(text, pos)
                if own is None or own.end() == pos:
                    continue
                key = (pos, own.end(), priority)
                if key not in found:
                    found[key] = (pos, own.end(), priority, pattern, own)
    resolved = []
    for begin, end, priority, pattern, own in sorted(found.values(), key=lambda c: c[:3]):
        try:
            result = pattern.resolver(own, ctx)
        except (ValueError, OverflowError):
            continue  # the date would fall outside datetime's years 1-9999: leave it untagged
        if result is not None:
            resolved.append((begin, end, priority, result))
            if result.type in ("DATE", "TIME"):
                ctx.note_value(result.value)
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
    return [_timex(text, b, e, res, dct) for b, e, _, res in _choose(_candidates(text, ctx))]
