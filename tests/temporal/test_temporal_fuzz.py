"""The tagger never raises, whatever the words and however far the DCT is from today: one bad
article must not stop a batch (dates next to year 1 or 9999 once overflowed)."""

from __future__ import annotations

import datetime
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.temporal import ReferenceTime, tag

WORDS = (
    'Q3 3Q 2024 H1 the next day night before after " “ ” Monday Mondays March for Our Lives '
    "60 Minutes High Noon called Orion 1980 ABC fall of Saigon last week past decade 10 p.m. "
    "that morning , . ; Today today year-end annually per second 8.5% quarterly would not say "
    "said has to gathered agreed in on at 12 to 18 months will last weeks weekends Election Day "
    "Black Friday 9999 0001 two days ago next year a year earlier following month previous "
    "Friday Easter Ramadan this weekend the 1990s century quarter half"
).split()
DCTS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            datetime.date(1, 1, 1),
            datetime.date(1, 1, 7),
            datetime.date(9999, 12, 25),
            datetime.date(9999, 12, 31),
        ]
    ),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25), DCTS)
def test_tag_never_raises_and_extents_are_the_text(
    words: list[str], dct: datetime.date | None
) -> None:
    text = " ".join(words)
    found = tag(text, dct)
    for t in found:
        assert text[t.begin : t.end] == t.text
    assert all(a.end <= b.begin for a, b in itertools.pairwise(found))
    ReferenceTime.from_timexes(found, dct).at(len(text), past_only=True)


def test_a_week_running_past_year_9999_has_no_span() -> None:
    # ISO week 9999-W52 ends on 10000-01-02, which datetime cannot hold.
    [week] = tag("Talks resume this week.", datetime.date(9999, 12, 31))
    assert week.value == "9999-W52" and week.span_start is None
    ref = ReferenceTime(None)
    ref.observe(0, "DATE", "9999-W52")
    assert ref.current is None
