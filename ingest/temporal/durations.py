"""Resolvers for durations ("30-hour", "the past three months", "ten years") and sets
("every week", "daily", "each Thursday", "$5 million a year").

Values follow TIMEX3: P30D, PT30H, P2Y6M; an unknown count gives PXY ("several years").
"""

from __future__ import annotations

import re
from fractions import Fraction

from ingest.temporal.context import Context, Resolved, month_number, weekday_number
from ingest.temporal.lexicon import (
    APPROX_MODS,
    SEASONS,
    UNIT_MULTIPLIER,
    UNIT_PLURALS,
    UNITS,
    VAGUE_QUANTITIES,
)
from ingest.temporal.numbers import parse_number

Match = re.Match[str]

# Units TIMEX3 writes as multiples of another ("two decades" = P20Y).
_SCALE = {"DE": ("Y", 10), "CE": ("Y", 100), "ML": ("Y", 1000)}
# A fraction of a unit spills into the next smaller one: (letter, factor, is time unit).
_SMALLER = {"Y": ("M", 12, False), "M": ("D", 30, False), "W": ("D", 7, False),
            "D": ("H", 24, True), "H": ("M", 60, True), "MIN": ("S", 60, True)}  # fmt: skip
_RATE_WORDS = frozenset(
    "million billion thousand hundred percent % times dollars cents points miles tons barrels "
    "pounds shares euros yen marks francs".split()
)
_ADVERB_FOLLOWERS = frozenset(
    "since through until for and or in on at to from by during over with between".split()
)
# "one day" after a modal or a subject pronoun is the adverb "some day", not a duration.
_ONE_DAY_ADVERB_AFTER = frozenset(
    "will would could might may can shall should must he she they we i you it".split()
)
# After these "last" is the verb ("will last", "to last"), not the adjective.
_VERB_LAST_AFTER = frozenset(
    "will would could can may might should must to not n't 'll did does do".split()
)
_ADVERBS = {
    "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M",
    "yearly": "P1Y", "hourly": "PT1H", "semiannually": "P6M", "annually": "P1Y",
    "quarterly": "P3M", "fortnightly": "P2W",
}  # fmt: skip


def normalise_unit(word: str) -> tuple[str, int]:
    """'weeks' -> ('W', 1), 'fortnight' -> ('W', 2), 'minutes' -> ('MIN', 1)."""
    w = word.lower()
    w = UNIT_PLURALS.get(w, w[:-1] if w.endswith("s") and w[:-1] in UNITS else w)
    letter, is_time = UNITS[w]
    if is_time and letter == "M":
        letter = "MIN"
    return letter, UNIT_MULTIPLIER.get(w, 1)


def duration_value(count: Fraction | None, unit_word: str) -> str:
    """TIMEX3 duration: (3, 'months') -> 'P3M', (30, 'hour') -> 'PT30H', (None, 'years') ->
    'PXY', (2.5, 'years') -> 'P2Y6M'."""
    letter, multiplier = normalise_unit(unit_word)
    if letter in _SCALE:
        letter, factor = _SCALE[letter]
        multiplier *= factor
    is_time = letter in ("H", "MIN", "S")
    prefix = "PT" if is_time else "P"
    out = "M" if letter == "MIN" else letter
    if count is None:
        return f"{prefix}X{out}"
    count = count * multiplier
    whole = int(count)
    rest = count - whole
    if not rest:
        return f"{prefix}{whole}{out}"
    if letter in _SMALLER:
        small, factor, small_time = _SMALLER[letter]
        small_out = "M" if small == "MIN" else small
        part = rest * factor
        part_text = str(int(part)) if part == int(part) else f"{float(part):g}"
        head = f"{prefix}{whole}{out}" if whole else prefix
        if small_time and not is_time:
            return f"{head}T{part_text}{small_out}"
        return f"{head}{part_text}{small_out}"
    return f"{prefix}{float(count):g}{out}"


