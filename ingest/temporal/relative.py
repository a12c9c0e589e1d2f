"""Resolvers for expressions anchored on the DCT: today, weekdays, weekends, "last week",
"two days ago", "in three weeks", parts of day, clock times, and PRESENT/PAST/FUTURE_REF.

With no DCT every one of them keeps X's in its value ("XXXX-WXX-5") instead of guessing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from fractions import Fraction

from ingest.temporal import calendar as cal
from ingest.temporal.absolute import month_day_value, period_mod
from ingest.temporal.context import (
    Context,
    Resolved,
    day_number,
    month_number,
    weekday_near,
    weekday_number,
)
from ingest.temporal.durations import duration_value, normalise_unit
from ingest.temporal.lexicon import APPROX_MODS, PARTS_OF_DAY
from ingest.temporal.numbers import parse_number
from ingest.temporal.tense import FUTURE, PAST, UNKNOWN

Match = re.Match[str]

_BACK = ("ago", "earlier", "before now", "back")
_UNRESOLVED = {
    "D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX", "Q": "XXXX-QX", "Y": "XXXX",
    "DE": "XXX", "CE": "XX", "H": "XXXX-XX-XX", "S": "XXXX-XX-XX", "MIN": "XXXX-XX-XX",
}  # fmt: skip
_PRESENT = frozenset(
    "now|right now|just now|nowadays|these days|at present|currently|current".split("|")
)
_PAST = frozenset(
    "recently|more recently|lately|formerly|previously|the past|recent|recent years|"
    "recent days".split("|")
)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").lower()).strip()


def shift(dct: date, unit: str, n: int) -> str:
    """TIMEX3 value of the DCT moved n units, at that unit's granularity."""
    if unit == "D":
        return (dct + timedelta(days=n)).isoformat()
    if unit == "W":
        return cal.week_value(dct + timedelta(weeks=n))
    if unit == "M":
        y, mo = cal.add_months(dct.year, dct.month, n)
        return f"{y}-{mo:02d}"
    if unit == "Q":
        idx = dct.year * 4 + cal.quarter_of(dct) - 1 + n
        return f"{idx // 4}-Q{idx % 4 + 1}"
    if unit == "Y":
        return str(dct.year + n)
    if unit == "DE":
        return str(dct.year // 10 + n)
    if unit == "CE":
        return f"{dct.year // 100 + n:02d}"
    return dct.isoformat()  # hours, minutes: the day is as precise as we can be


def _approx(text: str | None) -> str | None:
    return APPROX_MODS.get(_norm(text)) if text else None


def offset_from_dct(m: Match, ctx: Context) -> Resolved | None:
    """'two days ago', 'a year earlier', 'three weeks from now', 'several years ago'."""
    back = _norm(m["dir"]) in _BACK
    count = parse_number(m["num"])
    unit = normalise_unit(m["unit"])
    letter, multiplier = unit
    if count is None:
        return Resolved("DATE", "PAST_REF" if back else "FUTURE_REF")
    n = int(count * multiplier) * (-1 if back else 1)
    mod = _approx(m["approx"])
    if letter == "Y" and back:
        # "a year earlier" in a quarterly report means the same quarter a year before.
        topic = ctx.topical_quarter(m.start(), compared=True)
        if topic:
            return Resolved("DATE", f"{topic[0] + n}-Q{topic[1]}", mod)
    if letter == "W" and back:
        # "two weeks ago" names a day (TimeBank: DCT minus 14 days), unlike "last week".
        letter, n = "D", n * 7
    if _norm(m["dir"]) == "earlier" and letter in ("D", "M"):
        # "ago" counts from the DCT, "earlier" from the time being narrated: "The truce began
        # on March 3. A week earlier, rebels had ..." is Feb. 24 (the DCT when none was named).
        if letter == "D" and ctx.last_day is not None:
            return Resolved("DATE", (ctx.last_day + timedelta(days=n)).isoformat(), mod)
        if letter == "M" and ctx.last_month is not None:
            y, mo = cal.add_months(*ctx.last_month, n)
            return Resolved("DATE", f"{y}-{mo:02d}", mod)
    if ctx.dct is None:
        return Resolved("DATE", _UNRESOLVED.get(letter, "XXXX-XX-XX"), mod)
    return Resolved("DATE", shift(ctx.dct, letter, n), mod)


def in_n_units(m: Match, ctx: Context) -> Resolved | None:
    """'(in) three weeks': a future date when the clause looks forward, else a duration."""
    count = parse_number(m["num"])
    letter, multiplier = normalise_unit(m["unit"])
    if letter == "Q":
        return None
    future = ctx.tense(m, plans=True) == FUTURE
    if count is None or not future or (m["approx"] or "").lower() == "only":
        return Resolved("DURATION", duration_value(count, m["unit"]))
    n = int(count * multiplier)
    if ctx.dct is None:
        return Resolved("DATE", _UNRESOLVED.get(letter, "XXXX-XX-XX"))
    return Resolved("DATE", shift(ctx.dct, letter, n))


# A capitalised word or acronym right before "Today", inside a sentence: a title.
_TITLE_BEFORE = re.compile(r"[^.!?\s\"“'`]\s+(?:[A-Z][a-z]+|[A-Z]{2,})\s+\Z")


def relative_day(m: Match, ctx: Context) -> Resolved | None:
    """'today', 'yesterday', 'late yesterday', 'the day after tomorrow'."""
    word = _norm(m["word"] or m["word2"])
    offset = {
        "today": 0,
        "yesterday": -1,
        "tomorrow": 1,
        "the day before yesterday": -2,
        "the day after tomorrow": 2,
    }[word]
    if m.group(0) == "Today" and _TITLE_BEFORE.search(ctx.text, max(0, m.start() - 30), m.start()):
        return None  # a name: "USA Today", "VOA Today", "Good Morning America Today"
    mod = period_mod(m["mod"]) if m["mod"] else None
    if ctx.dct is None:
        return Resolved("DATE", "XXXX-XX-XX", mod)
    return Resolved("DATE", (ctx.dct + timedelta(days=offset)).isoformat(), mod)


def nth_day_now(m: Match, ctx: Context) -> Resolved | None:
    """'(today is) the eighth day (of Desert Shield)': the DCT."""
    if ctx.dct is None:
        return Resolved("DATE", "XXXX-XX-XX")
    return Resolved("DATE", ctx.dct.isoformat())


def _weekday_date(wd: int, rel: str, m: Match, ctx: Context) -> date | None:
    if ctx.dct is None:
        return None
    dct = ctx.dct
    if rel in ("the following", "the previous"):
        dct = ctx.reference_day() or dct  # counted from the day the text is narrating
    if rel in ("next", "coming", "this coming", "the following"):
        return dct + timedelta(days=(wd - dct.isoweekday()) % 7 or 7)
    if rel in ("last", "past", "this past", "the previous"):
        return dct - timedelta(days=(dct.isoweekday() - wd) % 7 or 7)
    if rel == "this":
        return dct + timedelta(days=wd - dct.isoweekday())
    return weekday_near(dct, wd, ctx.tense(m, plans=True))


def weekday(m: Match, ctx: Context) -> Resolved | None:
    """'Friday', 'on Monday', 'last Thursday', 'early Tuesday' - tense decides the week."""
    wd = weekday_number(m["wd"])
    rel = _norm(m["rel"])
    mod = period_mod(rel) if rel in ("early", "late") else None
    d = _weekday_date(wd, rel, m, ctx)
    if d is None:
        return Resolved("DATE", f"XXXX-WXX-{wd}", mod)
    return Resolved("DATE", d.isoformat(), mod)


def weekend(m: Match, ctx: Context) -> Resolved | None:
    """'over the weekend' (the one just past), 'this weekend', 'next weekend'."""
    if ctx.dct is None:
        return Resolved("DATE", "XXXX-WXX-WE")
    dct = ctx.dct
    rel = _norm(m["rel"])
    on_weekend = dct.isoweekday() >= 6
    if rel in ("last", "this past", "the past"):
        direction = -1
    elif rel in ("next", "this coming", "the coming"):
        direction = 1 if on_weekend else 0
    else:
        tense = ctx.tense(m, plans=True)
        if tense == FUTURE:
            direction = 0 if dct.isoweekday() == 6 or not on_weekend else 1
        elif rel == "this" and tense == UNKNOWN:
            direction = 0
        else:
            direction = 0 if on_weekend else -1
    return Resolved("DATE", cal.weekend_value(cal.weekend_of(dct, direction)))


_PERIOD_SHIFT = {
    "this": 0, "current": 0, "the current": 0, "the": 0, "the same": 0, "the whole": 0,
    "the entire": 0, "the full": 0, "last": -1, "past": -1, "previous": -1, "this past": -1,
    "the past": -1, "the last": -1, "the previous": -1, "the latest": -1, "next": 1,
    "coming": 1, "this coming": 1, "following": 1, "the next": 1, "the coming": 1,
    "the following": 1, "that": 0,
}  # fmt: skip
_UNIT_LETTER = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y",
                "decade": "DE", "century": "CE"}  # fmt: skip
