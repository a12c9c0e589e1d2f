"""Rules added for held-out news: anchors other than the DCT, present-tense plans.

Each case is a made-up sentence with a fixed DCT; the comment names the general rule.
"""

from __future__ import annotations

import datetime

import pytest

from ingest.temporal import Timex, tag

WSJ = datetime.date(1989, 11, 2)  # a Thursday in the fourth quarter
FRI = datetime.date(1998, 5, 1)  # a Friday


def only(text: str, dct: datetime.date | None, phrase: str, nth: int = 0) -> Timex:
    """The timex overlapping the nth occurrence of `phrase`."""
    begin = -1
    for _ in range(nth + 1):
        begin = text.index(phrase, begin + 1)
    end = begin + len(phrase)
    hits = [t for t in tag(text, dct) if t.begin < end and t.end > begin]
    assert len(hits) == 1, f"{phrase!r}: {hits}"
    return hits[0]


# --- "a year earlier" compares the reporting period the text is on ----------------------------


def test_year_earlier_after_nine_months_is_the_year() -> None:
    text = (
        "Profit rose in the third quarter to $5 million from $4 million a year earlier. "
        "For the nine months, net fell to $9 million from $12 million a year earlier."
    )
    assert only(text, WSJ, "a year earlier", 0).value == "1988-Q3"
    assert only(text, WSJ, "a year earlier", 1).value == "1988"


def test_year_earlier_adjective_after_first_six_months() -> None:
    text = (
        "Third-quarter sales rose 5%. In the first six months, the company lost $3 million, "
        "compared with year-earlier net income of $2 million."
    )
    assert only(text, WSJ, "year-earlier").value == "1988"


def test_quarter_named_again_after_nine_months_is_the_topic_again() -> None:
    text = (
        "For the nine months, net fell. In the third quarter, revenue rose 4% from a year earlier."
    )
    assert only(text, WSJ, "a year earlier").value == "1988-Q3"


# --- "the following month", "the previous day": from the date the text last named -------------


def test_following_month_counts_from_the_month_named_before() -> None:
    text = (
        "In March, the company received an offer. The following month, it put itself up for sale."
    )
    assert only(text, WSJ, "The following month").value == "1989-04"


def test_previous_and_next_day_count_from_the_day_named_before() -> None:
    text = "The rebels seized the town on Jan. 12, 1997. Troops arrived the next day."
    assert only(text, WSJ, "the next day").value == "1997-01-13"
    text = "The rebels seized the town on Jan. 12, 1997; the mayor had fled the previous day."
    assert only(text, WSJ, "the previous day").value == "1997-01-11"
    # each anaphor becomes the reference of the next one, as in a narrative
    text = "Talks began on March 3, 1997. They broke off the next day and resumed the next day."
    assert only(text, WSJ, "the next day", 1).value == "1997-03-05"


def test_that_day_is_the_day_named_before() -> None:
    text = "Stocks fell on Oct. 13, 1989. Many funds sold shares that day."
    assert only(text, WSJ, "that day").value == "1989-10-13"


def test_previous_weekday_counts_from_the_day_named_before() -> None:
    text = "The index closed at 2082 on Oct. 27, 1989, down 4.5% from the previous Friday."
    assert only(text, WSJ, "the previous Friday").value == "1989-10-20"


def test_following_month_without_an_earlier_date_falls_back_to_the_dct() -> None:
    assert only("It plans a sale the following month.", WSJ, "the following month").value == (
        "1989-12"
    )


def test_next_week_still_counts_from_the_dct() -> None:
    text = "The rebels seized the town on Jan. 12, 1997. Talks resume next week."
    assert only(text, WSJ, "next week").value == "1989-W45"


# --- present tense of a scheduled event looks forward ------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        # plural present: "meet", friday DCT -> the coming Monday
        ("He and Arafat meet separately Monday with Albright.", "Monday", "1998-05-04"),
        ("The committee meets Tuesday to vote on the bill.", "Tuesday", "1998-05-05"),
        ("The offer expires Friday at midnight.", "Friday at midnight", "1998-05-01T24:00"),
        ("The tender offer expires May 15.", "May 15", "1998-05-15"),
        ("The payment is due Wednesday.", "Wednesday", "1998-05-06"),
        ("Parliament reconvenes in June after the recess.", "June", "1998-06"),
        # past tense still wins, and "due to" is not a plan
        ("The committee met Tuesday to vote on the bill.", "Tuesday", "1998-04-28"),
        ("Trading halted Tuesday due to a power failure.", "Tuesday", "1998-04-28"),
        # a plan verb after "to" or a determiner is an infinitive or a noun, not a tense
        ("They agreed Tuesday to the start of talks.", "Tuesday", "1998-04-28"),
    ],
)
def test_present_tense_plans_look_forward(text: str, phrase: str, value: str) -> None:
    assert only(text, FRI, phrase).value == value


