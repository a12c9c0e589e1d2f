"""One row per expression shape: text, DCT, the phrase to look at, expected type and value."""

from __future__ import annotations

import datetime

import pytest

from ingest.temporal import Timex, tag

MON = datetime.date(2025, 4, 21)  # a Monday
WSJ = datetime.date(1989, 11, 2)  # a Thursday in the fourth quarter
JAN = datetime.date(1998, 1, 8)  # a Thursday early in the year


def only(text: str, dct: datetime.date | None, phrase: str) -> Timex:
    """The timex overlapping `phrase`."""
    begin = text.index(phrase)
    end = begin + len(phrase)
    hits = [t for t in tag(text, dct) if t.begin < end and t.end > begin]
    assert len(hits) == 1, f"{phrase!r}: {hits}"
    return hits[0]


CASES = [
    # absolute and partial dates
    ("It happened on April 21, 2025.", MON, "April 21, 2025", "DATE", "2025-04-21"),
    ("They met on 21 April in Paris.", MON, "21 April", "DATE", "2025-04-21"),
    ("The deal was signed Feb. 3 in Riyadh.", MON, "Feb. 3", "DATE", "2025-02-03"),
    ("The invasion of February 2022 changed it.", MON, "February 2022", "DATE", "2022-02"),
    ("Prices collapsed in 1998.", MON, "1998", "DATE", "1998"),
    ("That was common in the 1990s.", MON, "the 1990s", "DATE", "199"),
    ("The talks resume in mid-March.", MON, "mid-March", "DATE", "2025-03"),
    ("A vote is planned early next month.", MON, "early next month", "DATE", "2025-05"),
    ("Profit rose in the third quarter.", WSJ, "the third quarter", "DATE", "1989-Q3"),
    ("It posted a third-quarter loss.", WSJ, "third-quarter", "DATE", "1989-Q3"),
    ("Sales for the fourth quarter fell.", JAN, "the fourth quarter", "DATE", "1997-Q4"),
    ("In fiscal 1998 it earned $5 million.", JAN, "fiscal 1998", "DATE", "1998"),
    ("Crowds grew this summer.", datetime.date(1998, 7, 2), "this summer", "DATE", "1998-SU"),
    ("Jobs grew last fall.", JAN, "last fall", "DATE", "1997-FA"),
    ("Australia has been independent since 1901.", JAN, "1901", "DATE", "1901"),
    ("She is a 20th century democrat.", JAN, "20th century", "DATE", "19"),
    ("That happened in nineteen ninety-six.", JAN, "nineteen ninety-six", "DATE", "1996"),
    ("It was set for Saturday, April 25.", datetime.date(1998, 4, 24), "Saturday, April 25",
     "DATE", "1998-04-25"),
    # relative to the DCT
    ("Officials said today that talks went on.", MON, "today", "DATE", "2025-04-21"),
    ("Officials said yesterday that talks went on.", MON, "yesterday", "DATE", "2025-04-20"),
    ("The minister will fly to Kyiv tomorrow.", MON, "tomorrow", "DATE", "2025-04-22"),
    ("Putin said on Friday that he was ready.", MON, "Friday", "DATE", "2025-04-18"),
    ("Putin said on Monday that he was ready.", MON, "Monday", "DATE", "2025-04-21"),
    ("The team will travel to London on Wednesday.", MON, "Wednesday", "DATE", "2025-04-23"),
    ("They met last week in Riyadh.", MON, "last week", "DATE", "2025-W16"),
    ("They meet this week in Riyadh.", MON, "this week", "DATE", "2025-W17"),
    ("They will meet next month.", MON, "next month", "DATE", "2025-05"),
    ("Fighting continued over the weekend.", MON, "the weekend", "DATE", "2025-W16-WE"),
    ("The attack came two days ago.", MON, "two days ago", "DATE", "2025-04-19"),
    ("The plant will reopen in three weeks.", MON, "three weeks", "DATE", "2025-W20"),
    ("Prices rose earlier this year.", MON, "earlier this year", "DATE", "2025"),
    ("Stocks plunged in the past three months.", MON, "the past three months", "DURATION",
     "P3M"),
    ("Prices are now lower.", MON, "now", "DATE", "PRESENT_REF"),
    ("The firm recently cut jobs.", MON, "recently", "DATE", "PAST_REF"),
    ("It currently employs 300.", MON, "currently", "DATE", "PRESENT_REF"),
    ("Nobody knows what the future holds.", MON, "the future", "DATE", "FUTURE_REF"),
    ("Net income rose from a year ago.", JAN, "a year ago", "DATE", "1997"),
    ("Sales rose 5% last year.", JAN, "last year", "DATE", "1997"),
    # durations and sets
    ("A 30-hour truce ended.", MON, "30-hour", "DURATION", "PT30H"),
    ("He called for a 30-day ceasefire.", MON, "30-day", "DURATION", "P30D"),
    ("After ten years of boom, they worry.", MON, "ten years", "DURATION", "P10Y"),
    ("Refugees lived there for 2 1/2 years.", MON, "2 1/2 years", "DURATION", "P2Y6M"),
    ("The talks lasted more than four hours.", MON, "more than four hours", "DURATION", "PT4H"),
    ("Inspectors visit every week.", MON, "every week", "SET", "P1W"),
    ("The paper is published daily.", MON, "daily", "SET", "P1D"),
    ("Flights leave each Thursday.", MON, "each Thursday", "SET", "XXXX-WXX-4"),
    ("The board meets twice a month.", MON, "twice a month", "SET", "P1M"),
    # holidays
    ("A truce was declared for Easter.", MON, "Easter", "DATE", "2025-04-20"),
    ("Orthodox Easter falls late.", datetime.date(2024, 4, 1), "Orthodox Easter", "DATE",
     "2024-05-05"),
    ("Shops open on Christmas Eve.", datetime.date(2024, 12, 1), "Christmas Eve", "DATE",
     "2024-12-24"),
    ("Sales rose over Christmas.", datetime.date(2025, 1, 8), "Christmas", "DATE", "2024-12-25"),
    ("The speech is on New Year's Day.", datetime.date(2024, 12, 20), "New Year's Day", "DATE",
     "2025-01-01"),
    ("Stores close on Thanksgiving.", datetime.date(2024, 11, 1), "Thanksgiving", "DATE",
     "2024-11-28"),
    ("Markets shut on Good Friday.", MON, "Good Friday", "DATE", "2025-04-18"),
    # times of day
    ("The truce starts at 6 p.m. Moscow time.", MON, "6 p.m. Moscow time", "TIME",
     "2025-04-21T18:00"),
    ("The ceasefire ends at midnight.", MON, "midnight", "TIME", "2025-04-21T24:00"),
    ("Talks began this morning.", MON, "this morning", "TIME", "2025-04-21TMO"),
    ("He will speak tonight.", MON, "tonight", "TIME", "2025-04-21TNI"),
    ("Shots were heard last night.", MON, "last night", "TIME", "2025-04-20TNI"),
    ("The store was robbed at 10 p.m. Wednesday.", datetime.date(1998, 2, 13),
     "10 p.m. Wednesday", "TIME", "1998-02-11T22:00"),
    ("Negotiations broke off at noon Thursday.", datetime.date(1998, 2, 13), "noon Thursday",
     "TIME", "1998-02-12T12:00"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "dct", "phrase", "type_", "value"), CASES)