_ANAPHORIC = frozenset({"that", "the same", "the following", "the previous"})


def relative_period(m: Match, ctx: Context) -> Resolved | None:
    """'last week', 'this month', 'next year', 'the year', 'earlier this year',
    'the end of this week', 'the past year', 'the following year'."""
    rel = _norm(m["rel"])
    unit = _norm(m["unit"])
    letter = _UNIT_LETTER[unit]
    if m["unit"][0].isupper() and m["rel"][0].isupper() and ctx.previous_word(m.start()):
        return None  # a title: ABC's "This Week"
    mod_word = m.groupdict().get("mod")
    mod = period_mod(mod_word)
    if rel == "the next" and ctx.tense(m) == PAST:
        rel = "the following"  # "won in 1990 and retired the next year": the year after 1990
    n = _PERIOD_SHIFT[rel]
    if _stretch_to_now(rel, unit, mod_word, m, ctx):
        return Resolved("DURATION", duration_value(Fraction(1), unit))
    if unit == "day":
        if rel not in ("the", "that", "the same", "the previous", "the following", "the next"):
            return None
        if rel == "the" and ctx.previous_word(m.start()) not in ("in", "of", "during", "for"):
            return None
    if unit == "quarter":
        topic = ctx.topical_quarter(m.start())
        if rel == "the" and topic:
            return Resolved("DATE", f"{topic[0]}-Q{topic[1]}", mod)
    if rel in ("that", "the") and unit not in ("year", "week", "month", "day", "quarter"):
        return None
    if unit == "year" and not mod_word:
        nxt = ctx.next_words(m.end(), 1)
        if (
            rel in ("the", "the full", "the fiscal")
            and nxt
            and nxt[0]
            in (
                "ended",
                "ending",
                "ends",
                "through",
            )
        ):
            return Resolved("DURATION", "P1Y")
        if rel in _ANAPHORIC and ctx.last_year is not None:
            return Resolved("DATE", str(ctx.last_year + n), mod)
    anaphoric = _from_reference(rel, letter, mod, ctx)
    if anaphoric is not None:
        return anaphoric
    if rel == "that":
        return None  # "that week" with nothing to refer to
    if rel == "the" and unit == "week" and not mod_word:
        # "For the week, the index dropped": some week of the DCT's year, not necessarily its own.
        return Resolved("DATE", f"{ctx.dct.year}-WXX" if ctx.dct else "XXXX-WXX")
    if ctx.dct is None:
        return Resolved("DATE", _UNRESOLVED[letter], mod)
    return Resolved("DATE", shift(ctx.dct, letter, n), mod)