# --- Islamic holidays on the tabular calendar --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dct", "phrase", "value"),
    [
        ("Fighting eased during Ramadan.", datetime.date(2025, 3, 10), "Ramadan", "2025-03-01"),
        ("Fighting eased during Ramadan.", datetime.date(2025, 5, 10), "Ramadan", "2025-03-01"),
        ("A truce will hold for Ramadan.", datetime.date(2025, 10, 1), "Ramadan", "2026-02-18"),
        ("A truce held for Ramadan.", datetime.date(2025, 7, 1), "Ramadan", "2025-03-01"),
        ("Shops close for Eid al-Fitr.", datetime.date(2025, 3, 20), "Eid al-Fitr", "2025-03-31"),
        ("They met before Eid ul-Adha.", datetime.date(2024, 6, 20), "Eid ul-Adha", "2024-06-17"),
        ("It was Ramadan 2030.", datetime.date(2025, 1, 1), "Ramadan 2030", "2030-01-06"),
        ("Ramadan began.", None, "Ramadan", "XXXX-XX-XX"),
    ],
)
def test_islamic_holidays(text: str, dct: datetime.date | None, phrase: str, value: str) -> None:
    assert only(text, dct, phrase).value == value


def test_ramadan_spans_the_lunar_month() -> None:
    t = only("Fighting eased during Ramadan.", datetime.date(2025, 3, 10), "Ramadan")
    assert (t.granularity, t.span_start, t.span_end) == (
        "month",
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 30),
    )
    eid = only("Shops close for Eid al-Fitr.", datetime.date(2025, 3, 20), "Eid al-Fitr")
    assert (eid.granularity, eid.span_start, eid.span_end) == ("day", eid.span_start, eid.span_end)
    assert eid.span_start == datetime.date(2025, 3, 31) == eid.span_end


# --- yearless dates in the DCT's own year; "the last half of 1989" ---------------------------


@pytest.mark.parametrize(
    ("text", "dct", "phrase", "value"),
    [
        # past tense reaches back to January of the DCT's year (news omits the current year)
        ("In the fiscal year ended Jan. 31, sales rose.", datetime.date(1989, 10, 31), "Jan. 31",
         "1989-01-31"),
        # ...but not into an earlier year beyond the reach: the nearest occurrence then
        ("It said it is calling the notes for redemption on Dec. 7.", datetime.date(1989, 10, 30),
         "Dec. 7", "1989-12-07"),
        ("Earnings will fall in the last half of 1989.", WSJ, "the last half of 1989", "1989-H2"),
    ],
)  # fmt: skip
def test_yearless_dates_and_halves(text: str, dct: datetime.date, phrase: str, value: str) -> None:
    assert only(text, dct, phrase).value == value


def test_last_half_without_a_year_is_not_a_date() -> None:
    assert not [t for t in tag("He scored twice in the last half.", WSJ) if "half" in t.text]


# --- "earlier" counts from the narrated time, "ago" from the DCT -----------------------------

MAR14 = datetime.date(2013, 3, 14)  # a Thursday


def test_earlier_counts_from_the_day_named_before() -> None:
    text = "The truce began on March 3. A week earlier, rebels had shelled the town."
    assert only(text, MAR14, "A week earlier").value == "2013-02-24"
    text = "The plant closed in June 2011. Three months earlier, it had cut jobs."
    assert only(text, MAR14, "Three months earlier").value == "2011-03"


def test_ago_still_counts_from_the_dct() -> None:
    text = "The truce began on March 3. A week ago, rebels shelled the town."
    assert only(text, MAR14, "A week ago").value == "2013-03-07"


def test_earlier_without_an_earlier_date_counts_from_the_dct() -> None:
    assert only("Two days earlier, he had fled.", MAR14, "Two days earlier").value == ("2013-03-12")


