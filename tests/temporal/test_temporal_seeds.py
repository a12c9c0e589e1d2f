"""The seed articles' time expressions (DCT Monday 2025-04-21) resolve as the design says."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from ingest.temporal import Timex, tag

DCT = datetime.date(2025, 4, 21)
SEEDS = Path("/work/shared/seeds")


def find(timexes: list[Timex], text: str, phrase: str, inner: str | None = None) -> Timex:
    """The timex overlapping `inner` (default: the phrase) at the phrase's first occurrence."""
    start = text.index(phrase)
    inner = inner or phrase
    begin = start + phrase.index(inner)
    end = begin + len(inner)
    hits = [t for t in timexes if t.begin < end and t.end > begin]
    assert hits, f"no timex for {inner!r} in {phrase!r}: {timexes}"
    return hits[0]


def d(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)


@pytest.mark.parametrize(
    ("sentence", "inner", "value", "start", "end"),
    [
        ("Russian President Vladimir Putin stated on Monday that Moscow is open", "Monday",
         "2025-04-21", "2025-04-21", "2025-04-21"),
        ("a unilateral 30-hour Easter truce declared over the weekend.", "the weekend",
         "2025-W16-WE", "2025-04-19", "2025-04-20"),
        ("On Friday, U.S. President Donald Trump and Secretary of State Marco Rubio cautioned",
         "Friday", "2025-04-18", "2025-04-18", "2025-04-18"),
        ("However, in remarks on Sunday, Trump struck a more optimistic tone", "Sunday",
         "2025-04-20", "2025-04-20", "2025-04-20"),
        ("suggesting that a deal could be reached “this week.”", "this week", "2025-W17",
         "2025-04-21", "2025-04-27"),
        ("a delegation from Kyiv will travel to London on Wednesday for talks", "Wednesday",
         "2025-04-23", "2025-04-23", "2025-04-23"),
        ("since the early weeks after Russia’s February 2022 invasion.", "February 2022",
         "2022-02", "2022-02-01", "2022-02-28"),
        ("following a unilateral 30-hour Easter truce", "Easter", "2025-04-20", "2025-04-20",
         "2025-04-20"),
    ],
)  # fmt: skip
def test_seed_dates(sentence: str, inner: str, value: str, start: str, end: str) -> None:
    t = find(tag(sentence, DCT), sentence, sentence, inner)
    assert (t.value, t.span_start, t.span_end) == (value, d(start), d(end))


@pytest.mark.parametrize(
    ("sentence", "inner", "value"),
    [
        ("a unilateral 30-hour Easter truce", "30-hour", "PT30H"),
        ("Zelenskiy had previously called for a 30-day ceasefire", "30-day", "P30D"),
    ],
)
def test_seed_durations(sentence: str, inner: str, value: str) -> None:
    t = find(tag(sentence, DCT), sentence, sentence, inner)
    assert (t.type, t.value, t.granularity) == ("DURATION", value, "duration")
    assert t.span_start is None and t.span_end is None


def test_fourth_year_is_not_a_date() -> None:
    text = "ending the ongoing conflict, which has now entered its fourth year."
    found = [t for t in tag(text, DCT) if "fourth" in t.text or "year" in t.text]
    assert all(t.type != "DATE" for t in found)


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not mounted")
def test_seed_files_resolve_expected_values() -> None:
    text = (SEEDS / "000_cb83dc8ea2603296.txt").read_text(encoding="utf-8")
    timexes = tag(text, DCT)
    assert find(timexes, text, "stated on Monday", "Monday").value == "2025-04-21"
    assert find(timexes, text, "over the weekend", "weekend").value == "2025-W16-WE"
    assert find(timexes, text, "On Friday", "Friday").value == "2025-04-18"
    assert find(timexes, text, "on Sunday", "Sunday").value == "2025-04-20"
    assert find(timexes, text, "this week", "this week").value == "2025-W17"
    assert find(timexes, text, "on Wednesday", "Wednesday").value == "2025-04-23"
    assert find(timexes, text, "30-hour").value == "PT30H"
    assert find(timexes, text, "30-day").value == "P30D"
    assert not any("fourth" in t.text for t in timexes)
    other = (SEEDS / "001_5d60efc459c9e1f5.txt").read_text(encoding="utf-8")
    assert find(tag(other, DCT), other, "February 2022").value == "2022-02"


def test_sorted_and_offsets_match_text() -> None:
    text = "On Friday and on Sunday, and again this week, officials met for 30 hours."
    timexes = tag(text, DCT)
    assert [t.begin for t in timexes] == sorted(t.begin for t in timexes)
    for t in timexes:
        assert text[t.begin : t.end] == t.text