def test_expression(text: str, dct: datetime.date, phrase: str, type_: str, value: str) -> None:
    t = only(text, dct, phrase)
    assert (t.type, t.value) == (type_, value), t


def test_mods() -> None:
    assert only("It resumes in mid-March.", MON, "mid-March").mod == "MID"
    assert only("A vote is planned early next month.", MON, "early next month").mod == "START"
    assert only("The talks lasted nearly two years.", MON, "nearly two years").mod == "LESS_THAN"


def test_not_time_expressions() -> None:
    text = (
        "The war has now entered its fourth year. Theresa May may speak. A 52-year-old man "
        "and a 30-year-old woman paid $2 million a year for a second term."
    )
    found = {t.text for t in tag(text, MON)}
    assert "fourth year" not in found and "its fourth year" not in found
    assert "May" not in found and "may" not in found
    assert not any("old" in f or f == "a year" or f == "a second" for f in found), found


def test_no_dct_keeps_relative_expressions_unresolved() -> None:
    text = "Putin said on Friday that talks held last week and yesterday in February 2022 failed."
    by_text = {t.text: t for t in tag(text, None)}
    assert by_text["Friday"].value == "XXXX-WXX-5"
    assert by_text["last week"].value == "XXXX-WXX"
    assert by_text["yesterday"].value == "XXXX-XX-XX"
    for key in ("Friday", "last week", "yesterday"):
        assert by_text[key].span_start is None and by_text[key].span_end is None
        assert by_text[key].granularity == "unknown"
    feb = by_text["February 2022"]
    assert (feb.value, feb.span_start, feb.span_end) == (
        "2022-02",
        datetime.date(2022, 2, 1),
        datetime.date(2022, 2, 28),
    )


