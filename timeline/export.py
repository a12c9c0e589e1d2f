"""Exports: JSON, JSON Lines, CSV, markdown and text logs, TimelineJS, iCalendar, stories.

Writers take an iterable of EventView and a text stream, so `eventline events` over a large
store streams page by page instead of building one big string.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, Any, TextIO

from timeline.serialize import (
    date_label,
    event_to_dict,
    link_to_dict,
    sentences,
    short_article,
    to_json,
)
from timeline.store.query import EventView, LinkView, granule

if TYPE_CHECKING:
    from timeline.story import Story

QUOTE_WIDTH = 160  # characters of a quote shown in text logs (the JSON keeps it whole)


def _clip(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- JSON, JSON Lines, CSV ------------------------------------------------------------------------


def write_json(events: Iterable[EventView], out: TextIO, *, links: bool = False) -> None:
    """{"events": [...]}: the contract, one event per line so diffs and greps stay readable."""
    out.write('{"events": [')
    for n, view in enumerate(events):
        out.write(",\n" if n else "\n")
        out.write(to_json(event_to_dict(view, links=links)))
    out.write("\n]}\n")


def write_jsonl(events: Iterable[EventView], out: TextIO, *, links: bool = False) -> None:
    """One contract event object per line."""
    for view in events:
        out.write(to_json(event_to_dict(view, links=links)) + "\n")


CSV_COLUMNS = (
    "id",
    "start",
    "end",
    "precision",
    "date_inferred",
    "type",
    "modality",
    "title",
    "actors",
    "articles",
    "quotes",
    "time_texts",
)


def write_csv(events: Iterable[EventView], out: TextIO) -> None:
    """One row per event (RFC 4180); several actors/sources joined with " | "."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for v in events:
        writer.writerow(
            [
                v.id,
                v.start.isoformat() if v.start else "",
                v.end.isoformat() if v.end else "",
                v.precision,
                "true" if v.date_inferred else "false",
                v.type,
                v.modality,
                v.title,
                " | ".join(v.actors),
                " | ".join(s.article for s in sentences(v.sources)),
                " | ".join(" ".join(s.quote.split()) for s in sentences(v.sources)),
                " | ".join(s.time_text or "" for s in sentences(v.sources)),
            ]
        )


# --- the dated log (text and markdown) ------------------------------------------------------------


def _by_day(events: Iterable[EventView]) -> Iterator[tuple[str, list[EventView]]]:
    """Consecutive events sharing a date label (input is in date order)."""
    for label, group in groupby(events, key=lambda v: date_label(v, marker=False)):
        yield label, list(group)


def _source_line(src: Any) -> str:
    when = f" ({src.published.isoformat()})" if src.published else ""
    time = f" [{src.time_text}]" if src.time_text else ""
    return f"{short_article(src.article)}{when}: “{_clip(src.quote)}”{time}"


def write_log_text(events: Iterable[EventView], out: TextIO) -> None:
    """The dated log: a blank line between days, each event line with its sources under it.

    `2025-04-18  Donald Trump and Marco Rubio warn ...  [THREATEN]`; a month-precision event
    reads `2025-04`, a week `2025-W17`, an inferred date `~2025-04-21`.
    """
    first = True
    for _, group in _by_day(events):
        if not first:
            out.write("\n")
        first = False
        for view in group:
            label = date_label(view)
            out.write(f"{label:<14}  {view.title}  [{view.type}]\n")
            for src in sentences(view.sources):
                out.write(f"{'':<14}    - {_source_line(src)}\n")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: str) -> str:
    """Text safe inside markdown (no accidental emphasis, links, tables or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def write_markdown(events: Iterable[EventView], out: TextIO, *, title: str = "Event log") -> None:
    """The dated log as markdown: a heading per day, a bullet per event, quotes under it."""
    out.write(f"# {md_escape(title)}\n")
    for label, group in _by_day(events):
        out.write(f"\n## {label}\n\n")
        for view in group:
            out.write(_md_event(view))


def _md_title(view: EventView) -> str:
    inferred = " *(date inferred)*" if view.date_inferred else ""
    actors = f" · {md_escape(', '.join(view.actors))}" if view.actors else ""
    return f"**{md_escape(view.title)}** · {view.type} · {view.modality}{actors}{inferred}"


def _md_sources(view: EventView, indent: str = "  ") -> str:
    lines = []
    for src in sentences(view.sources):
        when = f" ({src.published.isoformat()})" if src.published else ""
        time = f", time: *{md_escape(src.time_text)}*" if src.time_text else ""
        quote = f"“{md_escape(src.quote)}” — `{short_article(src.article)}`{when}{time}"
        lines.append(f"{indent}- {quote}\n")
    return "".join(lines)


def _md_event(view: EventView) -> str:
    return f"- {_md_title(view)}\n{_md_sources(view)}"


# --- TimelineJS -----------------------------------------------------------------------------------


def _tl_date(day: date, precision: str) -> dict[str, int]:
    """TimelineJS3 date object, only as precise as the event is."""
    if precision == "year":
        return {"year": day.year}
    if precision == "month":
        return {"year": day.year, "month": day.month}
    return {"year": day.year, "month": day.month, "day": day.day}


def timelinejs(events: Iterable[EventView], *, title: str = "eventline") -> dict[str, Any]:
    """A TimelineJS3 JSON document; undated events are left out (TimelineJS needs a start)."""
    slides = []
    for v in events:
        if v.start is None:
            continue
        slide: dict[str, Any] = {
            "unique_id": f"event-{v.id}",
            "start_date": _tl_date(v.start, v.precision),
            "display_date": date_label(v),
            "text": {"headline": html.escape(v.title), "text": _tl_text(v)},
            "group": v.type,
        }
        end = v.end or v.start
        if end != v.start:
            slide["end_date"] = _tl_date(end, v.precision)
        slides.append(slide)
    return {
        "title": {"text": {"headline": html.escape(title), "text": "Events from eventline"}},
        "events": slides,
    }


def _tl_text(v: EventView) -> str:
    parts = [f"<p>{html.escape(v.type)} · {html.escape(v.modality)}"]
    if v.actors:
        parts.append(f" · {html.escape(', '.join(v.actors))}")
    parts.append("</p><ul>")
    for s in sentences(v.sources):
        when = f" ({s.published.isoformat()})" if s.published else ""
        parts.append(
            f"<li>“{html.escape(s.quote)}” <small>{html.escape(short_article(s.article))}"
            f"{when}</small></li>"
        )
    parts.append("</ul>")
    return "".join(parts)


def write_timelinejs(events: Iterable[EventView], out: TextIO, *, title: str = "eventline") -> None:
    json.dump(timelinejs(events, title=title), out, ensure_ascii=False, indent=1)
    out.write("\n")


# --- iCalendar (RFC 5545) -------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _ics_text(text: str) -> str:
    """TEXT as RFC 5545 allows it: line breaks as newlines, other control characters (which
    TEXT may not hold) as spaces; icalendar does the escaping and folding."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


