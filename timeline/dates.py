"""Date arithmetic that holds at the calendar's ends instead of raising OverflowError.

An article may be dated 0001-01-01 or 9999-12-31 (bad metadata, or a test of the edges); a day
of slack or a story's gap around such a date must stay on the calendar.
"""

from __future__ import annotations

from datetime import date


def shift(day: date, days: int) -> date:
    """`day` moved by `days`, held at date.min / date.max: shift(date.max, 1) == date.max."""
    ordinal = min(max(day.toordinal() + days, date.min.toordinal()), date.max.toordinal())
    return date.fromordinal(ordinal)
