"""Resolvers for calendar expressions: dates, months, years, quarters, seasons, holidays.

A missing year is taken from the DCT, moved a year back or forward when the sentence's tense
says so ("in October" in a past-tense January sentence is last October). Without a DCT the
year stays unknown ("XXXX-10").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.temporal import calendar as cal
from ingest.temporal.context import (
    DAY_TENSE_REACH_DAYS,
    Context,
    Resolved,
    day_number,
    month_number,
    pick,
    weekday_number,
    year_number,
)
from ingest.temporal.lexicon import (
    EASTER_HOLIDAYS,
    FIXED_HOLIDAYS,
    LUNAR_HOLIDAYS,
    NTH_WEEKDAY_HOLIDAYS,
    PERIOD_MODS,
    QUARTER_ORDINALS,
    SEASONS,
)
from ingest.temporal.tense import FUTURE, PAST

Match = re.Match[str]
# A holiday this close to the DCT is that one, whatever the tense ("the Easter truce").
HOLIDAY_NEAR_DAYS = 10
HOLIDAY_REACH_DAYS = 180  # beyond that, the nearest occurrence
_DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}  # fmt: skip
# A bare "May" is too often the verb or a surname ("Theresa May") to be read as a month.
_MONTH_PREPOSITIONS = frozenset(
    "in since until till by from through during before after of last next this early late mid "
    "end beginning middle and or between to".split()
)


def period_mod(text: str | None) -> str | None:
    """'early' -> 'START', 'the end of' -> 'END', 'mid' -> 'MID'."""
    if not text:
        return None
    key = re.sub(r"\s+", " ", text.lower()).strip(" -")
    return PERIOD_MODS.get(key) or PERIOD_MODS.get(key + "-")


def _relative_year(rel: str | None, dct: date | None) -> int | None:
    if dct is None or not rel:
        return None
    rel = rel.lower()
    if rel.startswith("last"):
        return dct.year - 1
    if rel.startswith("next"):
        return dct.year + 1
    return dct.year


def numeric_date(m: Match, ctx: Context) -> Resolved | None:
    """'2025-04-21', '4/21/2025'."""
    year = int(m["year"])
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        d = date(year, int(m["month"]), int(m["day"]))
    except ValueError:
        return None
    return Resolved("DATE", d.isoformat())


def month_day_value(
    month: int, day: int, ctx: Context, direction: int, weekday: int | None = None
) -> str | None:
    """YYYY-MM-DD for a month and day named without a year: the occurrence the tense points
    to (and, given a weekday, one that falls on it)."""
    if ctx.dct is None:
        return f"XXXX-{month:02d}-{day:02d}"
    candidates = []
    for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1):
        try:
            candidates.append(date(y, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    if weekday is not None:
        candidates = [c for c in candidates if c.isoweekday() == weekday] or candidates
    return pick(candidates, ctx.dct, direction, DAY_TENSE_REACH_DAYS).isoformat()


def month_day(m: Match, ctx: Context) -> Resolved | None:
    """'April 21, 2025', '21 April', 'Feb. 3', 'Saturday, April 25', 'March eighth',
    'April 5 last year'."""
    month = month_number(m["month"] or m["month2"])
    try:
        day = day_number(m["day"] or m["day2"])
    except KeyError:
        return None
    if not 1 <= day <= 31:
        return None
    if m["year"] or (m["rely"] and ctx.dct is not None):
        # "April 5, 2012"; "April 5 last year"
        year = year_number(m["year"]) if m["year"] else _relative_year(m["rely"], ctx.dct)
        if year is None:
            return None
        try:
            return Resolved("DATE", date(year, month, day).isoformat())
        except ValueError:
            return None
    if m["rely"]:
        return Resolved("DATE", f"XXXX-{month:02d}-{day:02d}")
    coming = (m["coming"] or "").lower()
    direction = FUTURE if coming in ("next", "coming", "this coming") else ctx.tense(m, plans=True)
    if coming == "last":
        direction = PAST
    weekday = weekday_number(m["wd"]) if m["wd"] else None
    value = month_day_value(month, day, ctx, direction, weekday)
    return Resolved("DATE", value) if value else None


def _month_in_context(month: int, m: Match, ctx: Context, rel: str | None) -> str:
    """YYYY-MM for a month named without a year."""
    if ctx.dct is None:
        return f"XXXX-{month:02d}"
    rel = (rel or "").lower()
    y = ctx.dct.year
    if rel in ("this", "current"):
        return f"{y}-{month:02d}"
    # "last February" written in March means a year ago: last month would be "last month".
    if rel in ("last", "past", "previous", "this past"):
        return f"{y if month < ctx.dct.month - 1 else y - 1}-{month:02d}"
    if rel in ("next", "coming", "following", "this coming"):
        return f"{y if month > ctx.dct.month + 1 else y + 1}-{month:02d}"
    candidates = [date(yy, month, 1) for yy in (y - 1, y, y + 1)]
    chosen = pick(candidates, ctx.dct.replace(day=1), ctx.tense(m))
    return f"{chosen.year}-{month:02d}"


def month_year(m: Match, ctx: Context) -> Resolved | None:
    """'February 2022', 'June last year', 'January nineteen ninety-seven'."""
    month = month_number(m["month"])
    year = year_number(m["year"]) if m["year"] else _relative_year(m["rel"], ctx.dct)
    value = f"{year}-{month:02d}" if year else f"XXXX-{month:02d}"
    return Resolved("DATE", value, period_mod(m["mod"]))


def month_only(m: Match, ctx: Context) -> Resolved | None:
    """'March', 'last April', 'mid-March', 'early September'."""
    word = m["month"]
    bare = not (m["mod"] or m["rel"])
    after_preposition = ctx.previous_word(m.start()) in _MONTH_PREPOSITIONS
    if bare and word.rstrip(".").lower() in ("may", "mar") and not after_preposition:
        return None
    # "March on Washington": "March" as a verb at a sentence start.
    nxt = ctx.next_words(m.end(), 1)
    verb_like = bool(nxt) and nxt[0] in ("on", "to", "through", "against", "in")
    if bare and word.lower() == "march" and verb_like and not after_preposition:
        return None
    month = month_number(word)
    return Resolved("DATE", _month_in_context(month, m, ctx, m["rel"]), period_mod(m["mod"]))


def holiday(m: Match, ctx: Context) -> Resolved | None:
    """Christmas, New Year, Easter (computus), Orthodox Easter, Thanksgiving, Ramadan..."""
    name = re.sub(r"\s+", " ", m["name"].lower().replace("’", "'"))
    name = name.removeprefix("the ") if name not in FIXED_HOLIDAYS else name
    if name in LUNAR_HOLIDAYS:
        return lunar_holiday(name, m, ctx)

    def on(year: int) -> date:
        if name in FIXED_HOLIDAYS:
            mo, d = FIXED_HOLIDAYS[name]
            return date(year, mo, d)
        if name in EASTER_HOLIDAYS:
            church, offset = EASTER_HOLIDAYS[name]
            return cal.easter_date(year, church == "orthodox") + timedelta(days=offset)
        mo, wd, n, offset = NTH_WEEKDAY_HOLIDAYS[name]
        return cal.nth_weekday(year, mo, wd, n) + timedelta(days=offset)

    if not any(name in table for table in (FIXED_HOLIDAYS, EASTER_HOLIDAYS, NTH_WEEKDAY_HOLIDAYS)):
        return None
    if m["year"]:
        return Resolved("DATE", on(int(m["year"])).isoformat())
    year = _relative_year(m["rel"], ctx.dct) if m["rel"] else None
    if year:
        return Resolved("DATE", on(year).isoformat())
    if ctx.dct is None:
        if name in FIXED_HOLIDAYS:
            mo, d = FIXED_HOLIDAYS[name]
            return Resolved("DATE", f"XXXX-{mo:02d}-{d:02d}")
        return Resolved("DATE", "XXXX-XX-XX")
    candidates = [on(y) for y in (ctx.dct.year - 1, ctx.dct.year, ctx.dct.year + 1)]
    nearest = min(candidates, key=lambda c: abs((c - ctx.dct).days))  # type: ignore[operator]
    if abs((nearest - ctx.dct).days) <= HOLIDAY_NEAR_DAYS:
        return Resolved("DATE", nearest.isoformat())  # the Easter just past or at hand
    return Resolved("DATE", pick(candidates, ctx.dct, ctx.tense(m), HOLIDAY_REACH_DAYS).isoformat())


def lunar_holiday(name: str, m: Match, ctx: Context) -> Resolved | None:
    """Ramadan, Eid al-Fitr, Eid al-Adha on the tabular Islamic calendar (observed dates agree
    or differ by a day). With a year, the one that starts in it; otherwise the occurrence the
    DCT and tense point to, as for Easter. Ramadan is valued by its first day and spans the
    month up to the eve of Eid al-Fitr."""
    month, day, length = LUNAR_HOLIDAYS[name]

    def occurrence(h_year: int) -> Resolved:
        first = cal.islamic_to_date(h_year, month, day)
        if length:
            return Resolved("DATE", first.isoformat())
        nxt = cal.islamic_to_date(h_year + month // 12, month % 12 + 1, 1)
        return Resolved("DATE", first.isoformat(), span=(first, nxt - timedelta(days=1)))

    def starts(g_year: int) -> list[tuple[date, int]]:
        out = []
        for h in cal.islamic_years_around(g_year):
            d = cal.islamic_to_date(h, month, day)
            if g_year - 1 <= d.year <= g_year + 1:
                out.append((d, h))
        return out

    g_year = int(m["year"]) if m["year"] else _relative_year(m["rel"], ctx.dct)
    if g_year:
        in_year = [h for d, h in starts(g_year) if d.year == g_year]
        return occurrence(in_year[0]) if in_year else None
    if ctx.dct is None:
        return Resolved("DATE", "XXXX-XX-XX")
    dct = ctx.dct
    found = starts(dct.year)
    by_date = {d: h for d, h in found}
    candidates = sorted(by_date)
    if not length:
        # Ramadan under way at the DCT is this Ramadan, whatever the tense.
        for d, h in found:
            if d <= dct < d + timedelta(days=30):
                return occurrence(h)
    nearest = min(candidates, key=lambda c: abs((c - dct).days))
    if abs((nearest - dct).days) <= HOLIDAY_NEAR_DAYS:
        return occurrence(by_date[nearest])
    return occurrence(by_date[pick(candidates, dct, ctx.tense(m), HOLIDAY_REACH_DAYS)])


def _quarter_year(q: int, m: Match, ctx: Context) -> int | None:
    """Year of a quarter named without one: the DCT's, or the year before when that quarter
    has not started yet and nothing points to the future (Q4 results reported in January)."""
    if ctx.dct is None:
        return None
    current = cal.quarter_of(ctx.dct)
    if q <= current or ctx.tense(m) == FUTURE:
        return ctx.dct.year
    return ctx.dct.year - 1


def quarter(m: Match, ctx: Context) -> Resolved | None:
    """'the third quarter', 'third-quarter', 'the 1988 second quarter', 'fiscal 1998 Q1'."""
    q = QUARTER_ORDINALS[m["q"].lower()]
    year: int | None
    if m["y1"] or m["y2"] or m["y3"]:
        year = int(m["y1"] or m["y2"] or m["y3"])
    elif m["rely"] or m["relafter"]:
        year = _relative_year((m["rely"] or m["relafter"]).strip(), ctx.dct)
    else:
        year = _quarter_year(q, m, ctx)
    if year is None:
        return Resolved("DATE", f"XXXX-Q{q}")
    if m["ago"]:
        return Resolved("DATE", f"{year - 1}-Q{q}")  # "the year-ago third quarter"
    ctx.note_quarter(year, q, m.start(), reported=ctx.tense(m) == PAST)
    return Resolved("DATE", f"{year}-Q{q}")


def quarter_code(m: Match, ctx: Context) -> Resolved | None:
    """'Q3 2024' -> 2024-Q3, 'H1 2025' -> 2025-H1, "3Q24", "Q4'23", 'Q1' (the year as for
    'the first quarter'). A bare "Q3"-like code must be upper case; two-digit years are 19xx
    above 50, else 20xx."""
    kind = m["kind"] or m["kind2"]
    n = int(m["n"] or m["n2"])
    if kind == "H" and n > 2:
        return None
    raw = m["y1"] or m["y2"] or m["y2d"] or m["y3"]
    year: int | None = None
    if raw:
        year = int(raw) if len(raw) == 4 else (1900 if int(raw) > 50 else 2000) + int(raw)
    elif kind == "Q":
        year = _quarter_year(n, m, ctx)
    elif ctx.dct is not None:
        year = ctx.dct.year if n == 1 or ctx.dct.month > 6 else ctx.dct.year - 1
    if year is None:
        return Resolved("DATE", f"XXXX-{kind}{n}")
    if kind == "Q":
        ctx.note_quarter(year, n, m.start(), reported=ctx.tense(m) == PAST)
    return Resolved("DATE", f"{year}-{kind}{n}")


def half(m: Match, ctx: Context) -> Resolved | None:
    """'the first half (of 1998)' -> 1998-H1; 'the last half of 1989' -> 1989-H2 (only with
    its year: "the last half" alone is as often a game's or a film's)."""
    if m["h"].lower() == "last" and not (m["y1"] or m["y2"]):
        return None
    h = 1 if m["h"].lower() in ("first", "1st") else 2
    if m["y1"] or m["y2"]:
        year: int | None = int(m["y1"] or m["y2"])
    elif ctx.dct is None:
        year = None
    else:
        year = ctx.dct.year if h == 1 or ctx.dct.month > 6 else ctx.dct.year - 1
        if ctx.tense(m) == FUTURE:
            year = ctx.dct.year if (ctx.dct.month <= 6 or h == 2) else ctx.dct.year + 1
    return Resolved("DATE", f"{year}-H{h}" if year else f"XXXX-H{h}")


def anaphoric_quarter(m: Match, ctx: Context) -> Resolved | None:
    """'the latest quarter', 'the quarter', 'the year-ago period', 'the 1988 period'."""
    which = (m["which"] or "").lower().replace(" ", "-")
    kind = (m["kind"] or "quarter").lower()
    if kind == "period" and not which and not m["rely"]:
        return None
    if not which and not m["rely"] and not m.group(0).lower().startswith("the"):
        return None
    topic = ctx.topical_quarter(m.start())
    if topic is None and ctx.dct is not None:
        # No quarter mentioned: the latest reported quarter is the one before the DCT's.
        y, q = ctx.dct.year, cal.quarter_of(ctx.dct) - 1
        topic = (y - 1, 4) if q == 0 else (y, q)
    year_shift = 0
    if which in ("year-ago", "year-earlier") or m["lastyear"]:
        year_shift = -1
    if m["rely"]:
        year_shift = {"last": -1, "this": 0, "next": 1}[m["rely"].lower()]
    if m["y"]:
        if topic is None:
            return Resolved("DATE", m["y"])
        return Resolved("DATE", f"{m['y']}-Q{topic[1]}")
    if which == "current" and ctx.dct is not None:
        return Resolved("DATE", f"{ctx.dct.year}-Q{cal.quarter_of(ctx.dct)}")
    if topic is None:
        return Resolved("DATE", "XXXX-QX")
    if (
        kind == "period"
        and which in ("year-ago", "year-earlier")
        and not ctx.topical_quarter(m.start())
    ):
        return Resolved("DATE", str(topic[0] + year_shift))
    return Resolved("DATE", f"{topic[0] + year_shift}-Q{topic[1]}")


def relative_quarter(m: Match, ctx: Context) -> Resolved | None:
    """'this quarter', 'last quarter', 'next quarter', 'the current quarter'."""
    if ctx.dct is None:
        return Resolved("DATE", "XXXX-QX")
    rel = m["rel"].lower().split()[-1]
    shift = {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(rel, 0)
    topic = ctx.topical_quarter(m.start())
    if rel == "this" and topic:
        return Resolved("DATE", f"{topic[0]}-Q{topic[1]}")  # "this quarter's loss", reported
    idx = ctx.dct.year * 4 + cal.quarter_of(ctx.dct) - 1 + shift
    year, q = idx // 4, idx % 4 + 1
    ctx.note_quarter(year, q, m.start())
    return Resolved("DATE", f"{year}-Q{q}")


def season(m: Match, ctx: Context) -> Resolved | None:
    """'this summer', 'last fall', 'the winter of 1994'; 'fall' needs a determiner or year."""
    code = SEASONS[m["season"].lower()]
    rel = (m["rel"] or "").lower().replace("-", " ").strip()
    if code == "FA" and not m["year"] and ctx.next_words(m.end(), 1) == ["of"]:
        return None  # "the fall of Saigon": a collapse, not autumn (HeidelTime: date_r2d2)
    if m["year"]:
        year = year_number(m["year"])
        mod = period_mod(rel) if rel in ("early", "late", "mid") else None
        return Resolved("DATE", f"{year}-{code}", mod)
    if not rel:
        return None
    if ctx.dct is None:
        return Resolved("DATE", f"XXXX-{code}")
    # The season containing the DCT, and its year (winter belongs to the year it starts in).
    y = ctx.dct.year
    season_years = [(y - 1, code), (y, code), (y + 1, code)]
    starts = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
    dct_month_index = ctx.dct.year * 12 + ctx.dct.month - 1
    spans = []
    for sy, sc in season_years:
        first = sy * 12 + starts[sc] - 1
        spans.append((sy, first, first + 2))
    current = [sy for sy, a, b in spans if a <= dct_month_index <= b]
    past = [sy for sy, a, b in spans if b < dct_month_index]
    future = [sy for sy, a, b in spans if a > dct_month_index]
    mod = period_mod(rel) if rel in ("early", "late", "mid") else None
    if rel in ("last", "this past"):
        year = max(past)
    elif rel in ("next", "this coming"):
        year = min(future)
    elif current:
        year = current[0]
    else:
        tense = ctx.tense(m)
        year = max(past) if tense == PAST or (rel == "the" and tense != FUTURE) else min(future)
    return Resolved("DATE", f"{year}-{code}", mod)


def decade(m: Match, ctx: Context) -> Resolved | None:
    """'the 1990s' -> 199, "the '80s" -> 198, 'the late 1970s' (mod END), 'the nineties'."""
    if m["dec"]:
        value = m["dec"][:3]
    elif m["dec2"]:
        value = "19" + m["dec2"][0]
    else:
        value = f"19{_DECADE_WORDS[m['decw'].lower()]}"
        if m.group(0).lower().split()[0] not in ("the", "early", "mid", "late"):
            return None
    return Resolved("DATE", value, period_mod(m["mod"]))


def century(m: Match, ctx: Context) -> Resolved | None:
    """'the 20th century' -> 19 (TIMEX3 centuries are the first two digits)."""
    n = day_number(m["n"])
    return Resolved("DATE", f"{n - 1:02d}", period_mod(m["mod"]))


def year(m: Match, ctx: Context) -> Resolved | None:
    """'1998', 'fiscal 1989', 'mid-1996', 'the end of 1990'."""
    value = int(m["year"])
    if not (1500 <= value <= 2100) and not m["fiscal"] and not m["mod"]:
        return None
    prev = ctx.previous_word(m.start())
    if prev in ("no.", "no", "number", "flight", "route", "model", "room", "page", "p."):
        return None
    ctx.last_year = value
    return Resolved("DATE", str(value), period_mod(m["mod"]))


def spoken_year_date(m: Match, ctx: Context) -> Resolved | None:
    """'nineteen ninety-six', 'the year two thousand'."""
    value = year_number(m["year"])
    if value is None or not (1500 <= value <= 2100):
        return None
    text = m.group(0).lower()
    if (
        value == 2000
        and "year" not in text
        and ctx.previous_word(m.start())
        not in (
            "in",
            "since",
            "until",
            "by",
        )
    ):
        return None  # "two thousand people"
    nxt = ctx.next_words(m.end(), 1)
    if nxt and nxt[0] in ("people", "dollars", "troops", "years", "miles", "soldiers"):
        return None
    ctx.last_year = value
    return Resolved("DATE", str(value), period_mod(m["mod"]))
