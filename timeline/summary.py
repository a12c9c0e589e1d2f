"""The summary timeline: the K dates a journalist would pick, with the top events of each.

Date selection follows the news timeline summarisation literature (Tran et al. 2013; Martschat
& Markert 2018; Gholipour Ghalandari & Ifrim, ACL 2020, whose strongest date rankers count how
many *documents* and sentences refer to a date, and weigh references made later, after the fact).
Here every source sentence of an event dated to one day (day precision, spans of at most
`MAX_SPAN_DAYS`, counted on the first day) is a vote for that day, worth

    w = (1 for an explicit time expression, INFERRED for a date inferred from publication)
        x 1 / (1 + ln(1 + sentence index))          lead sentences say what matters
        x (1 + ln(story articles))                    a big story's days matter more
        x (1 + LATER if the article was published after that day)

A day's score is the sum over distinct articles of each article's best vote, times
(1 + ln outlets): one article repeating a date ten times is one voice, and two outlets agreeing
count more than one outlet twice. Scores are divided by the best day's, so the top day is 1.0.

Without an explicit K, K is the number of days scoring above the knee of the sorted score
curve (the point furthest from the chord between the first and the last score, as news-tls
cuts its sentence scores), at least MIN_DATES and at most MAX_DATES.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from sqlmodel import Session

from timeline.store import stories as story_rows
from timeline.store.query import EventFilter, EventView, SourceView, get_events, iter_events

INFERRED = 0.25  # a date read off the publication day is a weak vote
LATER = 0.5  # looking back at a day says it mattered
MAX_SPAN_DAYS = 2  # a weekend counts for its first day; longer spans are not a date
EVENTS_PER_DATE = 3
MIN_DATES, MAX_DATES = 3, 20


@dataclass(slots=True)
class DateRow:
    """One selected day: its normalised score and its top events, best first."""

    day: date
    score: float
    events: list[EventView] = field(default_factory=list)


def outlet(src: SourceView) -> str:
    """Who published a source: the web host of its URL, else the article itself."""
    address = src.article_url or src.article
    host = urlsplit(address).hostname if "://" in address else None
    if host:
        return host.removeprefix("www.")
    return f"article:{src.article_id}"


def vote(src: SourceView, *, day: date, inferred: bool, story_articles: int) -> float:
    """What one sentence dating an event to `day` is worth (see the module docstring)."""
    weight = INFERRED if inferred or not src.time_text else 1.0
    weight /= 1.0 + math.log1p(src.sentence_index)
    weight *= 1.0 + math.log(max(story_articles, 1))
    if src.published is not None and src.published > day:
        weight *= 1.0 + LATER
    return weight


def day_of(view: EventView) -> date | None:
    """The day an event counts for, or None when it is not dated to a day."""
    if view.start is None or view.precision != "day":
        return None
    end = view.end or view.start
    return view.start if (end - view.start).days < MAX_SPAN_DAYS else None


def score_dates(
    views: Iterable[EventView], story_articles: dict[int, int]
) -> tuple[dict[date, float], dict[int, float]]:
    """Raw day scores and each event's own weight (its votes), from the events' sources."""
    best: dict[date, dict[int, float]] = {}  # day -> article -> best vote
    outlets: dict[date, set[str]] = {}
    event_weight: dict[int, float] = {}
    for view in views:
        day = day_of(view)
        if day is None:
            continue
        per_article: dict[int, float] = {}
        for src in view.sources:
            w = vote(
                src,
                day=day,
                inferred=view.date_inferred,
                story_articles=story_articles.get(view.id, 1),
            )
            per_article[src.article_id] = max(per_article.get(src.article_id, 0.0), w)
            outlets.setdefault(day, set()).add(outlet(src))
        event_weight[view.id] = sum(per_article.values())
        votes = best.setdefault(day, {})
        for article, w in per_article.items():
            votes[article] = max(votes.get(article, 0.0), w)
    scores = {
        day: sum(votes.values()) * (1.0 + math.log(max(len(outlets[day]), 1)))
        for day, votes in best.items()
    }
    return scores, event_weight


def knee(values: Sequence[float]) -> int:
    """How many of the descending `values` lie before the knee: the point furthest from the
    straight line between the first and the last value."""
    n = len(values)
    if n <= 2:
        return n
    x0, y0, x1, y1 = 0.0, values[0], float(n - 1), values[-1]
    norm = math.hypot(x1 - x0, y1 - y0) or 1.0
    distances = [
        abs((y1 - y0) * i - (x1 - x0) * v + x1 * y0 - y1 * x0) / norm for i, v in enumerate(values)
    ]
    # the knee is the first value of the flat part; keep what lies above it (as news-tls
    # keeps the sentences scoring above its knee)
    return max(max(range(n), key=lambda i: (distances[i], -i)), 1)


def summarise(
    *,
    session: Session,
    start: date | None = None,
    end: date | None = None,
    event_ids: Iterable[int] | None = None,
    dates: int | None = None,
) -> list[DateRow]:
    """The summary timeline of the events in [start, end] (or of `event_ids`, a story), in
    date order: `dates` days (None: the knee of the scores), each with its top events."""
    if event_ids is not None:
        found = get_events(session=session, event_ids=event_ids, with_links=False).values()
        views = [
            v
            for v in found
            if v.start is not None
            and (start is None or (v.end or v.start) >= start)
            and (end is None or v.start <= end)
        ]
    else:
        views = list(iter_events(session=session, filters=EventFilter(start=start, end=end)))
    story_articles = _story_articles(session, [v.id for v in views])
    scores, weight = score_dates(views, story_articles)
    if not scores:
        return []
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1]
    k = dates or min(max(knee([s for _, s in ranked]), MIN_DATES), MAX_DATES)
    chosen = {day: DateRow(day, round(score / top, 4)) for day, score in ranked[:k]}
    for view in sorted(views, key=lambda v: (-weight.get(v.id, 0.0), v.sort_key)):
        day = day_of(view)
        row = chosen.get(day) if day is not None else None
        if row is None or len(row.events) >= EVENTS_PER_DATE:
            continue
        if any(_same(view, e) for e in row.events):
            continue  # two events telling one thing: the row shows it once
        row.events.append(view)
    return sorted(chosen.values(), key=lambda r: r.day)


def _same(a: EventView, b: EventView) -> bool:
    """Two events of one day that read the same (one title, or one quoted sentence)."""
    if a.title.casefold() == b.title.casefold():
        return True
    return bool({s.quote for s in a.sources} & {s.quote for s in b.sources})


def _story_articles(session: Session, event_ids: list[int]) -> dict[int, int]:
    """event id -> articles of its story (1 for an event in no story)."""
    of = story_rows.story_of(session=session, event_ids=event_ids)
    articles = story_rows.articles_by_story(session=session, story_ids=set(of.values()))
    return {e: articles.get(s, 1) for e, s in of.items()}