def duration(m: Match, ctx: Context) -> Resolved | None:
    """'ten years', '30-day', 'the past three months', 'more than four hours', 'weeks'."""
    groups = m.groupdict()
    if groups.get("old") and groups["old"].lower() == "-old":
        return None  # ages ("a 48-year-old man") are not time expressions in TimeML
    unit = m["unit"]
    num_text = groups.get("num")
    text = m.group(0).lower()
    if num_text is None or num_text.lower() in ("several", "multi") or groups.get("num2"):
        count = None  # "weeks", "several years", a range "12 to 18 months": no one count
    else:
        count = parse_number(num_text)
        vague = re.sub(r"\s+", " ", num_text.lower()) in VAGUE_QUANTITIES
        if count is None and not vague:
            return None
    article = num_text is not None and num_text.lower() in ("a", "an")
    if article and unit.lower() in ("second", "quarter"):
        return None  # "a second term", "a quarter of the votes"
    followed_by_of = ctx.next_words(m.end(), 1) == ["of"]
    fraction = count is not None and count <= 3 and not groups.get("rel")
    if unit.lower().startswith("quarter") and followed_by_of and fraction:
        return None  # "three quarters of the shares"
    if ctx.next_words(m.end(), 1) == ["old"]:
        return None  # ages ("52 years old") are not time expressions in TimeML
    if article and _is_rate(ctx, m.start()):
        return None  # "$2 million a year", "four flights a week": a rate, not a duration
    if count is not None and text.endswith("and a half"):
        count += Fraction(1, 2)
    if count is not None and count == 0:
        return None
    if text == "one day" and ctx.previous_word(m.start()) in _ONE_DAY_ADVERB_AFTER:
        return Resolved("DATE", "FUTURE_REF")  # "Islam will one day be ...": some future day
    rel = (groups.get("rel") or "").lower()
    if rel == "last" and ctx.previous_word(m.start()) in _VERB_LAST_AFTER:
        return None  # "talks will last two years": the verb; "two years" is tagged alone
    if count is None and rel in ("past", "last", "previous") and "the" in text.split()[:2]:
        return Resolved("DATE", "PAST_REF")  # "the past several quarters": TimeBank's reading
    mod = APPROX_MODS.get(re.sub(r"\s+", " ", (groups.get("approx") or "").lower()))
    if _reporting_period(count, unit, text):
        ctx.last_period_at = m.start()
    return Resolved("DURATION", duration_value(count, unit), mod)


def _reporting_period(count: Fraction | None, unit: str, text: str) -> bool:
    """'the nine months', 'the first six months': a half-year or longer period a company
    reports on, which "a year earlier" then compares (not the quarter named before it)."""
    month = unit.lower().startswith("month")
    return month and count in (6, 9, 12) and text.startswith("the")


def set_every(m: Match, ctx: Context) -> Resolved | None:
    """'every week' -> P1W, 'every other day' -> P2D, 'each year' -> P1Y. A speed or rate
    ('15 million instructions per second', '60 miles per hour') is a measure, not a set: TimeML
    (after TIDES 2005) leaves expressions of speed untagged."""
    if m.group(0)[:3].lower() == "per" and _is_rate(ctx, m.start()):
        return None
    count = parse_number(m["num"]) if m["num"] else Fraction(1)
    if count is None:
        return None
    if m["other"]:
        count *= 2
    return Resolved("SET", duration_value(count, m["unit"]))


def set_every_named(m: Match, ctx: Context) -> Resolved | None:
    """'every Monday' -> XXXX-WXX-1, 'each July' -> XXXX-07, 'every summer' -> XXXX-SU."""
    if m["wd"]:
        return Resolved("SET", f"XXXX-WXX-{weekday_number(m['wd'])}")
    if m["month"]:
        return Resolved("SET", f"XXXX-{month_number(m['month']):02d}")
    return Resolved("SET", f"XXXX-{SEASONS[m['season'].lower()]}")


def set_plural_day(m: Match, ctx: Context) -> Resolved | None:
    """'Sundays' -> XXXX-WXX-7, 'weekends' -> XXXX-WXX-WE."""
    if m["we"]:
        return Resolved("SET", "XXXX-WXX-WE")
    return Resolved("SET", f"XXXX-WXX-{weekday_number(m['wd'])}")


def set_adverb(m: Match, ctx: Context) -> Resolved | None:
    """'daily', 'weekly' as adverbs ("published daily"); as adjectives ("daily flights",
    "the Daily Telegraph") they qualify a noun and are not tagged."""
    word = m["word"]
    nxt = ctx.text[m.end() : m.end() + 30].lstrip()
    following = ctx.next_words(m.end(), 1)
    if nxt[:1].isalpha() and following and following[0] not in _ADVERB_FOLLOWERS:
        return None
    if _is_rate(ctx, m.start()):
        return None  # "to rise 8.5% annually", "10,000 units annually": a rate, as "a year"
    return Resolved("SET", _ADVERBS[word.lower()])


def _is_rate(ctx: Context, begin: int) -> bool:
    """Is 'a year' at `begin` the 'per' of a rate ('$2 million a year', '700 seats a week')?"""
    prev = ctx.previous_word(begin).lstrip("$#€£")
    if prev in _RATE_WORDS or prev[:1].isdigit() or prev.endswith("%"):
        return True
    return (
        len(prev) > 3
        and prev.endswith("s")
        and not prev.endswith("ss")
        and (prev[:-1] not in UNITS and prev not in ("is", "was", "has", "this", "its"))
    )


def set_rate(m: Match, ctx: Context) -> Resolved | None:
    """'twice a week', 'three times a year', 'per year'. A bare rate ('$33 million a year')
    is left untagged, as TimeBank does."""
    per = m["art"].lower() == "per" and m["unit"].lower() in ("day", "week", "month", "year")
    if m["times"] or per:
        return Resolved("SET", duration_value(Fraction(1), m["unit"]))
    return None
