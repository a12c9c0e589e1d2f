"""Calendar arithmetic and the span (first and last day) a TIMEX3 value covers.

The event extractor dates events by `span_start`/`span_end`, so the mapping from a value such
as "2025-W16-WE" or "199" to calendar days is kept in one place and tested on its own.
"""

from __future__ import annotations

import calendar as _cal
import re
from datetime import date, timedelta

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

Span = tuple[str, date | None, date | None]
_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)  # by ISO weekday - 1

_DAY = re.compile(r"^(\d{4})-(\d\d)-(\d\d)(T.*)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d\d)(-WE)?$")
_MONTH = re.compile(r"^(\d{4})-(\d\d)$")
_QUARTER = re.compile(r"^(\d{4})-(Q|H)(\d)$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_YEARISH = re.compile(r"^(\d{2,4})$")
# Meteorological seasons (northern hemisphere): first month, number of months.
_SEASON_MONTHS = {"SP": (3, 3), "SU": (6, 3), "FA": (9, 3), "WI": (12, 3)}


def last_day_of_month(year: int, month: int) -> date:
    """The last calendar day of a month."""
    return date(year, month, _cal.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by delta months (years past 9999 are not dates: plain index
    arithmetic there, so a far "in 100 years" stays a value rather than an error)."""
    try:
        shifted = date(year, month, 1) + relativedelta(months=delta)
    except (ValueError, OverflowError):
        index = year * 12 + (month - 1) + delta
        return index // 12, index % 12 + 1
    return shifted.year, shifted.month


def add_years_to_date(d: date, years: int) -> date:
    """The same calendar day `years` later (Feb 29 falls back to Feb 28)."""
    return d + relativedelta(years=years)


def week_value(d: date) -> str:
    """ISO week of a day, as a TIMEX3 value: 2025-04-21 -> '2025-W17'."""
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of_week(year: int, week: int) -> date:
    """The Monday of an ISO week."""
    return date.fromisocalendar(year, week, 1)


def weekend_of(d: date, direction: int) -> date:
    """Saturday of the weekend before (-1), of (0) or after (+1) a day.

    A Saturday or Sunday DCT is inside its own weekend, so 0 returns that weekend.
    """
    wd = d.isoweekday()
    if direction == 0 or wd >= 6:
        if wd >= 6:
            sat = d - timedelta(days=wd - 6)
            return sat + timedelta(days=7 * direction)
        return d + timedelta(days=6 - wd)
    if direction < 0:
        return d - timedelta(days=wd + 1)
    return d + timedelta(days=6 - wd)


def weekend_value(saturday: date) -> str:
    """TIMEX3 value of the weekend starting on a Saturday: '2025-W16-WE'."""
    return week_value(saturday) + "-WE"


def quarter_of(d: date) -> int:
    """1-4."""
    return (d.month - 1) // 3 + 1


def easter_date(year: int, orthodox: bool = False) -> date:
    """Easter Sunday by the computus (Gregorian date for both churches)."""
    return easter(year, EASTER_ORTHODOX if orthodox else EASTER_WESTERN)


# The tabular (arithmetic) Islamic calendar, civil epoch: 1 Muharram AH 1 is 16 July 622
# (Julian), R.D. 227015 - the proleptic Gregorian ordinal Python's date uses. Leap years
# (30-day Dhu al-Hijjah) are the 11 of each 30-year cycle with (14 + 11 * year) % 30 < 11.
# Months alternate 30 and 29 days. Observed dates (moon sighting) agree or differ by a day.
_ISLAMIC_EPOCH = 227015


def islamic_to_date(year: int, month: int, day: int) -> date:
    """Gregorian date of a day of the tabular Islamic calendar: (1446, 9, 1) -> 2025-03-01."""
    ordinal = (
        _ISLAMIC_EPOCH
        - 1
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + 29 * (month - 1)
        + month // 2
        + day
    )
    return date.fromordinal(ordinal)


def islamic_years_around(gregorian_year: int) -> range:
    """Islamic years with a day in the Gregorian years around `gregorian_year` (a lunar year
    is 354 or 355 days, so about 33 of them span 32 solar years)."""
    approx = (gregorian_year - 622) * 33 // 32 + 1
    return range(max(1, approx - 2), approx + 3)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based; -1 = last) ISO weekday of a month: Thanksgiving is (11, 4, 4)."""
    day = _WEEKDAYS[weekday - 1](n)
    return date(year, month, 1) + relativedelta(day=1 if n > 0 else 31, weekday=day)


def value_span(value: str) -> Span:
    """(granularity, first day, last day inclusive) of a TIMEX3 DATE/TIME value.

    Unresolved values (with X), references and durations have no span.
    """
    if value in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        return "ref", None, None
    if "X" in value:
        return "unknown", None, None
    try:
        return _span(value)
    except (ValueError, OverflowError):  # no such day, or a span past year 9999
        return "unknown", None, None


def _span(value: str) -> Span:
    if m := _DAY.match(value):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return ("time" if m[4] else "day"), d, d
    if m := _WEEK.match(value):
        monday = monday_of_week(int(m[1]), int(m[2]))
        if m[3]:
            return "weekend", monday + timedelta(days=5), monday + timedelta(days=6)
        return "week", monday, monday + timedelta(days=6)
    if m := _MONTH.match(value):
        y, mo = int(m[1]), int(m[2])
        return "month", date(y, mo, 1), last_day_of_month(y, mo)
    if m := _QUARTER.match(value):
        y, n = int(m[1]), int(m[3])
        months = 3 if m[2] == "Q" else 6
        first = (n - 1) * months + 1
        return "quarter", date(y, first, 1), last_day_of_month(y, first + months - 1)
    if m := _SEASON.match(value):
        y = int(m[1])
        first, count = _SEASON_MONTHS[m[2]]
        ey, em = add_months(y, first, count - 1)
        return "season", date(y, first, 1), last_day_of_month(ey, em)
    if m := _YEARISH.match(value):
        digits = m[1]
        if len(digits) == 4:
            y = int(digits)
            return "year", date(y, 1, 1), date(y, 12, 31)
        if len(digits) == 3:
            y = int(digits) * 10
            return "decade", date(max(y, 1), 1, 1), date(y + 9, 12, 31)
        y = int(digits) * 100
        return "century", date(max(y, 1), 1, 1), date(y + 99, 12, 31)
    return "unknown", None, None
