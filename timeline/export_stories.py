"""Stories lists and summary timelines as JSON dicts, plain text and markdown.

The JSON of a summary is `{"dates": [{"date", "score", "events": [EVENT...]}]}` with events in
the contract's shape (timeline.serialize), so the scorers read them like `events` output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from timeline.export import md_escape
from timeline.serialize import date_label, event_to_dict
from timeline.story import StoryInfo
from timeline.summary import DateRow


def story_info_to_dict(info: StoryInfo) -> dict[str, Any]:
    """A stored story's headline, span and size (`matches`: events matching the query)."""
    return {
        "id": info.id,
        "title": info.title,
        "start": info.start.isoformat(),
        "end": info.end.isoformat(),
        "events": info.events,
        "articles": info.articles,
        "matches": info.matches,
    }


def stories_to_dict(stories: Iterable[StoryInfo]) -> dict[str, Any]:
    return {"stories": [story_info_to_dict(s) for s in stories]}


def _span(info: StoryInfo) -> str:
    if info.start == info.end:
        return info.start.isoformat()
    return f"{info.start.isoformat()}..{info.end.isoformat()}"


def write_stories_text(stories: Iterable[StoryInfo], out: TextIO) -> None:
    """One line per story: id, span, size and headline."""
    n = 0
    for n, s in enumerate(stories, 1):  # noqa: B007 - n is the count after the loop
        out.write(
            f"#{s.id:<5} {_span(s):<22} {s.events:>3} events {s.articles:>3} art.  {s.title}\n"
        )
    out.write(f"{n} stories\n")


def write_stories_markdown(stories: Iterable[StoryInfo], out: TextIO) -> None:
    out.write("# Stories\n\n")
    for s in stories:
        out.write(
            f"- **#{s.id}** {_span(s)} · {md_escape(s.title)} · {s.events} events, "
            f"{s.articles} articles\n"
        )


def summary_to_dict(rows: Iterable[DateRow]) -> dict[str, Any]:
    """{"dates": [{"date": "YYYY-MM-DD", "score": 1.0, "events": [EVENT...]}]}."""
    return {
        "dates": [
            {
                "date": r.day.isoformat(),
                "score": r.score,
                "events": [event_to_dict(v) for v in r.events],
            }
            for r in rows
        ]
    }


def write_summary_text(rows: Iterable[DateRow], out: TextIO) -> None:
    """A dated row per selected day, its top events under it."""
    n = 0
    for n, r in enumerate(rows, 1):  # noqa: B007 - n is the count after the loop
        out.write(f"{r.day.isoformat()}  {r.score:.2f}\n")
        for v in r.events:
            sources = len({s.article_id for s in v.sources})
            out.write(f"    {v.title}  [{v.type}, {sources} art.]  #{v.id}\n")
    out.write(f"{n} dates\n")


def write_summary_markdown(rows: Iterable[DateRow], out: TextIO) -> None:
    out.write("# Summary timeline\n")
    for r in rows:
        out.write(f"\n## {r.day.isoformat()}\n\n")
        for v in r.events:
            out.write(f"- **{md_escape(v.title)}** · {v.type} · {date_label(v)}\n")
