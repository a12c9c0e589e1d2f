"""Event -> dict: the JSON contract shared by the CLI, the API, the page and the scorer.

The keys in the design's contract (id, start, end, precision, type, modality, title, actors,
sources[article, published, quote, time_text]) are never removed or renamed; extra keys
(date_inferred, label, links, ...) may be added. Dates are ISO strings, `end` inclusive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson

from timeline.store.query import EventView, LinkView, SourceView
from timeline.store.rawpage import RawPage

_stdlib_json = json.JSONEncoder(ensure_ascii=False).encode


def to_json(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is. orjson (an export writes one event per call);
    the standard library for what orjson refuses (a lone surrogate, an int over 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, TypeError):
        return _stdlib_json(value)


def to_json_bytes(value: Any) -> bytes:
    """`to_json` as UTF-8 bytes (an HTTP response body)."""
    try:
        return orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value).encode()  # ASCII escapes: valid JSON whatever the text holds


def source_to_dict(src: SourceView) -> dict[str, Any]:
    """One source: the article it is in, that article's date, the verbatim sentence, and the
    trigger (its words and offsets into the article body) with the mention's roles."""
    published = src.published
    trigger = src.trigger_text
    return {
        "article": src.article,
        "published": published.isoformat() if published else None,
        "quote": src.quote,
        "time_text": src.time_text,
        "time_value": src.time_value,
        "article_title": src.article_title,
        "url": src.article_url,
        "sentence_index": src.sentence_index,
        "agents": list(src.agents),
        "patients": list(src.patients),
        "places": list(src.places),
        "position": "headline" if src.headline else "lead" if src.lead else "body",
        "main": src.main,
        "trigger": (
            {"text": trigger, "start": src.trigger_start, "end": src.trigger_end}
            if src.trigger_start >= 0 and trigger is not None
            else None  # stored before triggers were kept
        ),
    }


def link_to_dict(link: LinkView) -> dict[str, Any]:
    """A link as "source <kind> target", plus the far end for display."""
    return {
        "kind": link.kind,
        "source": link.source_id,
        "target": link.target_id,
        "direction": link.direction,
        "other_id": link.other_id,
        "other_title": link.other_title,
        "origin": link.origin,
    }


def event_to_dict(view: EventView, *, links: bool = False) -> dict[str, Any]:
    """The contract's event object; `links` adds the event's links (stories, single events).
    (Written for speed: an export calls it once per event.)"""
    start, end = view.start, view.end
    out: dict[str, Any] = {
        "id": view.id,
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "precision": view.precision,
        "date_inferred": view.date_inferred,
        "label": date_label(view),
        "type": view.type,
        "modality": view.modality,
        "title": view.title,
        "actors": list(view.actors),
        "sources": [source_to_dict(s) for s in view.sources],
    }
    if view.updated_at is not None:
        out["updated_at"] = view.updated_at.isoformat()
    if links:
        out["links"] = [link_to_dict(link) for link in view.links]
    return out


