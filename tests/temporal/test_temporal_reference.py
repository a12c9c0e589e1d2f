"""The narrative reference time: one tracker that the tagger and event dating share."""

from __future__ import annotations

import datetime

import pytest

from ingest.temporal import ReferenceTime, tag

SAT = datetime.date(2018, 4, 7)  # a Saturday
STORY = (
    "On March 3 the army attacked. At 10 p.m. rebels fired back. That day 20 died. "
    "The next morning they left. Officials said today that talks will start at 9 a.m."
)


def _value(text: str, phrase: str) -> str:
    begin = text.index(phrase)
    hits = [t for t in tag(text, SAT) if t.begin < begin + len(phrase) and t.end > begin]
    assert len(hits) == 1, hits
    return hits[0].value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("10 p.m.", "2018-03-03T22:00"),  # a bare clock time falls on the narrated day
        ("That day", "2018-03-03"),
        ("The next morning", "2018-03-04TMO"),
        ("9 a.m.", "2018-04-07T09:00"),  # "today" brought the story back to the DCT
    ],
)
def test_expressions_resolve_against_the_narrated_day(phrase: str, value: str) -> None:
    assert _value(STORY, phrase) == value


def test_a_future_clause_puts_a_bare_clock_on_the_dct_not_on_a_past_day() -> None:
    text = "On March 3 the army attacked. The next round of talks will begin at 9 a.m."
    assert _value(text, "9 a.m.") == "2018-04-07T09:00"


def test_replay_gives_the_anchor_in_force_at_any_offset() -> None:
    ref = ReferenceTime.from_timexes(tag(STORY, SAT), SAT)
    first = ref.at(0)
    assert first is not None and first.from_dct and first.start == SAT
    attacked = ref.at(STORY.index("attacked"))
    assert attacked is not None and attacked.day == datetime.date(2018, 3, 3)
    assert not attacked.from_dct and attacked.begin == STORY.index("March 3")
    left = ref.at(STORY.index("they left"))
    assert left is not None and left.day == datetime.date(2018, 3, 4)
    end = ref.at(len(STORY))
    assert end is not None and end.day == SAT and not end.from_dct


def test_months_anchor_without_a_day_and_years_do_not_move_it() -> None:
    ref = ReferenceTime(SAT)
    ref.observe(0, "DATE", "2018-02")
    anchor = ref.current
    assert anchor is not None and anchor.precision == "month" and anchor.day is None
    assert (anchor.start, anchor.end) == (datetime.date(2018, 2, 1), datetime.date(2018, 2, 28))
    assert ref.day() == SAT  # no day named: the DCT
    for type_, value in [("DATE", "2017"), ("DURATION", "P3D"), ("DATE", "PAST_REF"),
                         ("SET", "XXXX-WXX-1"), ("DATE", "XXXX-03-04")]:  # fmt: skip
        ref.observe(5, type_, value)
    assert ref.current == anchor


def test_no_dct_and_no_date_gives_no_anchor() -> None:
    ref = ReferenceTime(None)
    assert ref.at(10) is None and ref.current is None and ref.day() is None


def test_observations_out_of_text_order_are_refused() -> None:
    ref = ReferenceTime(SAT)
    ref.observe(50, "DATE", "2018-03-03")
    with pytest.raises(ValueError, match="text order"):
        ref.observe(10, "DATE", "2018-03-04")


def test_event_dating_view_skips_plans_and_coarse_anchors() -> None:
    text = "Rebels attacked on Thursday. Talks will resume on Monday. In May, more came."
    ref = ReferenceTime.from_timexes(tag(text, SAT), SAT)
    end = len(text)
    latest = ref.at(end)
    assert latest is not None and latest.precision == "month"  # "In May" (2018-05)
    happening = ref.at(end, past_only=True, precisions=("day", "week"))
    assert happening is not None and happening.day == datetime.date(2018, 4, 5)  # Thursday


def test_a_week_anchors_as_a_week_and_leaves_the_named_day_for_anaphora() -> None:
    ref = ReferenceTime(SAT)
    ref.observe(0, "DATE", "2018-03-03")
    ref.observe(10, "DATE", "2018-W13-WE")
    week = ref.at(20)
    assert week is not None and week.precision == "week"
    assert (week.start, week.end) == (datetime.date(2018, 3, 31), datetime.date(2018, 4, 1))
    assert ref.named_day == datetime.date(2018, 3, 3)


def test_skipped_expressions_leave_the_anchor_before_them_in_force() -> None:
    text = "Rebels attacked on Thursday. The minister had planned a visit on Friday. Then ..."
    ref = ReferenceTime.from_timexes(tag(text, SAT), SAT)
    end = len(text)
    plan = text.index("Friday")
    latest = ref.at(end, past_only=True)
    assert latest is not None and latest.begin == plan
    skipped = ref.at(end, past_only=True, skip={plan})
    assert skipped is not None and skipped.day == datetime.date(2018, 4, 5)  # Thursday
    only = ref.at(plan, skip={text.index("Thursday")})
    assert only is not None and only.from_dct  # nothing else named before: the DCT


def test_a_reading_inside_a_longer_one_does_not_move_the_narrative() -> None:
    # "Friday" alone (this week's, the DCT) is read inside "Last Friday" and loses to it: it
    # must not be the day that "the same day" counts from.
    fri = datetime.date(2018, 4, 13)  # a Friday: "Friday" alone would be the DCT
    text = "Last Friday, the president conceded defeat. Boko was declared winner the same day."
    assert [(t.text, t.value) for t in tag(text, fri)] == [
        ("Last Friday", "2018-04-06"),
        ("the same day", "2018-04-06"),
    ]
