"""The Timex record every caller receives."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: where it is, its TIMEX3 type/value, and the days it covers.

    `span_start`/`span_end` are the first and last calendar day of the value (inclusive), so an
    event can be dated without parsing TIMEX3 strings; they are None for durations, sets and
    anything unresolved.
    """

    begin: int
    end: int
    text: str
    type: str
    value: str
    granularity: str
    span_start: datetime.date | None
    span_end: datetime.date | None
    mod: str | None = None
