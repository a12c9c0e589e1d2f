"""The table of named patterns: family, name, regex, resolver.

Each pattern is compiled once; `anchors.py` finds the words a time expression can start at
and only the patterns of those words' anchor classes are tried there. To support a new
expression, add a row here (regex built from the fragments below) with at least one example,
and, if no existing resolver fits, a function in the resolver module of its family
(absolute.py, relative.py, durations.py). Overlapping matches: the longest wins; on equal
extents the earlier family (FAMILY_ORDER) and row (see `tagger.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.temporal import absolute, durations, relative
from ingest.temporal.context import Context, Resolved
from ingest.temporal.lexicon import (
    APPROX_MODS,
    EASTER_HOLIDAYS,
    FIXED_HOLIDAYS,
    LUNAR_HOLIDAYS,
    MONTH_ABBR,
    MONTH_FULL,
    NTH_WEEKDAY_HOLIDAYS,
    ORDINALS,
    SEASONS,
    TENS,
    UNITS_ONES,
    WEEKDAY_ABBR,
    WEEKDAYS,
)

FLAGS = re.IGNORECASE


def alt(words: Iterable[str]) -> str:
    """Regex alternation of literal words, longest first so prefixes do not shadow them."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace("'", "['’]").replace(r"\ ", r"\s+") for w in items)


def _capitalised(words: Iterable[str]) -> str:
    """Case-sensitive alternation of Capitalised and UPPER forms ('May', 'MAY', not 'may')."""
    forms: set[str] = set()
    for w in words:
        forms.add(" ".join(p if p in _SMALL_WORDS else p[:1].upper() + p[1:] for p in w.split()))
        forms.add(w.upper())
    return f"(?-i:{alt(forms)})"


_SMALL_WORDS = frozenset({"the", "of", "and"})


# --- fragments (no named groups: patterns name what they need) ------------------------------
MONTH = (
    rf"(?:{_capitalised(MONTH_FULL)}\b|{_capitalised(MONTH_ABBR)}(?:\.|(?=\s+\d)\b)"
    r")"
)
WEEKDAY = rf"(?:(?:{alt(WEEKDAYS)})\b|(?:{alt(WEEKDAY_ABBR)})\.)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d|,\d)"
YEAR = r"(?<![\d$#.,])(?:1[0-9]\d\d|20\d\d)(?![\d%]|[,.]\d)"
YEAR_2D = r"['’]\d\d(?!\d)"
ORDINAL_WORD = alt(ORDINALS)
_ONES = alt(w for w in UNITS_ONES if w != "zero")
_TENS = alt(TENS)
WORD_NUMBER = (
    rf"(?:(?:{_TENS})(?:[-\s](?:{alt(w for w, v in UNITS_ONES.items() if 0 < v < 10)}))?"
    rf"|{_ONES})(?:\s+(?:hundred|thousand)(?:\s+(?:and\s+)?(?:{_TENS}|{_ONES}))?)?"
)
DIGITS = r"(?<![\d$#.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:\s+\d/\d)?(?![\d%])"
NUM = (
    rf"(?:{DIGITS}|{WORD_NUMBER}|(?:a\s+)?couple\s+of|a\s+couple|half\s+a\s+dozen|a\s+dozen"
    r"|an?\s+hundred|an?\s+thousand|an?|one)"
)
VAGUE = r"(?:a\s+few|several|a\s+number\s+of|many|some|few|a\s+couple\s+of)"
SPOKEN_YEAR = (
    rf"(?:nineteen|twenty)[\s-]+(?:(?:{_TENS})(?:[\s-](?:{_ONES}))?|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"|two\s+thousand(?:\s+(?:and\s+)?(?:" + _ONES + r"|" + _TENS + r"))?"
)
UNIT = (
    r"(?:centuries|century|millennia|millennium|decades?|years?|quarters?|months?|fortnights?"
    r"|weeks?|days?|nights?|hours?|minutes?|seconds?)\b"
)
UNIT_SG = (
    r"(?:century|millennium|decade|year|quarter|month|fortnight|week|day|night|hour|minute|second)"
)
APPROX = alt(APPROX_MODS)
SEASON = alt(SEASONS)
HOLIDAY = (
    _capitalised([*FIXED_HOLIDAYS, *EASTER_HOLIDAYS, *NTH_WEEKDAY_HOLIDAYS])
    + "|"
    + alt(LUNAR_HOLIDAYS)  # any case: "Eid al-Fitr", "Eid Al-Fitr", "RAMADAN"
)
PERIOD_MOD = r"(?:early|late|mid|the\s+(?:beginning|start|end|middle|close)\s+of|end\s+of)"
REL = r"(?:this\s+past|this\s+coming|this|last|next|coming|past|previous|following|current)"
QUARTER_ORD = r"(?:first|second|third|fourth|final|1st|2nd|3rd|4th)"
POD = r"(?:morning|afternoon|evening|night)"
TZ = (
    r"(?:(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+time\b|local\s+time\b|(?-i:(?:GMT|UTC|EST|EDT|CST"
    r"|CDT|MST|MDT|PDT|PST|BST|CET|CEST|MSK|ET|PT|CT|MT)\b))"
)
CLOCK = (
    r"(?:[01]?\d|2[0-3])(?:[:.][0-5]\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b)"
    r"|(?:[01]?\d|2[0-3]):[0-5]\d(?=\s*(?:GMT|UTC|[A-Z][a-z]+\s+time))"
    r"|noon|midnight|(?:[01]?\d|2[0-3])\s+o['’]clock"
)

