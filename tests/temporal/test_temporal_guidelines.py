"""Readings the TimeML guidelines (and TIDES 2005, which they follow for values) ask for where
a tagger tuned on one corpus tends to go wrong. Each case: text, DCT, phrase, expected
(type, value), or None when the phrase must stay untagged."""

from __future__ import annotations

import datetime

import pytest

from ingest.temporal import tag

SAT = datetime.date(2018, 4, 7)  # a Saturday
THU = datetime.date(1989, 11, 2)

CASES = [
    # DURATION vs DATE: the stretch up to / from now is a duration; the calendar unit a date.
    ("Sales rose over the past decade.", SAT, "the past decade", ("DURATION", "P10Y")),
    ("Prices fell over the last week.", SAT, "the last week", ("DURATION", "P1W")),
    ("Prices fell last week.", SAT, "last week", ("DATE", "2018-W13")),
    ("Rates will rise in the coming year.", SAT, "the coming year", ("DURATION", "P1Y")),
    ("He won in 1990 and retired the next year.", SAT, "the next year", ("DATE", "1991")),
    ("It happened in the last week of March.", SAT, "the last week", ("DATE", "2018-W13")),
    ("Talks will last 12 to 18 months.", SAT, "12 to 18 months", ("DURATION", "PXM")),
    ("Prices rose over the years.", SAT, "the years", ("DURATION", "PXY")),
    ("Eight years from now we will know.", SAT, "Eight years from now", ("DATE", "2026")),
    ("The deal should close by year-end.", THU, "year-end", ("DATE", "1989")),
    # SETs, and rates or speeds that are measures instead
    ("The fee is paid annually.", SAT, "annually", ("SET", "P1Y")),
    ("Dividends are paid quarterly.", SAT, "quarterly", ("SET", "P3M")),
    ("Sales should rise 8.5% annually.", SAT, "annually", None),
    ("It runs 15 million instructions per second.", SAT, "per second", None),
    ("Inspectors visit every Monday.", SAT, "every Monday", ("SET", "XXXX-WXX-1")),
    # granularity and named days
    ("Revenue in Q3 2024 rose.", SAT, "Q3 2024", ("DATE", "2024-Q3")),
    ("Its H1 2025 results were weak.", SAT, "H1 2025", ("DATE", "2025-H1")),
    ("The attack came Wednesday night.", SAT, "Wednesday night", ("TIME", "2018-04-04TNI")),
    ("Shops opened early on Black Friday.", SAT, "Black Friday", ("DATE", "2017-11-24")),
    # vague words in uses that are not times
    ("It is important to the future of our peoples.", SAT, "the future", None),
    ("He was killed soon after being captured.", SAT, "soon", None),
    ("A venture called Orion 1980 makes parts.", SAT, "1980", None),
    ("It recalled the fall of Saigon.", SAT, "fall", None),
    ("Prices fell in the fall of 1998.", SAT, "the fall of 1998", ("DATE", "1998-FA")),
    ("Shops are closed on Sundays.", SAT, "Sundays", ("SET", "XXXX-WXX-7")),
    ("Prices will rise soon.", SAT, "soon", ("DATE", "FUTURE_REF")),
    # the governing verb's tense decides the direction
    ("The company, which will report next week, said Friday it won.", SAT, "Friday",
     ("DATE", "2018-04-06")),
    ("Officials would not say Friday whether talks failed.", SAT, "Friday",
     ("DATE", "2018-04-06")),
    ("The firm has no estimate of fourth-quarter results.", THU, "fourth-quarter",
     ("DATE", "1989-Q4")),
    ("He will travel to London, accompanied by aides, on Wednesday.", SAT, "Wednesday",
     ("DATE", "2018-04-11")),
    ("Protesters gathered to demand his release on Friday.", SAT, "Friday",
     ("DATE", "2018-04-06")),  # a purpose infinitive shares its past verb's time
    ("The two sides agreed to meet on Wednesday.", SAT, "Wednesday", ("DATE", "2018-04-11")),
    ("The talks are supposed to conclude by May.", SAT, "May", ("DATE", "2018-05")),
]  # fmt: skip


@pytest.mark.parametrize(("text", "dct", "phrase", "expected"), CASES)
def test_guideline_reading(
    text: str, dct: datetime.date, phrase: str, expected: tuple[str, str] | None
) -> None:
    begin = text.index(phrase)
    end = begin + len(phrase)
    hits = [t for t in tag(text, dct) if t.begin < end and t.end > begin]
    if expected is None:
        assert hits == []
    else:
        assert [(t.text, t.type, t.value) for t in hits] == [(phrase, *expected)]
