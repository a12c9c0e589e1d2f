"""Time words inside names and titles are not time expressions (TimeML, after TIDES 2005)."""

from __future__ import annotations

import datetime

import pytest

from ingest.temporal import tag

DCT = datetime.date(2018, 4, 2)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Thousands joined the March for Our Lives in Washington.", "March"),
        ("Activists staged a March Against Monsanto in May.", "March"),
        ("He appeared on 60 Minutes and later starred in High Noon.", "60 Minutes"),
        ("He appeared on 60 Minutes and later starred in High Noon.", "Noon"),
        ('She watched "The Day After Tomorrow" with friends.', "The Day After Tomorrow"),
        ("She was a guest on Good Morning America last week.", "Morning"),
        ("Songs from the Summer of Love were played.", "Summer"),
        ("Pupils joined Fridays for Future in Berlin.", "Fridays"),
    ],
)
def test_time_words_in_names_are_not_tagged(text: str, name: str) -> None:
    begin = text.index(name)
    hits = [t for t in tag(text, DCT) if t.begin < begin + len(name) and t.end > begin]
    assert hits == []


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        ("Voters will go to the polls on Election Day.", "Election Day", "2018-11-06"),
        ("Minutes later, police arrived at noon.", "noon", "2018-04-02T12:00"),
        ('"We will meet on Friday," he said.', "Friday", "2018-04-06"),
        ("Clinton Tuesday signed the bill.", "Tuesday", "2018-03-27"),
        ("Stocks Fall Sharply On Monday Morning", "Monday Morning", "2018-04-02TMO"),
        ("In March for the first time, prices fell.", "March", "2018-03"),
        ("It was the summer of 1969.", "summer of 1969", "1969-SU"),
    ],
)
def test_ordinary_uses_stay_tagged(text: str, phrase: str, value: str) -> None:
    begin = text.index(phrase)
    hits = [t for t in tag(text, DCT) if t.begin < begin + len(phrase) and t.end > begin]
    assert [t.value for t in hits] == [value]