def ics_calendar(
    events: Iterable[EventView], *, now: datetime | None = None, name: str = "eventline"
) -> Any:
    """An icalendar Calendar with one all-day VEVENT per dated event (undated are left out)."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//eventline//eventline timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _ics_text(name))
    for v in events:
        if v.start is None:
            continue
        first = granule(v.start, v.precision)[0]
        last = granule(v.end or v.start, v.precision)[1]
        item = VEvent()
        item.add("uid", f"event-{v.id}@eventline")
        item.add("dtstamp", stamp)
        item.add("dtstart", first)
        if last < date.max:  # DTEND is exclusive: the day after the last day
            item.add("dtend", last + timedelta(days=1))
        item.add("summary", _ics_text(v.title))
        item.add("description", _ics_text(_ics_description(v)))
        item.add("categories", [_ics_text(v.type)])
        calendar.add_component(item)
    return calendar


def _ics_description(v: EventView) -> str:
    lines = [f"{v.type} ({v.modality}), {date_label(v)}"]
    if v.date_inferred:
        lines.append("Date inferred from the article's publication date.")
    if v.actors:
        lines.append("Actors: " + ", ".join(v.actors))
    if v.sources:
        lines.append("Sources:")
        lines.extend(f"- {_source_line(s)}" for s in sentences(v.sources))
    return "\n".join(lines)


def write_ics(events: Iterable[EventView], out: TextIO, *, now: datetime | None = None) -> None:
    """An RFC 5545 calendar (icalendar writes it: CRLF line ends, folded lines, escaped text)."""
    out.write(ics_calendar(events, now=now).to_ical().decode("utf-8"))


# --- stories --------------------------------------------------------------------------------------


def via_text(link: LinkView, step_of: dict[int, int]) -> str:
    """How a step connects to an earlier one, as a phrase: "violates step 1 (Easter truce)"."""
    step = step_of.get(link.other_id)
    where = f"step {step}" if step else f"#{link.other_id}"
    if link.direction == "out":
        return f"{link.kind} {where} ({link.other_title})"
    return f"{where} ({link.other_title}) {link.kind} this"


def story_to_dict(story: Story) -> dict[str, Any]:
    """The contract's {"events": [...]} in story order; each event adds step, seed, via, links."""
    events = []
    for n, step in enumerate(story.steps, 1):
        item = event_to_dict(step.event, links=True)
        item["step"] = n
        item["seed"] = step.seed
        item["via"] = link_to_dict(step.via) if step.via else None
        events.append(item)
    stories = [
        {
            "id": i.id,
            "title": i.title,
            "start": i.start.isoformat(),
            "end": i.end.isoformat(),
            "events": i.events,
            "articles": i.articles,
            "matches": i.matches,
        }
        for i in story.stories
    ]
    return {"query": story.query, "events": events, "stories": stories}


def write_story_text(story: Story, out: TextIO) -> None:
    """Each step: number, date, title and type; the link to the step before; its sources."""
    step_of = {s.event.id: n for n, s in enumerate(story.steps, 1)}
    out.write(f"Story: {story.query} ({len(story.steps)} events)\n")
    for n, step in enumerate(story.steps, 1):
        v = step.event
        out.write(f"\n{n:>2}. {date_label(v):<12}  {v.title}  [{v.type}, {v.modality}]\n")
        if step.via is not None:
            out.write(f"    ↳ {via_text(step.via, step_of)}\n")
        for src in sentences(v.sources):
            out.write(f"    - {_source_line(src)}\n")
    for info in story.stories[:3]:
        out.write(
            f"\nin story #{info.id} “{info.title}” ({info.events} events, {info.articles} "
            f"articles): eventline story '#{info.id}'\n"
        )


def write_story_markdown(story: Story, out: TextIO) -> None:
    """The story as a numbered markdown list with link labels and quotes."""
    step_of = {s.event.id: n for n, s in enumerate(story.steps, 1)}
    out.write(f"# Story: {md_escape(story.query)}\n\n")
    for n, step in enumerate(story.steps, 1):
        v = step.event
        via = f" — *{md_escape(via_text(step.via, step_of))}*" if step.via else ""
        out.write(f"{n}. {date_label(v)} · {_md_title(v)}{via}\n{_md_sources(v, '   ')}")


WRITERS: dict[str, Callable[[Iterable[EventView], TextIO], None]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "md": write_markdown,
    "timelinejs": write_timelinejs,
    "ics": write_ics,
    "text": write_log_text,
}