_STRETCH_BACK = frozenset({"the past", "the last"})
_STRETCH_AHEAD = frozenset({"the next", "the coming"})


def _stretch_to_now(rel: str, unit: str, mod_word: str | None, m: Match, ctx: Context) -> bool:
    """'(over) the past decade', 'the last week', 'the coming year': the stretch of time that
    ends (or starts) at the DCT is a DURATION in TimeML (TIDES 2005: "the past year" is P1Y
    anchored on the DCT), unlike 'last week' / 'next year', the calendar unit before / after
    the DCT's. 'the last week of March' is a part of something else, and in past-tense
    narrative 'the next year' is the year after the one being told ("He won in 1990 and
    retired the next year"), so both stay dates."""
    if mod_word or unit == "day" or ctx.next_words(m.end(), 1) == ["of"]:
        return False
    if rel in _STRETCH_BACK:
        return True
    return rel in _STRETCH_AHEAD and ctx.tense(m) != PAST


# Anaphoric shifts counted from the day or month the text last named, not from the DCT:
# "the following month", "the previous day", "the next day", "that day", "the same week".
_REFERENCE_SHIFT = {"the following": 1, "following": 1, "the previous": -1, "previous": -1,
                    "that": 0, "the same": 0}  # fmt: skip


def _from_reference(rel: str, letter: str, mod: str | None, ctx: Context) -> Resolved | None:
    """'the following month' after 'In March' -> that year's April; None when `rel` is not
    anaphoric or the text has named no day / month yet (the DCT then serves)."""
    n = _REFERENCE_SHIFT.get(rel)
    if letter == "D" and rel == "the next":
        n = 1  # "released the next day": narrative, unlike "the next week" (from the DCT)
    if n is None or letter not in ("D", "W", "M"):
        return None
    if letter == "M":
        if ctx.last_month is None:
            return None
        y, mo = cal.add_months(*ctx.last_month, n)
        return Resolved("DATE", f"{y}-{mo:02d}", mod)
    if ctx.last_day is None:
        return None
    if letter == "W":
        return Resolved("DATE", cal.week_value(ctx.last_day + timedelta(weeks=n)), mod)
    return Resolved("DATE", (ctx.last_day + timedelta(days=n)).isoformat(), mod)


