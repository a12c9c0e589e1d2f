"""Spans of TIMEX3 values, ISO weeks, weekends, Easter and number words."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from ingest.temporal import calendar as cal
from ingest.temporal.durations import duration_value
from ingest.temporal.numbers import parse_number, spoken_year

D = datetime.date


@pytest.mark.parametrize(
    ("value", "granularity", "start", "end"),
    [
        ("2025-04-18", "day", D(2025, 4, 18), D(2025, 4, 18)),
        ("2025-04-21T18:00", "time", D(2025, 4, 21), D(2025, 4, 21)),
        ("2025-04-21TMO", "time", D(2025, 4, 21), D(2025, 4, 21)),
        ("2025-W17", "week", D(2025, 4, 21), D(2025, 4, 27)),
        ("2025-W16-WE", "weekend", D(2025, 4, 19), D(2025, 4, 20)),
        ("2025-04", "month", D(2025, 4, 1), D(2025, 4, 30)),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
        ("2022-02", "month", D(2022, 2, 1), D(2022, 2, 28)),
        ("1998-Q3", "quarter", D(1998, 7, 1), D(1998, 9, 30)),
        ("1998-H2", "quarter", D(1998, 7, 1), D(1998, 12, 31)),
        ("1998-SU", "season", D(1998, 6, 1), D(1998, 8, 31)),
        ("1998-WI", "season", D(1998, 12, 1), D(1999, 2, 28)),
        ("2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        ("199", "decade", D(1990, 1, 1), D(1999, 12, 31)),
        ("19", "century", D(1900, 1, 1), D(1999, 12, 31)),
        ("PRESENT_REF", "ref", None, None),
        ("XXXX-WXX-3", "unknown", None, None),
        ("2025-02-30", "unknown", None, None),
    ],
)
def test_value_span(value: str, granularity: str, start: D | None, end: D | None) -> None:
    assert cal.value_span(value) == (granularity, start, end)


def test_weekends() -> None:
    monday, saturday, sunday = D(2025, 4, 21), D(2025, 4, 19), D(2025, 4, 20)
    assert cal.weekend_of(monday, -1) == saturday
    assert cal.weekend_of(monday, 0) == D(2025, 4, 26)
    assert cal.weekend_of(sunday, 0) == saturday
    assert cal.weekend_of(sunday, -1) == D(2025, 4, 12)
    assert cal.weekend_value(saturday) == "2025-W16-WE"


def test_easter_and_nth_weekday() -> None:
    assert cal.easter_date(2025) == D(2025, 4, 20)
    assert cal.easter_date(2024, orthodox=True) == D(2024, 5, 5)
    assert cal.nth_weekday(2024, 11, 4, 4) == D(2024, 11, 28)  # Thanksgiving
    assert cal.nth_weekday(2025, 5, 1, -1) == D(2025, 5, 26)  # Memorial Day


def test_iso_week_at_year_boundary() -> None:
    assert cal.week_value(D(2024, 12, 30)) == "2025-W01"
    assert cal.week_value(D(2021, 1, 3)) == "2020-W53"


@pytest.mark.parametrize(
    ("text", "value"),
    [("30", 30), ("twenty four", 24), ("twenty-four", 24), ("a couple of", 2),
     ("2 1/2", Fraction(5, 2)), ("one hundred", 100), ("two thousand", 2000), ("a", 1)],
)  # fmt: skip
def test_parse_number(text: str, value: Fraction) -> None:
    assert parse_number(text) == value


def test_vague_numbers_and_spoken_years() -> None:
    assert parse_number("several") is None
    assert spoken_year("nineteen ninety-six") == 1996
    assert spoken_year("two thousand") == 2000


@pytest.mark.parametrize(
    ("count", "unit", "value"),
    [(Fraction(30), "hour", "PT30H"), (Fraction(30), "day", "P30D"), (Fraction(3), "months",
     "P3M"), (None, "years", "PXY"), (Fraction(5, 2), "years", "P2Y6M"), (Fraction(2),
     "decades", "P20Y"), (Fraction(3, 2), "hours", "PT1H30M"), (Fraction(2), "weeks", "P2W")],
)  # fmt: skip
def test_duration_values(count: Fraction | None, unit: str, value: str) -> None:
    assert duration_value(count, unit) == value


@pytest.mark.parametrize(
    ("islamic", "gregorian"),
    [
        # first of Ramadan, as observed in Saudi Arabia (tabular and observed agree here)
        ((1444, 9, 1), D(2023, 3, 23)),
        ((1445, 9, 1), D(2024, 3, 11)),
        ((1446, 9, 1), D(2025, 3, 1)),
        ((1447, 9, 1), D(2026, 2, 18)),
        # Eid al-Fitr 1445 (observed 2024-04-10); Eid al-Adha 1446 (observed 2025-06-06: the
        # tabular calendar is a day late, its stated accuracy)
        ((1445, 10, 1), D(2024, 4, 10)),
        ((1446, 12, 10), D(2025, 6, 7)),
        # the civil epoch: 1 Muharram AH 1 = 16 July 622 Julian = 19 July 622 Gregorian
        ((1, 1, 1), D(622, 7, 19)),
    ],
)
def test_islamic_to_date(islamic: tuple[int, int, int], gregorian: D) -> None:
    assert cal.islamic_to_date(*islamic) == gregorian


def test_islamic_years_have_354_or_355_days_and_11_leap_years_in_30() -> None:
    lengths = [
        (cal.islamic_to_date(y + 1, 1, 1) - cal.islamic_to_date(y, 1, 1)).days
        for y in range(1411, 1441)
    ]
    assert set(lengths) == {354, 355} and lengths.count(355) == 11


def test_islamic_years_around_cover_every_gregorian_year() -> None:
    for year in (623, 1000, 1998, 2025, 2030, 2100):  # AH 1 began after Ramadan 622
        ramadans = [cal.islamic_to_date(h, 9, 1) for h in cal.islamic_years_around(year)]
        assert any(d.year == year for d in ramadans)