def test_present_ref_spans_the_dct() -> None:
    t = only("Prices are now lower.", MON, "now")
    assert (t.granularity, t.span_start, t.span_end) == ("ref", MON, MON)


def test_quarter_anaphora() -> None:
    text = (
        "Citadel posted a third-quarter net loss of $2.3 million, compared with income of "
        "$5.3 million a year earlier. In the latest quarter, costs rose."
    )
    assert only(text, WSJ, "a year earlier").value == "1988-Q3"
    assert only(text, WSJ, "the latest quarter").value == "1989-Q3"


@pytest.mark.parametrize(
    "dct", [None, datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(2024, 2, 29)]
)
def test_edge_dcts_never_raise(dct: datetime.date | None) -> None:
    text = "Dec. 31 next year, Feb. 30, two days ago, last week, Easter, the 1990s and now."
    for t in tag(text, dct):
        assert text[t.begin : t.end] == t.text


def test_to_before_a_name_is_no_future_cue() -> None:
    """ "deported to Australia in February" is past: "to" + a capitalised name is a place."""
    from datetime import date

    from ingest.temporal import tag

    (t,) = tag("Greste was deported to Australia in February.", date(2015, 8, 30))
    assert t.value == "2015-02"
    (t,) = tag("Ministers agreed to meet in February.", date(2015, 8, 30))
    assert t.value == "2016-02"


def test_clock_time_then_day_is_one_time_on_that_day() -> None:
    from datetime import date

    from ingest.temporal import tag

    (t,) = tag("Talks broke off around 9 o'clock last night.", date(2010, 6, 25))
    assert (t.type, t.value, t.span_start) == ("TIME", "2010-06-24T21:00", date(2010, 6, 24))
    (t,) = tag("He left at 10 a.m. yesterday.", date(2010, 6, 25))
    assert t.value == "2010-06-24T10:00"


def test_a_phrase_after_following_has_its_own_tense() -> None:
    """The participle in "following a truce declared over the weekend" dates the weekend,
    however near a "would" or "will" stands before it."""
    from datetime import date

    from ingest.temporal import tag

    dct = date(2025, 4, 21)
    text = "He will travel to London on Wednesday, after the truce declared over the weekend."
    assert [t.value for t in tag(text, dct)] == ["2025-04-23", "2025-W16-WE"]
    assert tag("They will meet after the summit on Friday.", dct)[0].value == "2025-04-25"


def test_an_after_phrase_shares_the_tense_of_its_finite_verb() -> None:
    """ "pledged not to give up ... after flying to the city Thursday afternoon": the flight
    is the Thursday before a Friday report; the infinitive and the noun "hope" look ahead of
    nothing here."""
    from datetime import date

    from ingest.temporal import tag

    text = (
        "The premier pledged not to give up while there is hope after flying to the city "
        "from the capital Thursday afternoon."
    )
    (t,) = tag(text, date(2010, 4, 16))
    assert t.span_start == date(2010, 4, 15)
    (t,) = tag("They will meet after flying in on Thursday.", date(2010, 4, 16))
    assert t.span_start == date(2010, 4, 22)