# --- a day followed by "at" and a clock time is one TIME -----------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("He spoke on Tuesday at 5 p.m. in Cairo.", "Tuesday at 5 p.m.", "2013-03-12T17:00"),
        ("The vote is due Friday at noon.", "Friday at noon", "2013-03-15T12:00"),
        ("Markets open tomorrow at 9:30 a.m. ET.", "tomorrow at 9:30 a.m. ET", "2013-03-15T09:30"),
        ("It began March 3 at 6 a.m. local time.", "March 3 at 6 a.m. local time",
         "2013-03-03T06:00"),
        ("Polls open at 8 a.m. ET Friday.", "8 a.m. ET Friday", "2013-03-15T08:00"),
    ],
)  # fmt: skip
def test_day_at_clock(text: str, phrase: str, value: str) -> None:
    t = only(text, MAR14, phrase)
    assert (t.text, t.type, t.value) == (phrase, "TIME", value)


@pytest.mark.parametrize(
    ("text", "dct", "phrase", "value"),
    [
        ("On April 5 last year, the siege began.", MAR14, "April 5 last year", "2012-04-05"),
        ("The plant reopens Jan. 2 next year.", MAR14, "Jan. 2 next year", "2014-01-02"),
        ("On April 5 last year, the siege began.", None, "April 5 last year", "XXXX-04-05"),
    ],
)
def test_month_day_with_relative_year(
    text: str, dct: datetime.date | None, phrase: str, value: str
) -> None:
    t = only(text, dct, phrase)
    assert (t.text, t.value) == (phrase, value)


def test_a_sentence_ending_in_a_number_ends_the_clause() -> None:
    # "until April 2" must not lend its forward look to the next sentence's "Sunday"
    text = "The court adjourned until April 2. On Sunday, voters went to the polls."
    assert only(text, MAR14, "Sunday").value == "2013-03-10"


def test_starts_and_go_are_plans_before_a_day() -> None:
    assert only("A two-week ceasefire starts Monday.", MAR14, "Monday").value == "2013-03-18"
    assert only("Voters go to the polls Sunday.", MAR14, "Sunday").value == "2013-03-17"


def test_today_in_a_name_is_not_a_date() -> None:
    text = "He told USA Today that the talks failed. This is VOA Today. Today, it rained."
    found = [t.text for t in tag(text, MAR14)]
    assert found == ["Today"] and only(text, MAR14, "Today, it").value == "2013-03-14"


@pytest.mark.parametrize(
    ("text", "phrase", "type_", "value"),
    [
        ("Islam will one day be the second largest religion.", "one day", "DATE", "FUTURE_REF"),
        ("He hopes he one day follows his father.", "one day", "DATE", "FUTURE_REF"),
        ("The strike lasted one day.", "one day", "DURATION", "P1D"),
        ("After one day of talks, they left.", "one day", "DURATION", "P1D"),
    ],
)
def test_one_day_adverb(text: str, phrase: str, type_: str, value: str) -> None:
    t = only(text, MAR14, phrase)
    assert (t.type, t.value) == (type_, value)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("In Saudi Arabia, today is the eighth day of the operation.", "the eighth day"),
        ("It's the second day of an offensive by the police.", "the second day"),
        ("Today marks the 100th day of the strike.", "the 100th day"),
    ],
)
def test_nth_day_in_the_present_is_the_dct(text: str, phrase: str) -> None:
    t = only(text, MAR14, phrase)
    assert (t.text, t.value) == (phrase, "2013-03-14")


def test_nth_day_in_the_past_is_not_the_dct() -> None:
    found = [t for t in tag("It was the third day of protests.", MAR14) if "day" in t.text]
    assert all(t.value != "2013-03-14" for t in found)


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Bids must be submitted by Friday.", "Friday", "2013-03-15"),
        ("The rebels must leave before Monday.", "Monday", "2013-03-18"),
        ("Bids must be submitted by March 22.", "March 22", "2013-03-22"),
        # a past tense in the clause still wins
        ("Most bids had arrived by Tuesday.", "Tuesday", "2013-03-12"),
        # a possessive day names a thing that happened: "before Friday's purchases"
        ("Its share of 7% before Friday's purchases is small.", "Friday", "2013-03-08"),
    ],
)
def test_deadline_without_tense_cue_looks_forward(text: str, phrase: str, value: str) -> None:
    assert only(text, MAR14, phrase).value == value
