"""Exports and the JSON contract: shapes checked by parsing what is written."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from timeline.export import (
    story_to_dict,
    timelinejs,
    write_csv,
    write_ics,
    write_json,
    write_jsonl,
    write_log_text,
    write_markdown,
    write_story_markdown,
    write_story_text,
)
from timeline.serialize import date_label, event_to_dict, to_json, to_json_bytes
from timeline.store.engine import session_scope
from timeline.store.query import EventView, iter_events
from timeline.story import build_story

CONTRACT_KEYS = {
    "id",
    "start",
    "end",
    "precision",
    "type",
    "modality",
    "title",
    "actors",
    "sources",
}
SOURCE_KEYS = {"article", "published", "quote", "time_text"}
NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def all_views(engine: Engine) -> list[EventView]:
    with session_scope(engine) as session:
        return list(iter_events(session=session, with_links=True))


def render(writer, views, **kw) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO(newline="")
    writer(views, out, **kw)
    return out.getvalue()


def test_json_follows_the_contract(sqlite_engine: Engine, easter_sqlite: dict[str, int]) -> None:
    data = json.loads(render(write_json, all_views(sqlite_engine)))
    assert len(data["events"]) == 11
    for event in data["events"]:
        assert event.keys() >= CONTRACT_KEYS
        for src in event["sources"]:
            assert src.keys() >= SOURCE_KEYS
    proposal = next(e for e in data["events"] if e["id"] == easter_sqlite["proposal"])
    assert proposal["start"] == proposal["end"] == "2025-04-21"
    assert proposal["actors"] == ["Vladimir Putin", "Ukraine"]
    assert proposal["sources"][0] == {
        "article": "seeds/000_cb83dc8ea2603296.txt",
        "published": "2025-04-21",
        "quote": "Russian President Vladimir Putin stated on Monday that Moscow is open to "
        "bilateral negotiations with Ukraine.",
        "time_text": "on Monday",
        "time_value": "2025-04-21",
        "article_title": "000_cb83dc8ea2603296",
        "url": None,
        "sentence_index": 0,
        "agents": [],
        "patients": [],
        "places": [],
        "position": "body",
        "main": True,
        "trigger": None,  # the fixture stores no trigger span
    }
    undated = data["events"][-1]
    assert undated["start"] is None and undated["end"] is None
    lines = render(write_jsonl, all_views(sqlite_engine)).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [e["id"] for e in data["events"]]


def test_json_lines_are_the_event_dicts(
    sqlite_engine: Engine, easter_sqlite: dict[str, int]
) -> None:
    """orjson writes the lines: parsed back, each is exactly the event's contract dict."""
    views = all_views(sqlite_engine)
    lines = render(write_jsonl, views).splitlines()
    assert [json.loads(line) for line in lines] == [
        json.loads(json.dumps(event_to_dict(v))) for v in views
    ]


def test_json_falls_back_to_the_standard_library_for_what_orjson_refuses() -> None:
    """A lone surrogate (orjson refuses it) or an integer past 64 bits still serialises."""
    assert json.loads(to_json({"quote": "caf\u00e9 \ud800"})) == {"quote": "caf\u00e9 \ud800"}
    assert json.loads(to_json_bytes({"quote": "\ud800"})) == {"quote": "\ud800"}
    assert json.loads(to_json([2**70])) == [2**70]
    assert to_json({"title": "Élection"}) == '{"title":"Élection"}'  # non-ASCII kept as is


def test_story_json_is_the_contract_in_story_order(
    sqlite_engine: Engine, easter_sqlite: dict[str, int]
) -> None:
    with session_scope(sqlite_engine) as session:
        story = build_story(session=session, query="Easter truce")
    data = json.loads(json.dumps(story_to_dict(story)))
    assert [e["id"] for e in data["events"]] == [
        easter_sqlite[k] for k in ("truce", "violations", "proposal", "clarification")
    ]
    assert all(e.keys() >= CONTRACT_KEYS for e in data["events"])
    assert data["events"][1]["via"]["kind"] == "violates"
    assert data["events"][0]["via"] is None and data["events"][0]["step"] == 1
    text = render(lambda s, out: write_story_text(s, out), story)
    assert "↳ violates step 1 (Putin declares a 30-hour Easter truce)" in text
    assert "↳ elaborates step 3" in text
    md = render(lambda s, out: write_story_markdown(s, out), story)
    assert md.startswith("# Story: Easter truce")
    assert "2. 2025-04-19..20 · **Ukraine reports" in md


def test_csv_round_trips(sqlite_engine: Engine, easter_sqlite: dict[str, int]) -> None:
    rows = list(csv.DictReader(io.StringIO(render(write_csv, all_views(sqlite_engine)))))
    assert len(rows) == 11
    proposal = next(r for r in rows if r["id"] == str(easter_sqlite["proposal"]))
    assert proposal["actors"] == "Vladimir Putin | Ukraine"
    assert proposal["time_texts"] == "on Monday | On Monday, April 21, 2025"
    assert rows[-1]["start"] == ""