def year_end(m: Match, ctx: Context) -> Resolved | None:
    """'year-end': the end of the coming year, or of the last one after 'since' / in the past
    tense. TimeML values it as "the end of the year" (TIDES 2005): the year, mod END."""
    if ctx.dct is None:
        return Resolved("DATE", "XXXX", "END")
    rel = _norm(m["rel"])
    year = ctx.dct.year
    if rel == "last" or (
        rel != "this"
        and (ctx.previous_word(m.start()) == "since" or ctx.tense(m) == PAST)
        and ctx.dct.month < 12
    ):
        year -= 1
    elif rel == "next":
        year += 1
    return Resolved("DATE", str(year), "END")


def year_ago_adjective(m: Match, ctx: Context) -> Resolved | None:
    """'year-ago results', 'year-earlier profit' (the same quarter a year before, when the text
    is about a quarter), 'the year-earlier nine months' (a duration)."""
    if m["n"]:
        count = parse_number(m["n"])
        return Resolved("DURATION", duration_value(count, "months"))
    topic = ctx.topical_quarter(m.start(), compared=True)
    if topic:
        return Resolved("DATE", f"{topic[0] - 1}-Q{topic[1]}")
    if ctx.dct is None:
        return Resolved("DATE", "XXXX")
    return Resolved("DATE", str(ctx.dct.year - 1))


def reference(m: Match, ctx: Context) -> Resolved | None:
    """now / currently (PRESENT_REF), recently / the past (PAST_REF), the future / soon
    (FUTURE_REF), 'recent months' (a vague duration)."""
    word = _norm(m["word"])
    as_soon_as = ctx.previous_word(m.start()) == "as" or ctx.next_words(m.end(), 1) == ["as"]
    if word == "soon" and as_soon_as:
        return None  # the conjunction "as soon as"
    if word == "soon" and ctx.next_words(m.end(), 1) in (["after"], ["before"], ["afterward"]):
        return None  # "killed soon after being captured": placed by an event, not by now
    if word == "the future" and ctx.next_words(m.end(), 1) == ["of"]:
        return None  # "the future of our peoples": their prospects, not a time
    if word == "current" and ctx.previous_word(m.start()) == "then":
        return Resolved("DATE", "PAST_REF")
    if word in ("now", "current") and ctx.next_words(m.end(), 1) in (["-"], ["defunct"]):
        return None
    if word in _PRESENT:
        return Resolved("DATE", "PRESENT_REF")
    if word in _PAST:
        return Resolved("DATE", "PAST_REF")
    if word.startswith("recent "):
        letter = {"months": "M", "weeks": "W", "quarters": "Q"}[word.split()[1]]
        return Resolved("DURATION", f"PX{letter}")
    return Resolved("DATE", "FUTURE_REF")


# --- times of day ------------------------------------------------------------------------------
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<mi>\d\d))?\s*(?P<ampm>[ap])?|(?P<word>noon|midnight)", re.I
)


def _clock(text: str) -> str | None:
    """'6 p.m.' -> '18:00', 'noon' -> '12:00', 'midnight' -> '24:00'."""
    m = _CLOCK.match(text.strip())
    if not m:
        return None
    if m["word"]:
        return "12:00" if m["word"].lower() == "noon" else "24:00"
    h, mi = int(m["h"]), int(m["mi"] or 0)
    ampm = (m["ampm"] or "").lower()
    if ampm == "p" and h < 12:
        h += 12
    elif ampm == "a" and h == 12:
        h = 0
    if h > 24 or mi > 59:
        return None
    return f"{h:02d}:{mi:02d}"