def raw_page_json(page: RawPage) -> bytes:
    """GET /events' body for a page read by timeline.store.rawpage: the bytes
    to_json_bytes gives for event_to_dict(links=True) of search_events' views of the same
    rows (a test compares them), built from the driver's rows with no view between."""
    d = page.decode
    iso, items, flag = d.iso, d.items, d.flag
    sources: dict[int, list[dict[str, Any]]] = {}
    for event_id, rows in page.sources.items():
        out = sources[event_id] = []
        for (_event, _article, index, quote, time_text, time_value, trigger, trigger_start,
             trigger_end, agents, patients, places, headline, lead, main, location,
             article_title, published, url) in rows:  # fmt: skip
            out.append(
                {
                    "article": location,
                    "published": iso(published) if published else None,
                    "quote": quote,
                    "time_text": time_text,
                    "time_value": time_value,
                    "article_title": article_title,
                    "url": url,
                    "sentence_index": index,
                    "agents": items(agents),
                    "patients": items(patients),
                    "places": items(places),
                    "position": "headline" if headline else "lead" if lead else "body",
                    "main": flag(main),
                    "trigger": (
                        {"text": trigger, "start": trigger_start, "end": trigger_end}
                        if trigger_start >= 0 and trigger is not None
                        else None
                    ),
                }
            )
    events = []
    for ident, start, end, precision, inferred, type_, modality, title, updated in page.events:
        inferred = flag(inferred)
        if end is None:
            end = start
        out_event: dict[str, Any] = {
            "id": ident,
            "start": iso(start) if start else None,
            "end": iso(end) if end else None,
            "precision": precision,
            "date_inferred": inferred,
            "label": label_of(d.day(start), d.day(end), precision, inferred),
            "type": type_,
            "modality": modality,
            "title": title,
            "actors": page.actors[ident],
            "sources": sources[ident],
        }
        stamp = d.stamp(updated)
        if stamp is not None:
            out_event["updated_at"] = stamp
        out_event["links"] = [
            {
                "kind": kind,
                "source": source_id,
                "target": target_id,
                "direction": "in" if other_id == source_id else "out",
                "other_id": other_id,
                "other_title": other_title,
                "origin": origin,
            }
            for kind, source_id, target_id, other_id, other_title, origin in page.links[ident]
        ]
        events.append(out_event)
    return to_json_bytes({"events": events, "next_cursor": page.next_cursor, "tombstones": []})


def date_label(view: EventView, *, marker: bool = True) -> str:
    """How a date reads in logs: 2025-04-18, 2025-04-19..20, 2025-W17, 2025-04, 2025, undated.

    Inferred dates (no time expression of their own) get a leading "~" when `marker` is set.
    """
    return label_of(view.start, view.end, view.precision, view.date_inferred, marker=marker)


def label_of(
    start: date | None, end: date | None, precision: str, inferred: bool, *, marker: bool = True
) -> str:
    """date_label of an event with these dates (`end` None: `start`), precision, inference."""
    end = end or start
    if start is None or end is None:
        return "undated"
    if precision == "year":
        text = str(start.year) if start.year == end.year else f"{start.year}..{end.year}"
    elif precision == "month":
        text = (
            f"{start:%Y-%m}"
            if (start.year, start.month) == (end.year, end.month)
            else (f"{start:%Y-%m}..{end:%Y-%m}")
        )
    elif precision == "week":
        year, week, _ = start.isocalendar()
        text = f"{year}-W{week:02d}"
        if end.isocalendar()[:2] != (year, week):
            end_year, end_week, _ = end.isocalendar()
            text += f"..{end_year}-W{end_week:02d}"
    elif start == end:
        text = start.isoformat()
    elif start.year == end.year and start.month == end.month:
        text = f"{start.isoformat()}..{end:%d}"
    elif start.year == end.year:
        text = f"{start.isoformat()}..{end:%m-%d}"
    else:
        text = f"{start.isoformat()}..{end.isoformat()}"
    return f"~{text}" if marker and inferred else text


def short_article(location: str) -> str:
    """The article's file name or URL tail: enough to tell sources apart in a log line."""
    tail = location.rstrip("/").rsplit("/", 1)[-1]
    return tail or location


def sentences(sources: Sequence[SourceView]) -> list[SourceView]:
    """The sources as a reader sees them: one per quoted sentence. A sentence can hold two
    mentions of one event ("indicated he would consider additional ceasefires following a ...
    truce"), each a source with its own trigger in the JSON outputs; quoted twice, it would
    read as two reports. The first mention stands for the sentence, or the first that names
    the time."""
    chosen: dict[tuple[str, int], SourceView] = {}
    for src in sources:
        key = (src.article, src.sentence_index)
        if key not in chosen or (src.time_text and not chosen[key].time_text):
            chosen[key] = src
    return list(chosen.values())