def test_log_shows_precision_and_inference(
    sqlite_engine: Engine, easter_sqlite: dict[str, int]
) -> None:
    text = render(write_log_text, all_views(sqlite_engine))
    lines = text.splitlines()
    assert lines[0].startswith("2022-02         Russia’s February 2022 invasion  [ASSAULT]")
    assert "2025-04-18      Trump and Rubio warn the US could abandon peace efforts" in text
    assert "2025-W17        Trump says a deal could be reached this week" in text
    assert "~2025-04-21     Peskov says" in text
    assert "undated         Reuters notes" in text
    assert "- 000_cb83dc8ea2603296.txt (2025-04-21): “On Friday, U.S. President" in text
    # Grouped by day: a blank line between dates, none inside a date.
    blocks = text.strip().split("\n\n")
    assert sum(b.startswith(("2025-04-21", "~2025-04-21")) for b in blocks) == 1
    md = render(write_markdown, all_views(sqlite_engine))
    assert "\n## 2025-04-21\n" in md and "\n## 2022-02\n" in md
    assert "*(date inferred)*" in md


def test_markdown_escapes_text() -> None:
    v = EventView(
        1, date(2025, 1, 1), date(2025, 1, 1), "day", False, "X", "occurred", "*a* [b](c) |"
    )
    assert "**\\*a\\* \\[b\\](c) \\|**" in render(write_markdown, [v])


def test_date_labels() -> None:
    def label(start: date | None, end: date | None, precision: str, inferred: bool = False) -> str:
        return date_label(EventView(1, start, end, precision, inferred, "T", "m", "t"))

    d = date(2025, 4, 21)
    assert label(d, d, "day") == "2025-04-21"
    assert label(d, d, "day", True) == "~2025-04-21"
    assert label(date(2025, 4, 19), date(2025, 4, 20), "day") == "2025-04-19..20"
    assert label(date(2025, 4, 30), date(2025, 5, 1), "day") == "2025-04-30..05-01"
    assert label(date(2024, 12, 31), date(2025, 1, 1), "day") == "2024-12-31..2025-01-01"
    assert label(d, date(2025, 4, 27), "week") == "2025-W17"
    assert label(date(2025, 4, 1), date(2025, 4, 30), "month") == "2025-04"
    assert label(date(2025, 1, 1), date(2025, 12, 31), "year") == "2025"
    assert label(None, None, "unknown") == "undated"


def test_timelinejs_shape(sqlite_engine: Engine, easter_sqlite: dict[str, int]) -> None:
    doc = json.loads(json.dumps(timelinejs(all_views(sqlite_engine), title="Easter <2025>")))
    assert doc["title"]["text"]["headline"] == "Easter &lt;2025&gt;"
    slides = {s["unique_id"]: s for s in doc["events"]}
    assert len(slides) == 10  # the undated event has no place on a TimelineJS axis
    for slide in doc["events"]:
        assert isinstance(slide["start_date"]["year"], int)
        assert set(slide["text"]) == {"headline", "text"}
        assert slide["group"]
    assert slides[f"event-{easter_sqlite['invasion']}"]["start_date"] == {"year": 2022, "month": 2}
    truce = slides[f"event-{easter_sqlite['truce']}"]
    assert truce["start_date"] == {"year": 2025, "month": 4, "day": 19}
    assert truce["end_date"] == {"year": 2025, "month": 4, "day": 20}
    assert "<li>“Putin also indicated" in truce["text"]["text"]


# --- iCalendar: a small RFC 5545 reader to check what we write ----------------------------------

ICS_PROP = re.compile(r"^(?P<name>[A-Z][A-Z0-9-]*)(?P<params>(;[A-Z-]+=[^:;]+)*):(?P<value>.*)$")


