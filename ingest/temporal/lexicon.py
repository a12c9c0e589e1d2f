"""Word lists the patterns are built from: months, weekdays, numbers, units, seasons, holidays.

Everything language-specific lives here so that adding a spelling ("Sept.", "Thurs.") or a unit
is a one-line change; `patterns.py` turns these tables into regex alternatives.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

# Full names only: abbreviations need a following period to count (see patterns.MONTH).
MONTH_FULL = [m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
MONTH_ABBR = [m for m in MONTHS if m not in MONTH_FULL]

WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sunday": 7,
}  # fmt: skip
# Abbreviations are only accepted with a period ("Tues."), so "Sun" and "Wed" stay words.
WEEKDAY_ABBR: dict[str, int] = {
    "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5,
    "sat": 6, "sun": 7,
}  # fmt: skip

UNITS_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000}
# Quantities that behave like numbers in "a couple of years", "a dozen days".
NUMBER_PHRASES = {"a couple of": 2, "couple of": 2, "a couple": 2, "a dozen": 12, "dozen": 12,
                  "half a dozen": 6}  # fmt: skip
ARTICLE_ONE = {"a": 1, "an": 1}
# Vague quantities: "several years" is a duration with an unknown count (PXY).
VAGUE_QUANTITIES = ("a few", "several", "a number of", "many", "few", "some")

ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# "twenty-first" .. "thirty-first" for spoken dates ("March twenty-first").
for _tens, _tv in (("twenty", 20), ("thirty", 30)):
    for _ord, _ov in list(ORDINALS.items())[:9]:
        if _tv + _ov <= 31:
            ORDINALS[f"{_tens}-{_ord}"] = _tv + _ov
            ORDINALS[f"{_tens} {_ord}"] = _tv + _ov

QUARTER_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2,
                    "3rd": 3, "4th": 4, "final": 4, "last": 4}  # fmt: skip
HALF_ORDINALS = {"first": 1, "second": 2, "1st": 1, "2nd": 2}

# Duration units -> (TIMEX3 letter, is a time unit needing "PT").
UNITS: dict[str, tuple[str, bool]] = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "night": ("D", False), "week": ("W", False), "fortnight": ("W", False),
    "month": ("M", False), "quarter": ("Q", False), "year": ("Y", False),
    "decade": ("DE", False), "century": ("CE", False), "millennium": ("ML", False),
}  # fmt: skip
UNIT_PLURALS = {"centuries": "century", "millennia": "millennium", "fortnights": "fortnight"}
UNIT_MULTIPLIER = {"fortnight": 2}  # a fortnight is two weeks

SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI",
    "overnight": "NI", "midday": "MI", "mid-afternoon": "AF", "mid afternoon": "AF",
    "noon": "T12:00", "midnight": "T24:00",
}  # fmt: skip

# Modifiers in front of a period: "early March", "late last year", "mid-1996".
PERIOD_MODS = {
    "early": "START", "the beginning of": "START", "the start of": "START",
    "late": "END", "the end of": "END", "end of": "END", "the close of": "END",
    "mid": "MID", "mid-": "MID", "the middle of": "MID", "middle of": "MID",
}  # fmt: skip

# Modifiers of a duration or a point: "nearly two years", "more than four hours".
APPROX_MODS = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "some": "APPROX",
    "approximately": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN",
    "more than": "MORE_THAN", "over": "MORE_THAN", "at least": "EQUAL_OR_MORE",
    "less than": "LESS_THAN", "under": "LESS_THAN", "up to": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS", "just over": "MORE_THAN",
    "just under": "LESS_THAN", "barely": "EQUAL_OR_LESS",
}  # fmt: skip

# Fixed-date holidays: name -> (month, day).
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "boxing day": (12, 26), "new year's day": (1, 1), "new year's eve": (12, 31),
    "new year": (1, 1), "new years day": (1, 1), "new years eve": (12, 31),
    "independence day": (7, 4), "the fourth of july": (7, 4), "july fourth": (7, 4),
    "halloween": (10, 31), "valentine's day": (2, 14), "st. patrick's day": (3, 17),
    "veterans day": (11, 11), "armistice day": (11, 11), "remembrance day": (11, 11),
    "international women's day": (3, 8), "women's day": (3, 8), "may day": (5, 1),
    "bastille day": (7, 14), "victory day": (5, 9), "epiphany": (1, 6),
    "all saints' day": (11, 1), "orthodox christmas": (1, 7), "d-day": (6, 6),
    "earth day": (4, 22), "world aids day": (12, 1), "juneteenth": (6, 19),
    "canada day": (7, 1), "australia day": (1, 26), "anzac day": (4, 25),
    "groundhog day": (2, 2),
}  # fmt: skip
# Holidays relative to (Western or Orthodox) Easter: name -> (calendar, day offset).
EASTER_HOLIDAYS: dict[str, tuple[str, int]] = {
    "easter": ("western", 0), "easter sunday": ("western", 0), "easter day": ("western", 0),
    "easter monday": ("western", 1), "good friday": ("western", -2),
    "holy saturday": ("western", -1), "maundy thursday": ("western", -3),
    "holy thursday": ("western", -3), "palm sunday": ("western", -7),
    "ash wednesday": ("western", -46), "shrove tuesday": ("western", -47),
    "mardi gras": ("western", -47), "ascension day": ("western", 39),
    "pentecost": ("western", 49), "whit monday": ("western", 50),
    "orthodox easter": ("orthodox", 0), "orthodox easter sunday": ("orthodox", 0),
}  # fmt: skip
# Islamic holidays on the tabular Islamic calendar: name -> (month, day, length in days; 0 = the
# whole month). Spellings vary: "Eid al-Fitr", "Eid ul-Fitr", "Id al-Adha".
LUNAR_HOLIDAYS: dict[str, tuple[int, int, int]] = {}
for _names, _row in (
    (("ramadan", "ramadhan", "ramazan"), (9, 1, 0)),
    (("eid al-fitr", "eid ul-fitr", "eid-al-fitr", "eid al fitr", "id al-fitr"), (10, 1, 1)),
    (("eid al-adha", "eid ul-adha", "eid-al-adha", "eid al adha", "id al-adha"), (12, 10, 1)),
    (("ashura",), (1, 10, 1)),
    (("islamic new year", "hijri new year"), (1, 1, 1)),
):
    for _name in _names:
        LUNAR_HOLIDAYS[_name] = _row
# Holidays on the n-th weekday of a month, plus a day offset: name -> (month, weekday 1-7,
# n; -1 = last, offset in days). US Election Day is the Tuesday after the first Monday of
# November; Black Friday the day after Thanksgiving.
NTH_WEEKDAY_HOLIDAYS: dict[str, tuple[int, int, int, int]] = {
    "thanksgiving": (11, 4, 4, 0), "thanksgiving day": (11, 4, 4, 0),
    "memorial day": (5, 1, -1, 0), "labor day": (9, 1, 1, 0), "labour day": (9, 1, 1, 0),
    "martin luther king day": (1, 1, 3, 0), "martin luther king jr. day": (1, 1, 3, 0),
    "presidents day": (2, 1, 3, 0), "presidents' day": (2, 1, 3, 0),
    "mother's day": (5, 7, 2, 0), "father's day": (6, 7, 3, 0), "columbus day": (10, 1, 2, 0),
    "election day": (11, 1, 1, 1), "black friday": (11, 4, 4, 1),
}  # fmt: skip

# Past-tense verbs that do not end in -ed; used by tense.py. Forms that are also present or
# infinitive ("cut", "set", "beat", "put") are left out: they say nothing about tense.
IRREGULAR_PAST = frozenset(
    """was were had did said told made went came took gave got met left began saw held won
    lost sent spoke rose fell became brought bought built caught chose drew drove ate fought
    found flew forgot froze grew hung heard hid knew laid led lent meant paid rode rang ran
    sold shook shot sang sank sat slept slid spent stood stole struck swore swam swung taught
    tore thought threw understood woke wore wrote withdrew overtook undertook arose awoke bore
    bent bit blew broke bred clung crept dealt dug dove dreamt fed felt fled flung forbade
    forgave foresaw knelt leapt misled mistook overcame overran oversaw overthrew sought shone
    shrank slew sped spun sprang stuck stung strode strove swept upheld wept withheld withstood
    """.split()
)
# Words ending in -ed that are not past-tense verbs.
NOT_PAST_ED = frozenset(
    """need needs speed seed feed bed red hundred united weed bleed breed creed deed greed
    heed reed shed shred sled wed embed indeed proceed succeed exceed naked sacred wicked
    kindred bred fled led sped""".split()
)
FUTURE_CUES = frozenset(
    """will 'll shall would going expected expects expect intends intend upcoming next coming
    tomorrow hopes hope aims aim payable effective until ahead""".split()
)

# Past verbs of intention or planning: the infinitive after them lies ahead of them ("agreed
# to meet on Friday"), unlike a purpose infinitive ("gathered to demand ... on Friday"),
# which shares its verb's (past) time. Used by tense.py.
INTENTION_VERBS = frozenset(
    """agreed planned decided promised pledged vowed threatened scheduled expected hoped
    intended aimed prepared wanted invited proposed offered asked urged sought arranged
    committed undertook chose voted set supposed slated poised told ordered instructed
    required allowed permitted authorized authorised""".split()
)

# Present-tense verbs of scheduled events: news reports plans in the present ("Arafat meets
# Albright Monday", "the offer expires Friday", "talks resume in March"), so the nearest such
# verb points forward, as HeidelTime's present/future tense reading does. Forms that are
# mostly plural nouns in business news ("tax returns", "votes") are left out; "starts" and
# "ends" stay, as only the verb comes right before a day ("the truce starts Monday").
PRESENT_PLAN_VERBS = frozenset(
    """meet meets begin begins start starts resume resumes open opens convene convenes visit
    travel travels arrive arrives leave expire expires ends fly testify testifies reconvene
    reconvenes takes go goes due""".split()
)


# The distinctive words of holiday names ("easter", "thanksgiving", "ramadan"): anchors, and
# words that date a following year ("Christmas 1990") rather than name something.
HOLIDAY_WORDS = frozenset(
    w
    for name in [*FIXED_HOLIDAYS, *EASTER_HOLIDAYS, *NTH_WEEKDAY_HOLIDAYS, *LUNAR_HOLIDAYS]
    for w in name.replace("'s", " ").replace("'", " ").replace(".", " ").split()
    if w not in ("the", "of", "day", "s", "al", "ul", "id") and not w.startswith(("al-", "ul-"))
)


def _anchor_table() -> dict[str, tuple[str, ...]]:
    """Word -> anchor classes. Every time expression contains at least one anchor word (or a
    year / clock number); patterns are only tried where an anchor is (see anchors.py)."""
    table: dict[str, set[str]] = {}

    def add(cls: str, words: object) -> None:
        for w in words:  # type: ignore[attr-defined]
            table.setdefault(str(w), set()).add(cls)

    add("monthname", MONTHS)
    add("weekday", [*WEEKDAYS, *WEEKDAY_ABBR, *(w + "s" for w in WEEKDAYS)])
    add("unit", [*UNITS, *(u + "s" for u in UNITS), *UNIT_PLURALS])
    add("unit", ["centurys", "weekend", "weekends", "period", "half", "qtr", "days"])
    add("relday", ["today", "yesterday", "tomorrow"])
    add("pod", ["morning", "afternoon", "evening", "night", "tonight", "overnight", "nights"])
    add("clock", ["noon", "midnight"])
    add(
        "ref",
        "now nowadays currently current recently recent lately formerly previously later "
        "past future soon term".split(),
    )
    add("season", SEASONS)
    add(
        "setword",
        "daily weekly monthly annually yearly hourly nightly biweekly semiannually quarterly "
        "fortnightly".split(),
    )
    add(
        "spoken",
        [
            "nineteen",
            "thousand",
            "twenties",
            "thirties",
            "forties",
            "fifties",
            "sixties",
            "seventies",
            "eighties",
            "nineties",
        ],
    )
    add("holiday", HOLIDAY_WORDS)
    return {w: tuple(sorted(c)) for w, c in table.items()}


ANCHORS = _anchor_table()

# Words that may come before an anchor inside one expression ("the past three months",
# "more than two thousand years", "early next month"): where a match may start.
PREFIX_WORDS = (
    frozenset(
        """the this that these last next past previous following coming current latest early late
    mid earlier later end beginning start middle close of more than less about around nearly
    almost over under up to at least most no some several few a an couple dozen half and or
    each every per other fiscal calendar first second third fourth final st nd rd th right
    just consecutive additional straight full whole entire same trading business
    approximately roughly only another twice once times year number barely multi as near
    distant foreseeable immediate short long""".split()
    )
    | frozenset(UNITS_ONES)
    | frozenset(w for w in ORDINALS if " " not in w and "-" not in w)
    | frozenset(TENS)
    | frozenset(SCALES)
    | frozenset(APPROX_MODS)
)
