"""Publication dates (DCT): read from metadata, or found in the article's own text.

The DCT anchors every relative expression ("on Friday"), so a wrong DCT shifts a whole
article: when none can be found the article keeps `published=None` and its relative dates stay
unresolved rather than guessed from the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
FULL_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.replace('month', 'month2')}\s+"
    rf"(?P<year2>(?:19|20)\d\d)"
    rf"|(?P<iso>(?:19|20)\d\d-\d\d-\d\d))\b",
    re.IGNORECASE,
)
# "On Monday, April 21, 2025, ..." or "MOSCOW, April 21 (Reuters) -": a dateline states the DCT.
DATELINE = re.compile(
    rf"^(?:(?-i:[A-Z][A-Z .'-]+),?\s*)?(?:on\s+)?(?:{_WEEKDAY},?\s*)?$", re.IGNORECASE
)


def parse_date(value: str) -> date | None:
    """A date from metadata: ISO 8601, RFC 2822 (feeds) or a written date; None if unreadable."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dateutil_parser.parse(value, fuzzy=False).date()
    except (ValueError, OverflowError):
        return None


def _match_date(m: re.Match[str]) -> date | None:
    try:
        if m.group("iso"):
            return date.fromisoformat(m.group("iso"))
        if m.group("month"):
            return date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
        return date(int(m.group("year2")), MONTHS[m.group("month2").lower()], int(m.group("day2")))
    except ValueError:  # "February 30, 2025"
        return None


def find_dct(text: str, *, head_chars: int = 3000) -> tuple[date | None, str]:
    """The publication date stated in the text, and where it came from.

    A dateline ("On Monday, April 21, 2025," at the start of a paragraph) wins; otherwise the
    latest full date in the article's head (captions and bylines carry the day of the report,
    while background dates in the body are older).
    """
    head = text[:head_chars]
    found: list[date] = []
    for m in FULL_DATE.finditer(head):
        when = _match_date(m)
        if when is None:
            continue
        line_start = head.rfind("\n", 0, m.start()) + 1
        before = re.sub(r"^[A-Z]{4,}(?=[A-Z][a-z])", "", head[line_start : m.start()].strip())
        if DATELINE.match(before):
            return when, "dateline"
        found.append(when)
    if found:
        return max(found), "text"
    return None, "none"