def unfold(data: bytes) -> list[str]:
    """Content lines of an iCalendar stream, checking the physical-line rules on the way."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, "bare LF or CR"
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
        line.decode("utf-8")  # folding never splits a UTF-8 sequence
    lines: list[str] = []
    for line in physical:
        if line.startswith(b" "):
            lines[-1] += line[1:].decode()
        else:
            lines.append(line.decode())
    return lines


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_ics(data: bytes) -> list[dict[str, tuple[str, str]]]:
    """VEVENTs as {name: (params, value)}, checking nesting and required properties."""
    stack: list[str] = []
    events: list[dict[str, tuple[str, str]]] = []
    calendar: dict[str, str] = {}
    for line in unfold(data):
        m = ICS_PROP.match(line)
        assert m, f"not a content line: {line!r}"
        name, params, value = m["name"], m["params"], m["value"]
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack == ["VCALENDAR"]:
            calendar[name] = value
        elif stack == ["VCALENDAR", "VEVENT"]:
            assert name not in events[-1], f"{name} twice"
            events[-1][name] = (params, value)
    assert stack == []
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for ev in events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= ev.keys()
        assert re.fullmatch(r"\d{8}T\d{6}Z", ev["DTSTAMP"][1])
        assert ev["DTSTART"][0] == ";VALUE=DATE" and re.fullmatch(r"\d{8}", ev["DTSTART"][1])
        if "DTEND" in ev:
            assert ev["DTEND"][0] == ";VALUE=DATE" and ev["DTEND"][1] > ev["DTSTART"][1]
    assert len({ev["UID"][1] for ev in events}) == len(events)
    return events


def test_ics_is_valid_rfc5545(sqlite_engine: Engine, easter_sqlite: dict[str, int]) -> None:
    views = all_views(sqlite_engine)
    data = render(write_ics, views, now=NOW).encode("utf-8")
    events = {ev["UID"][1]: ev for ev in parse_ics(data)}
    assert len(events) == 10  # undated left out
    truce = events[f"event-{easter_sqlite['truce']}@eventline"]
    assert truce["DTSTART"][1] == "20250419"
    assert truce["DTEND"][1] == "20250421"  # exclusive: the day after the 20th
    assert truce["DTSTAMP"][1] == "20250501T120000Z"
    assert unescape(truce["SUMMARY"][1]) == "Putin declares a 30-hour Easter truce"
    description = unescape(truce["DESCRIPTION"][1])
    assert "Sources:\n- 000_cb83dc8ea2603296.txt (2025-04-21): “Putin also indicated" in description
    invasion = events[f"event-{easter_sqlite['invasion']}@eventline"]
    assert (invasion["DTSTART"][1], invasion["DTEND"][1]) == ("20220201", "20220301")
    week = events[f"event-{easter_sqlite['deal_week']}@eventline"]
    assert (week["DTSTART"][1], week["DTEND"][1]) == ("20250421", "20250428")


def test_ics_escapes_hostile_text() -> None:
    title = "Talks; again, in \\ Geneva\nnext: “día” 🙂 " + "é" * 80
    v = EventView(5, date(2025, 1, 1), date(2025, 1, 1), "day", False, "T", "m", title)
    (event,) = parse_ics(render(write_ics, [v], now=NOW).encode())
    assert unescape(event["SUMMARY"][1]) == title


@given(st.text(min_size=0, max_size=400))
def test_ics_text_round_trips(text: str) -> None:
    """Any title survives the calendar: escaped and folded by icalendar, read back by this
    file's own parser and by icalendar, equal but for control characters TEXT cannot hold."""
    from icalendar import Calendar

    v = EventView(5, date(2025, 1, 1), date(2025, 1, 1), "day", False, "T", "m", text)
    data = render(write_ics, [v], now=NOW).encode("utf-8")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded in octets
    (event,) = parse_ics(data)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", expected)
    assert unescape(event["SUMMARY"][1]) == expected
    (parsed,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(parsed.get("SUMMARY", "")) == expected


def test_ics_handles_the_edges_of_the_calendar() -> None:
    edge = EventView(9, date(9999, 12, 31), date(9999, 12, 31), "day", False, "T", "m", "end")
    early = EventView(8, date(1, 1, 1), date(1, 1, 2), "day", False, "T", "m", "start")
    events = parse_ics(render(write_ics, [early, edge], now=NOW).encode())
    assert events[0]["DTSTART"][1] == "00010101" and events[0]["DTEND"][1] == "00010103"
    assert "DTEND" not in events[1]
    assert date(1, 1, 2) + timedelta(days=1) == date(1, 1, 3)


def test_a_sentence_with_two_mentions_of_an_event_is_quoted_once() -> None:
    """JSON keeps every mention (each with its trigger); the log, markdown and CSV quote the
    sentence once, taking the mention that names the time."""
    from timeline.store.query import SourceView

    quote = "Putin indicated he would consider more ceasefires after a truce declared on Saturday."
    one = SourceView(
        "a.txt", 1, None, None, date(2025, 4, 21), 6, quote, None, None, "indicated", 5, 14
    )
    two = SourceView(
        "a.txt",
        1,
        None,
        None,
        date(2025, 4, 21),
        6,
        quote,
        "Saturday",
        "2025-04-19",
        "truce",
        60,
        65,
    )
    other = SourceView(
        "b.txt", 2, None, None, date(2025, 4, 21), 2, "A failed truce.", None, None, "truce", 9, 14
    )
    v = EventView(
        1, date(2025, 4, 19), date(2025, 4, 19), "day", False, "CEASEFIRE", "occurred", "Truce"
    )
    v.sources = [one, two, other]
    log = render(write_log_text, [v])
    assert log.count("Putin indicated") == 1 and "[Saturday]" in log and "A failed truce" in log
    assert render(write_markdown, [v]).count("Putin indicated") == 1
    assert len(json.loads(render(write_json, [v]))["events"][0]["sources"]) == 3