Resolver = Callable[[re.Match[str], Context], Resolved | None]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One named expression shape and the function that turns a match into a value."""

    family: str
    name: str
    regex: str
    resolver: Resolver
    triggers: tuple[str, ...]  # anchor classes (see lexicon.ANCHORS) that start a try
    # (text with the expected [extent] bracketed, DCT, "TYPE value"): what the row is for.
    # tests/temporal/test_temporal_pattern_examples.py runs every one through `tag`.
    examples: tuple[tuple[str, str, str], ...] = ()


P = Pattern
_B = r"\b"  # most patterns start on a word boundary

PATTERNS: list[Pattern] = [
    # --- times of day: "6 p.m. Moscow time", "10 p.m. Wednesday", "noon Thursday" ------------
    P("time", "clock_date",
      rf"(?:(?P<approx>about|around|approximately)\s+)?\b(?P<clock>{CLOCK})(?:\s+(?P<tz>{TZ}))?"
      rf"(?:,?\s+(?:on\s+)?(?:(?P<wd>{WEEKDAY})(?:,?\s+(?P<wd_month>{MONTH})\s+(?P<wd_day>{DAY}))?"
      rf"|(?P<month>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?"
      rf"|(?P<rel_day>today|tomorrow|yesterday)))?",
      relative.clock_time, ("clock",),
      examples=(
          ("Polls close at [6 p.m. Moscow time].", "2018-04-07", "TIME 2018-04-07T18:00"),
          ("The blast came at [10 p.m. Wednesday].", "2018-04-07", "TIME 2018-04-04T22:00"),
      )),
    # "Tuesday at 5 p.m.", "March 3 at noon", "tomorrow at 10 a.m. ET": one TIME, as TimeML
    # marks "10 p.m. Wednesday" (above) - the clock takes the day it follows.
    P("time", "date_at_clock",
      rf"{_B}(?:(?P<wd>{WEEKDAY})|(?P<month>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?"
      rf"|(?P<rel_day>today|tomorrow|yesterday))(?:\s+{POD})?,?\s+at\s+"
      rf"(?:(?P<approx>about|around|approximately)\s+)?(?P<clock>{CLOCK})(?:\s+(?P<tz>{TZ}))?",
      relative.clock_time, ("weekday", "relday", "monthname"),
      examples=(
          ("The vote was held [Tuesday at 5 p.m.]", "2018-04-07", "TIME 2018-04-03T17:00"),
      )),
    P("time", "weekday_pod",
      rf"{_B}(?:(?P<mod>early|late|mid)[-\s]+)?(?P<wd>{WEEKDAY})\s+(?P<pod>{POD})s?\b",
      relative.weekday_part_of_day, ("weekday",),
      examples=(
          ("The attack came [Wednesday night].", "2018-04-07", "TIME 2018-04-04TNI"),
          ("Talks are held on [Tuesday nights].", "2018-04-07", "SET XXXX-WXX-2TNI"),
      )),
    P("time", "relday_pod",
      rf"{_B}(?:(?P<mod>early|late|later|earlier)\s+)?(?P<day>yesterday|tomorrow|today|this|"
      rf"last|tomorrow)\s+(?P<pod>{POD})\b|{_B}(?P<mod2>mid|early|late)[-\s](?P<pod2>{POD})\s+"
      r"(?P<day2>yesterday|today|tomorrow)\b",
      relative.relative_part_of_day, ("pod", "relday"),
      examples=(
          ("Rebels fired [yesterday afternoon].", "2018-04-07", "TIME 2018-04-06TAF"),
      )),
    # "that night", "the next morning", "later that afternoon": a part of the day being
    # narrated (reference.py), not of the DCT.
    P("time", "narrative_pod",
      rf"{_B}(?:(?P<mod>early|late|later|earlier)\s+)?(?P<rel>that|the\s+same|the\s+next|"
      rf"the\s+following|the\s+previous)\s+(?P<pod>{POD})\b(?!s)",
      relative.narrative_part_of_day, ("pod",),
      examples=(
          ("On March 3 the army attacked. [The next morning] it left.", "2018-04-07",
           "TIME 2018-03-04TMO"),
      )),
    # "The day before, talks had failed": the day before the one being narrated. Only when no
    # object follows ("the day before the vote" is placed by an event, not by the narrative).
    P("time", "day_before_after",
      rf"{_B}the\s+(?P<unit>day|night|morning|evening|afternoon)\s+(?P<dir>before|after)"
      r"(?=\s*[,;:.!?]|\s+(?:he|she|they|it|we|i)\b)",
      relative.day_before_after, ("unit", "pod"),
      examples=(
          ("On March 3 the army attacked. [The day before], talks had failed.", "2018-04-07",
           "DATE 2018-03-02"),
          ("On March 3 the army attacked. [The night before], it rained.", "2018-04-07",
           "TIME 2018-03-02TNI"),
      )),
    P("time", "pod_words",
      rf"{_B}(?:(?P<pre>later|earlier)\s+)?(?P<word>tonight|overnight|(?:mid[-\s]?|late\s+|early\s+)"
      rf"(?:afternoon|morning|evening)|the\s+(?:morning|afternoon|evening))\b",
      relative.part_of_day_word, ("pod",),
      examples=(
          ("The vote is [tonight].", "2018-04-07", "TIME 2018-04-07TNI"),
      )),
    # --- calendar dates -----------------------------------------------------------------------
    P("date", "iso_date", r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)(?![\d-])",
      absolute.numeric_date, ("year",),
      examples=(
          ("The law took effect on [2018-03-01].", "2018-04-07", "DATE 2018-03-01"),
      )),
    P("date", "us_date",
      r"(?<![\d/])(?P<month>0?[1-9]|1[0-2])/(?P<day>0?[1-9]|[12]\d|3[01])/(?P<year>\d{4}|\d\d)"
      r"(?![\d/])",
      absolute.numeric_date, ("year",),
      examples=(
          ("Filed on [3/1/2018].", "2018-04-07", "DATE 2018-03-01"),
      )),
    P("date", "month_day",
      rf"{_B}(?:(?P<coming>this\s+coming|this|next|last|coming)\s+)?(?:(?P<wd>{WEEKDAY}),?\s+)?"
      rf"(?:(?P<month>{MONTH})\s+(?:the\s+)?(?P<day>{DAY}|{ORDINAL_WORD})"
      rf"|(?:the\s+)?(?P<day2>{DAY}|{ORDINAL_WORD})\s+(?:of\s+)?(?P<month2>{MONTH}))\b"
      rf"(?:,?\s+(?P<year>{YEAR}|{SPOKEN_YEAR})\b|\s+(?P<rely>last|this|next)\s+year\b)?",
      absolute.month_day, ("monthname", "weekday"),
      examples=(
          ("The truce began on [March 3].", "2018-04-07", "DATE 2018-03-03"),
          ("It ends on [Saturday, April 21, 2018].", "2018-04-07", "DATE 2018-04-21"),
      )),
    P("date", "month_year",
      rf"{_B}(?:(?P<mod>{PERIOD_MOD})[-\s]+)?(?P<month>{MONTH}),?\s+(?:of\s+)?"
      rf"(?:(?P<year>{YEAR}|{YEAR_2D}|{SPOKEN_YEAR})\b|(?P<rel>this|last|next)\s+year\b)",
      absolute.month_year, ("monthname",),
      examples=(
          ("Prices fell in [February 2022].", "2018-04-07", "DATE 2022-02"),
      )),
    P("date", "month",
      rf"{_B}(?:(?P<mod>{PERIOD_MOD})[-\s]+)?(?:(?P<rel>{REL})\s+)?(?P<month>{MONTH})(?!['’]s?\s+\d)",
      absolute.month_only, ("monthname",),
      examples=(
          ("The bill passed in [March].", "2018-04-07", "DATE 2018-03"),
          ("The summit is set for [June].", "2018-04-07", "DATE 2018-06"),
      )),
    P("date", "holiday",
      rf"{_B}(?:(?P<rel>this|last|next|this\s+year['’]s|last\s+year['’]s|next\s+year['’]s)\s+)?"
      rf"(?P<name>{HOLIDAY})\b(?:,?\s+(?P<year>{YEAR}))?",
      absolute.holiday, ("holiday",),
      examples=(
          ("Fighting paused on [Easter].", "2018-04-07", "DATE 2018-04-01"),
          ("Voters will go to the polls on [Election Day].", "2018-04-07", "DATE 2018-11-06"),
      )),
    P("date", "quarter_of_year",
      # "the" belongs to a noun ("the third quarter") but not to an adjective ("the
      # third-quarter loss", TimeBank's extent is "third-quarter").
      rf"{_B}(?:the\s+(?!(?:fiscal[-\s]+)?{QUARTER_ORD}-(?:fiscal-)?quarter))?"
      rf"(?:(?P<ago>year-ago|year-earlier|year\s+earlier)\s+)?"
      rf"(?:(?P<y1>{YEAR})['’]?s?\s+|(?P<rely>this|last|next)\s+year['’]s\s+)?"
      rf"(?:(?P<fisc>fiscal)[-\s]+)?(?P<q>{QUARTER_ORD})[-\s]+(?:fiscal[-\s]+)?(?:quarter|qtr\.?)"
      rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y2>{YEAR})|\s+(?P<y3>{YEAR})\b|(?P<relafter>\s+(?:this|last|"
      r"next)\s+year))?\b(?!-)",
      absolute.quarter, ("unit",),
      examples=(
          ("Profit rose in [the third quarter].", "1989-11-02", "DATE 1989-Q3"),
      )),
    # Business shorthand: "Q3 2024", "Q1", "3Q24", "Q4'23", "2024 Q2", "H1 2025", "1H".
    P("date", "quarter_code",
      rf"(?<![\w$#.-])(?:(?P<y1>{YEAR})\s+)?(?-i:(?:(?P<kind>Q|H)(?P<n>[1-4])|(?P<n2>[1-4])"
      r"(?P<kind2>Q|H)))(?:(?:\s+|\s*['’/-]\s*)(?:(?P<y2>(?:19|20)\d\d)|(?P<y2d>\d\d))|"
      rf"(?P<y3>(?:19|20)\d\d|\d\d))?(?![\w%-])",
      absolute.quarter_code, ("qcode", "year"),
      examples=(
          ("Revenue in [Q3 2024] rose.", "2018-04-07", "DATE 2024-Q3"),
      )),
    P("date", "half_of_year",
      rf"{_B}(?:the\s+)?(?:(?P<y1>{YEAR})\s+)?(?P<h>first|second|1st|2nd|last)[-\s]+half"
      rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y2>{YEAR}))?\b",
      absolute.half, ("unit",),
      examples=(
          ("Sales rose in [the first half of 1998].", "2018-04-07", "DATE 1998-H1"),
      )),
    P("date", "anaphoric_quarter",
      rf"{_B}(?:(?P<rely>last|this|next)\s+year['’]s\s+quarter|(?:the\s+)?"
      r"(?:(?:comparable|corresponding|same)\s+)?(?P<which>latest|current|year-ago|year-earlier|"
      rf"year\s+ago|same|previous|prior|comparable|corresponding|(?P<y>{YEAR}))?\s*"
      r"(?:fiscal\s+)?(?P<kind>quarter|period)\b(?!-)(?:\s+(?P<lastyear>last\s+year|"
      r"a\s+year\s+(?:earlier|ago)))?)",
      absolute.anaphoric_quarter, ("unit",),
      examples=(
          ("Profit rose in the third quarter. In [the year-ago quarter], it fell.", "1989-11-02",
           "DATE 1988-Q3"),
      )),
    P("date", "this_quarter",
      rf"{_B}(?P<rel>this|last|next|the\s+current|the\s+previous|the\s+next|the\s+coming)\s+quarter\b",
      absolute.relative_quarter, ("unit",),
      examples=(
          ("Sales will rise [next quarter].", "1989-11-02", "DATE 1990-Q1"),
      )),
    P("date", "season",
      rf"{_B}(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the|early|late|mid)[-\s]+)?"
      rf"(?P<season>{SEASON})\b(?:\s+(?:of\s+)?(?P<year>{YEAR}|{SPOKEN_YEAR}))?",
      absolute.season, ("season",),
      examples=(
          ("Talks resume [this summer].", "2018-04-07", "DATE 2018-SU"),
      )),
    P("date", "decade",
      rf"{_B}(?:the\s+)?(?:(?P<mod>early|mid|late)[-\s]+)?(?:(?P<dec>1[0-9]\d0|20\d0)['’]?s"
      r"|['’](?P<dec2>\d0)['’]?s|(?P<decw>twenties|thirties|forties|fifties|sixties|seventies|"
      r"eighties|nineties))\b",
      absolute.decade, ("year", "spoken"),
      examples=(
          ("Prices soared in [the 1990s].", "2018-04-07", "DATE 199"),
      )),
    P("date", "century",
      rf"{_B}(?:the\s+)?(?:(?P<mod>early|mid|late)[-\s]+)?(?P<n>\d{{1,2}}(?:st|nd|rd|th)|"
      rf"{ORDINAL_WORD})[-\s]+century\b",
      absolute.century, ("unit",),
      examples=(
          ("It was built in [the 20th century].", "2018-04-07", "DATE 19"),
      )),
    P("date", "year",
      rf"(?:{_B}(?P<mod>{PERIOD_MOD})[-\s]+(?:of\s+)?)?(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?"
      rf"(?:the\s+year\s+)?(?P<year>{YEAR})(?!\s*(?:-|–)\s*\d)(?!['’]s\b)(?![-\w])",
      absolute.year, ("year",),
      examples=(
          ("He was born in [1990].", "2018-04-07", "DATE 1990"),
      )),
    P("date", "spoken_year",
      rf"{_B}(?:(?P<mod>{PERIOD_MOD})[-\s]+(?:of\s+)?)?(?:the\s+year\s+)?(?P<year>{SPOKEN_YEAR})\b",
      absolute.spoken_year_date, ("spoken",),
      examples=(
          ("It began in [nineteen ninety-six].", "2018-04-07", "DATE 1996"),
      )),
    # --- expressions relative to the DCT ------------------------------------------------------
    P("relative", "ago",
      rf"{_B}(?:(?P<approx>{APPROX})\s+)?(?P<num>{NUM}|{VAGUE})\s+(?:more\s+)?(?P<unit>{UNIT})"
      rf"(?:\s+or\s+(?:so|more|two|three))?\s+(?P<dir>ago|earlier|before\s+now|from\s+now|hence|"
      r"back)\b",
      relative.offset_from_dct, ("unit",),
      examples=(
          ("He left [two days ago].", "2018-04-07", "DATE 2018-04-05"),
          ("[Eight years from now] we will know.", "2018-04-07", "DATE 2026"),
      )),
    P("relative", "in_n_units",
      rf"(?<=\bin\s)(?:(?P<approx>about|another|just|only)\s+)?(?P<num>{NUM})\s+(?P<unit>{UNIT})"
      r"(?:['’]?\s+time)?(?!\s+(?:of|ago|earlier|later|before|after)\b)",
      relative.in_n_units, ("unit",),
      examples=(
          ("The mission will end in [three weeks].", "2018-04-07", "DATE 2018-W17"),
      )),
    P("relative", "relday",
      rf"{_B}(?:(?P<mod>early|late|earlier|later)\s+)?(?P<word>the\s+day\s+before\s+yesterday|"
      r"the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow)\b(?!['’]s)|"
      rf"{_B}(?P<word2>today|yesterday|tomorrow)(?=['’]s)",
      relative.relative_day, ("relday", "unit"),
      examples=(
          ("Putin spoke [yesterday].", "2018-04-07", "DATE 2018-04-06"),
      )),
    # "Today is the eighth day of the operation", "It's the second day of an offensive": in the
    # present tense the n-th day of something is the day of writing.
    P("relative", "nth_day_now",
      rf"(?:(?<=\bis\s)|(?<=['’]s\s)|(?<=\bmarks\s))(?:the\s+)?(?P<ord>{ORDINAL_WORD}|\d{{1,3}}"
      r"(?:st|nd|rd|th))\s+(?:straight\s+|consecutive\s+|full\s+)?day\b",
      relative.nth_day_now, ("unit",),
      examples=(
          ("Today is [the eighth day] of the strike.", "2018-04-07", "DATE 2018-04-07"),
      )),
    P("relative", "weekday",
      rf"{_B}(?:(?P<rel>this\s+coming|this\s+past|this|last|next|coming|past|the\s+previous|"
      rf"the\s+following|early|late|earlier|later)\s+)?(?P<wd>{WEEKDAY})",
      relative.weekday, ("weekday",),
      examples=(
          ("Police said the man was arrested [Friday].", "2018-04-07", "DATE 2018-04-06"),
          ("He will travel to London on [Wednesday].", "2018-04-07", "DATE 2018-04-11"),
      )),
    P("relative", "weekend",
      rf"{_B}(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the\s+past|the\s+coming|the)\s+)"
      r"weekend\b",
      relative.weekend, ("unit",),
      examples=(
          ("A truce was declared over [the weekend].", "2018-04-09", "DATE 2018-W14-WE"),
      )),
    P("relative", "modified_period",
      rf"{_B}(?P<mod>early|late|mid|earlier|later|the\s+(?:beginning|start|end|middle|close)\s+of"
      rf"|end\s+of)[-\s]+(?P<rel>this|last|next|the|that)\s+"
      r"(?P<unit>day|week|month|year|quarter|decade|century)\b",
      relative.relative_period, ("unit",),
      examples=(
          ("Talks begin [early next month].", "2018-04-07", "DATE 2018-05"),
          ("On March 3 the army attacked. [Later that day] it left.", "2018-04-07",
           "DATE 2018-03-03"),
      )),
    P("relative", "period",
      rf"{_B}(?P<rel>this\s+past|this\s+coming|this|last|next|coming|past|previous|following|"
      r"current|the\s+(?:past|last|next|coming|previous|following|current|latest|same|whole|"
      r"entire|full)|that|the)\s+(?:(?P<fiscal>fiscal|calendar)\s+)?"
      r"(?P<unit>week|month|year|decade|century|day)\b(?![-–]\w)",
      relative.relative_period, ("unit",),
      examples=(
          ("He said [last week] that he would go.", "2018-04-07", "DATE 2018-W13"),
          ("Sales rose over [the past decade].", "2018-04-07", "DURATION P10Y"),
      )),
    P("relative", "year_end",
      rf"{_B}(?:the\s+)?(?P<rel>this\s+|last\s+|next\s+)?year(?:[-\s]|['’]s\s+)end\b",
      relative.year_end, ("unit",),
      examples=(
          ("The deal closes by [year-end].", "1989-11-02", "DATE 1989"),
      )),
    P("relative", "year_ago_adj",
      r"\b(?:the\s+)?(?P<which>year-ago|year-earlier)\s+(?P<n>nine|six|three|\d+)\s+months\b"
      r"|\b(?P<which2>year-ago|year-earlier)(?=\s)",
      relative.year_ago_adjective, ("unit",),
      examples=(
          ("Profit rose in the third quarter from [year-ago] levels.", "1989-11-02",
           "DATE 1988-Q3"),
      )),
    P("relative", "refs",
      r"\b(?P<word>right\s+now|just\s+now|now|nowadays|these\s+days|at\s+present|currently|"
      r"current(?!(?:ly)?\s*-?\s*(?:account|accounts|assets|liabilities|dollars?|prices?\s+of"
      r"|events?|affairs)\b)|recently|more\s+recently|lately"
      r"|the\s+past|the\s+(?:near\s+|distant\s+|foreseeable\s+|immediate\s+)?future|"
      r"the\s+near\s+term|the\s+short\s+term|the\s+long\s+term|soon|as\s+soon\s+as\s+possible|"
      r"(?:the\s+)?coming\s+(?:days|weeks|months|years|quarters)|a\s+later\s+date|"
      r"recent(?:\s+(?P<unit>years|months|"
      r"weeks|days|quarters))?)\b",
      relative.reference, ("ref", "unit"),
      examples=(
          ("Prices are [now] higher.", "2018-04-07", "DATE PRESENT_REF"),
          ("Sales rose in [recent months].", "2018-04-07", "DURATION PXM"),
      )),
    # --- durations ----------------------------------------------------------------------------
    P("duration", "span_n_units",
      rf"{_B}(?:(?P<approx>{APPROX})\s+(?!the\b|each\b))?(?:(?:the|each\s+of\s+the)\s+)?"
      r"(?:(?P<rel>past|last|next"
      rf"|first|latest|previous|coming|following|final|same|entire|whole|full|remaining)\s+)?"
      rf"(?P<num>{NUM}|{VAGUE})(?:\s+(?:to|or)\s+(?P<num2>{NUM}))?\s+(?:(?:more|additional|"
      rf"consecutive|straight|full|trading|business|long)\s+)?(?P<unit>{UNIT})"
      r"(?:\s+or\s+so)?(?:\s+and\s+a\s+half)?",
      durations.duration, ("unit",),
      examples=(
          ("Talks lasted [ten years].", "2018-04-07", "DURATION P10Y"),
          ("Sales rose in [the past three months].", "2018-04-07", "DURATION P3M"),
      )),
    P("duration", "hyphen_units",
      rf"(?<![\w$#-])(?P<num>{DIGITS}|{WORD_NUMBER}|several|multi|a)-(?P<unit>{UNIT_SG})"
      r"(?P<old>-old|-long)?\b(?!-)",
      durations.duration, ("unit",),
      examples=(
          ("A [30-day] truce began.", "2018-04-07", "DURATION P30D"),
      )),
    P("duration", "ahead",
      r"\bthe\s+(?:coming\s+)?(?P<unit>days|weeks|months|years)\s+ahead\b",
      durations.duration, ("unit",),
      examples=(
          ("Talks go on in [the weeks ahead].", "2018-04-07", "DURATION PXW"),
      )),
    # "over the years", "through the decades": an unspecified stretch up to now (PXY).
    P("duration", "the_years",
      r"(?:(?<=\bover\s)|(?<=\bthrough\s)|(?<=\bacross\s)|(?<=\bdown\s))the\s+"
      r"(?P<unit>years|decades|centuries|months|weeks)\b(?!\s+(?:of|to|since|before|after)\b)",
      durations.duration, ("unit",),
      examples=(
          ("Prices rose over [the years].", "2018-04-07", "DURATION PXY"),
      )),
    P("duration", "bare_units",
      r"(?:(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\bover\s)|(?<=\bin\s)|(?<=\bafter\s))(?P<unit>years|months|weeks|days|decades|"
      r"centuries|hours|minutes)\b(?!\s+(?:of|ago|earlier|later|to)\b)",
      durations.duration, ("unit",),
      examples=(
          ("The strike lasted for [weeks].", "2018-04-07", "DURATION PXW"),
      )),
    # --- sets -----------------------------------------------------------------------------------
    P("set", "every_unit",
      rf"{_B}(?:every|each|per)\s+(?P<other>other\s+)?(?:(?P<num>{NUM})\s+)?(?P<unit>{UNIT})",
      durations.set_every, ("unit",),
      examples=(
          ("Inspectors come [every week].", "2018-04-07", "SET P1W"),
      )),
    P("set", "every_weekday",
      rf"{_B}(?:every|each)\s+(?:(?P<wd>{WEEKDAY})|(?P<month>{MONTH})|(?P<season>{SEASON}))",
      durations.set_every_named, ("weekday", "monthname", "season"),
      examples=(
          ("He runs [every Monday].", "2018-04-07", "SET XXXX-WXX-1"),
      )),
    # A plural weekday or "weekends" names every one of them (TimeML SET): "closed on Sundays".
    P("set", "plural_weekday",
      rf"{_B}(?:(?P<wd>{alt(WEEKDAYS)})s|(?P<we>weekends))\b",
      durations.set_plural_day, ("weekday", "unit"),
      examples=(
          ("Shops are closed on [Sundays].", "2018-04-07", "SET XXXX-WXX-7"),
          ("He works [weekends].", "2018-04-07", "SET XXXX-WXX-WE"),
      )),
    P("set", "adverb",
      r"\b(?P<word>daily|weekly|monthly|yearly|hourly|nightly|biweekly|semiannually|annually|"
      r"quarterly|fortnightly)\b",
      durations.set_adverb, ("setword",),
      examples=(
          ("The paper is published [daily].", "2018-04-07", "SET P1D"),
          ("The fee is paid [annually].", "2018-04-07", "SET P1Y"),
      )),
    P("set", "rate",
      rf"{_B}(?:(?P<times>once|twice|{NUM}\s+times)\s+)?(?P<art>a|an|per)\s+"
      r"(?P<unit>year|month|week|day|hour|night)\b(?!\s+(?:ago|earlier|later|before|after|or)\b)",
      durations.set_rate, ("unit",),
      examples=(
          ("They meet [twice a week].", "2018-04-07", "SET P1W"),
      )),
]  # fmt: skip

FAMILY_ORDER = ("time", "date", "relative", "set", "duration")


@dataclass(frozen=True, slots=True)
class TriggerClass:
    """Every pattern an anchor class can start, compiled, in table order."""

    name: str
    members: dict[str, tuple[re.Pattern[str], Pattern, int]]


def compile_triggers(patterns: list[Pattern]) -> dict[str, TriggerClass]:
    """Each pattern compiled once (its named groups go to its resolver), grouped by the anchor
    classes that start it. (A combined alternation per class as a pre-filter cost more to
    compile at start-up than it saved: anchors already put the tries where a match can be.)"""
    ordered = sorted(patterns, key=lambda p: FAMILY_ORDER.index(p.family))
    priority = {p.name: i for i, p in enumerate(ordered)}
    compiled = {p.name: re.compile(p.regex, FLAGS) for p in ordered}
    classes = sorted({c for p in ordered for c in p.triggers})
    out = {}
    for cls in classes:
        rows = [p for p in ordered if cls in p.triggers]
        members = {p.name: (compiled[p.name], p, priority[p.name]) for p in rows}
        out[cls] = TriggerClass(cls, members)
    return out


TRIGGERS = compile_triggers(PATTERNS)