def _day_of(m: Match, ctx: Context) -> str:
    """The date part of a time: its weekday / month-day / today word, else the DCT."""
    if m["wd"]:
        wd = weekday_number(m["wd"])
        d = _weekday_date(wd, "", m, ctx)
        return d.isoformat() if d else f"XXXX-WXX-{wd}"
    if m["month"]:
        month, day = month_number(m["month"]), day_number(m["day"])
        if m["year"]:
            return f"{m['year']}-{month:02d}-{day:02d}"
        return month_day_value(month, day, ctx, ctx.tense(m, plans=True)) or "XXXX-XX-XX"
    if ctx.dct is None:
        return "XXXX-XX-XX"
    if not m["rel_day"]:
        narrated = ctx.narrative_day(m)  # a bare "10 p.m." is on the day being narrated
        return narrated.isoformat() if narrated else "XXXX-XX-XX"
    offset = {"yesterday": -1, "tomorrow": 1}.get(_norm(m["rel_day"]), 0)
    return (ctx.dct + timedelta(days=offset)).isoformat()


def clock_time(m: Match, ctx: Context) -> Resolved | None:
    """'6 p.m. Moscow time', '10 p.m. Wednesday', 'noon Thursday', '5 p.m. EST Nov. 9'."""
    clock = _clock(m["clock"])
    if clock is None:
        return None
    mod = _approx(m["approx"])
    return Resolved("TIME", f"{_day_of(m, ctx)}T{clock}", mod)


def _pod(word: str) -> str:
    key = _norm(word).replace("-", " ")
    for name, code in PARTS_OF_DAY.items():
        if key.endswith(name.replace("-", " ")):
            return code
    return "DT"


def weekday_part_of_day(m: Match, ctx: Context) -> Resolved | None:
    """'Saturday night', 'Thursday evening'; 'Tuesday nights' is a set."""
    wd = weekday_number(m["wd"])
    code = _pod(m["pod"])
    if m.group(0).lower().endswith("s"):
        return Resolved("SET", f"XXXX-WXX-{wd}T{code}")
    d = _weekday_date(wd, "", m, ctx)
    day = d.isoformat() if d else f"XXXX-WXX-{wd}"
    return Resolved("TIME", f"{day}T{code}", period_mod(m["mod"]))


def relative_part_of_day(m: Match, ctx: Context) -> Resolved | None:
    """'this morning', 'last night', 'yesterday afternoon', 'mid-afternoon yesterday'."""
    day_word = _norm(m["day"] or m["day2"])
    code = _pod(m["pod"] or m["pod2"])
    offset = {"yesterday": -1, "last": -1, "tomorrow": 1}.get(day_word, 0)
    mod = period_mod(m["mod"] or m["mod2"])
    if ctx.dct is None:
        return Resolved("TIME", f"XXXX-XX-XXT{code}", mod)
    return Resolved("TIME", f"{(ctx.dct + timedelta(days=offset)).isoformat()}T{code}", mod)


_NARRATIVE_SHIFT = {"that": 0, "the same": 0, "the next": 1, "the following": 1, "the previous": -1}


def narrative_part_of_day(m: Match, ctx: Context) -> Resolved | None:
    """'that night', 'the next morning', 'the previous evening': counted from the day the
    text last named (the DCT before any)."""
    day = ctx.reference.day()
    code = _pod(m["pod"])
    mod = period_mod(m["mod"]) if m["mod"] else None
    if day is None:
        return Resolved("TIME", f"XXXX-XX-XXT{code}", mod)
    day += timedelta(days=_NARRATIVE_SHIFT[_norm(m["rel"])])
    return Resolved("TIME", f"{day.isoformat()}T{code}", mod)


def day_before_after(m: Match, ctx: Context) -> Resolved | None:
    """'the day before', 'the night after': next to the day being narrated (the DCT before
    any), a DATE for a day, a TIME for a part of one."""
    day = ctx.reference.day()
    unit = _norm(m["unit"])
    if day is None:
        return Resolved("DATE", "XXXX-XX-XX") if unit == "day" else None
    day += timedelta(days=-1 if _norm(m["dir"]) == "before" else 1)
    if unit == "day":
        return Resolved("DATE", day.isoformat())
    return Resolved("TIME", f"{day.isoformat()}T{_pod(unit)}")


def part_of_day_word(m: Match, ctx: Context) -> Resolved | None:
    """'tonight', 'overnight' (the night before the DCT), 'mid-afternoon', 'the morning'."""
    word = _norm(m["word"])
    code = _pod(word)
    offset = -1 if word == "overnight" else 0
    # "tonight" is deictic (the DCT's night); "the morning", "overnight", "mid-afternoon" fall
    # on the day being narrated.
    day = ctx.dct if word == "tonight" else ctx.narrative_day(m)
    if day is None:
        return Resolved("TIME", f"XXXX-XX-XXT{code}")
    return Resolved("TIME", f"{(day + timedelta(days=offset)).isoformat()}T{code}")
