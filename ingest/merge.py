"""Cross-article de-duplication by rules (`coref_merge = "rules"`): is this candidate a
happening we already store? The learned alternative is `ingest.coref`.

Rule (DESIGN.md): same type family, overlapping dates, overlapping actors and similar wording.
A verbatim quote is the easy case; paraphrase ("open to bilateral negotiations" vs "openness to
direct peace talks") is matched through the same agent, day and type. Different days or
different agents are never merged.

An event's own fields are a function of the *set* of its sources (`summarise`), never of which
article came first, so ingesting A then B gives the same timeline as B then A.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ingest.events import Candidate
from ingest.events.words import CLAUSE_OPENERS
from ingest.lexicon import Lexicon
from timeline.dates import shift

STOPWORDS = frozenset(
    """a an the and or of to in on at for with by from that this these those is are was were be
    been has have had will would could should may might it its his her their he she they we
    as also not no but if than then there here said says say about into over after before
    more most such only other any all some which who whom what when where while""".split()
)
MIN_SIMILARITY = 0.2
VERBATIM = 0.6  # content-word overlap of two copies of one wire story, lightly edited
CROSS_TYPE_SIMILARITY = 0.3  # a statement and a typed event of one agent, one day
WEAK_TYPES = frozenset({"STATEMENT", "OTHER"})


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """What the merger needs to know of an event already in the store."""

    id: int
    type: str
    start: date | None
    end: date | None
    agents: frozenset[str]
    quotes: tuple[str, ...]
    inferred: bool = False


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """One source's own reading of the event (stored on EventSource)."""

    start: date | None
    end: date | None
    precision: str
    date_inferred: bool
    type: str
    modality: str
    title: str
    quote: str
    main: bool = False  # the sentence's main mention (its title is a whole clause)


@lru_cache(maxsize=65536)
def words(text: str) -> frozenset[str]:
    """Content words, crudely stemmed, for wording similarity (cached: the same stored
    quotes are compared with every candidate of their day)."""
    out = set()
    for w in re.findall(r"[a-z]+", text.lower().replace("’", "'")):
        if w in STOPWORDS or len(w) < 3:
            continue
        for suffix in ("ations", "ation", "ings", "ing", "ness", "ies", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return frozenset(out)


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of content words: 1.0 for the same sentence, 0.0 for unrelated ones."""
    wa, wb = words(a), words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def overlaps(c: Candidate, e: StoredEvent) -> bool:
    """Date spans overlap. A date inferred from the publication day is only known to within
    a day (a report published the next morning says nothing of the day), so it gets one day
    of slack; two explicit dates must really overlap."""
    s, t = c.dating.start, c.dating.end
    if s is None or t is None or e.start is None or e.end is None:
        return s is None and e.start is None
    slack = 1 if c.dating.inferred or e.inferred else 0
    return shift(s, -slack) <= e.end and e.start <= shift(t, slack)


def same_agent(ours: set[str], theirs: frozenset[str]) -> bool:
    """Agents match by name, loosely: "Peskov" is "Dmitry Peskov", "authorities" is "Turkish
    authorities" (every word of the shorter name is in the longer one)."""
    for a in ours:
        wa = set(a.lower().split())
        for b in theirs:
            wb = set(b.lower().split())
            if wa <= wb or wb <= wa:
                return True
    return False


def same_happening(c: Candidate, e: StoredEvent, lex: Lexicon) -> bool:
    """Whether candidate `c` reports the stored event `e`."""
    # Outlets pick different verbs for one happening ("arrived" / "rushed to"): a bare
    # statement or an untyped action may join another family, on stronger evidence below.
    cross = lex.family(c.type) != lex.family(e.type)
    if (cross and not (c.type in WEAK_TYPES or e.type in WEAK_TYPES)) or not overlaps(c, e):
        return False
    if c.quote in e.quotes:
        return True
    closest = max(similarity(c.quote, q) for q in e.quotes)
    if closest >= VERBATIM:
        return True  # nearly the same sentence, in another outlet's copy
    agents = set(c.agents)
    if agents and e.agents:
        if not same_agent(agents, e.agents):
            return False  # different actors' statements stay apart
        if cross:
            return closest >= CROSS_TYPE_SIMILARITY
        return c.type == e.type or closest >= MIN_SIMILARITY
    if cross:
        return False
    # At least one side has no named actor (an event named by a noun): wording must agree.
    if c.type != e.type:
        return False
    return any(c.trigger.lower() in q.lower() for q in e.quotes) and (
        max(similarity(c.title, q) for q in e.quotes) >= MIN_SIMILARITY / 2
    )


def best_match(c: Candidate, events: Sequence[StoredEvent], lex: Lexicon) -> StoredEvent | None:
    """The stored event this candidate reports, preferring shared agents then wording."""
    matches = [e for e in events if same_happening(c, e, lex)]
    if not matches:
        return None
    return max(
        matches,
        key=lambda e: (
            len(set(c.agents) & e.agents),
            max(similarity(c.quote, q) for q in e.quotes),
            -e.id,
        ),
    )


def span_days(f: SourceFacts) -> int:
    if f.start is None or f.end is None:
        return 10**6
    return (f.end - f.start).days


def _speaks_for(f: SourceFacts) -> tuple[object, ...]:
    return (
        f.date_inferred,
        span_days(f),
        # an inferred date is the day of a report: the earliest report bounds the happening
        (f.start or date.max) if f.date_inferred else date.min,
        f.type == "STATEMENT",
        f.quote,
        f.title,
    )


def summarise(facts: Sequence[SourceFacts]) -> SourceFacts:
    """The source that speaks for the event: an explicit date over an inferred one, then the
    narrowest span, then (for inferred dates) the earliest report, then a typed event over a
    bare statement, then the quote (a stable tie)."""
    return min(facts, key=_speaks_for)


def fragment(title: str, quote: str) -> bool:
    """Whether a title is a dependent clause cut from its sentence ("Telling reporters",
    "To fight corruption", "Which contests the results"): it opens with a clause opener, or
    with a gerund that the sentence writes in lower case (so not "Beijing says")."""
    first = re.match(r"[\w'’-]+", title)
    if first is None:
        return False
    word = first.group(0)
    if word.lower() in CLAUSE_OPENERS:
        return True
    return (
        word.lower().endswith("ing")
        and len(word) > 4
        and re.search(r"(?<![\w])" + re.escape(word.lower()) + r"\b", quote) is not None
    )


def title_source(facts: Sequence[SourceFacts], speaking: SourceFacts | None = None) -> SourceFacts:
    """The source whose title names the event: a title that is no dependent clause, then one
    of a source dated as the event is (another day's report merged in tells of another
    moment: "Putin indicates he would consider additional ceasefires" is no title for the
    weekend's truce), then a main mention's whole clause over a clause-level phrase, then the
    source that speaks for the event (`summarise(facts)`, passed in when the caller has it)."""
    speaking = speaking or summarise(facts)
    return min(
        facts,
        key=lambda f: (
            fragment(f.title, f.quote),
            (f.start, f.end) != (speaking.start, speaking.end),
            not f.main,
            _speaks_for(f),
        ),
    )
