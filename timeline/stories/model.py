"""The story model, pure: which events form one story, and how its steps link up.

A story is a connected component of the *affinity graph*: two events are joined when a
connective links them (ingest's links), or when they are at most `max_gap_days` apart and their
participants and topic words overlap enough, discounted by the gap. Components are a function
of the set of events alone, so the stories do not depend on the order articles arrive in, and
adding an event can only join stories, never split others (see `timeline.stories.update` for
how the store keeps them current one article at a time).

Inside a story every step that no connective ties to an earlier step is chained to its most
affine earlier step, and the pair's types name the link (`timeline/data/stories.toml`: a truce
then an attack -> violates; a threat then the target's reply -> responds_to; ...).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "stories.toml"
UNTYPED = frozenset({"STATEMENT", "OTHER"})  # what a headline says least about


@dataclass(frozen=True, slots=True)
class Facts:
    """What the model knows of one stored event. `key` orders events without ids, so ties
    break the same way whatever order the events were stored in."""

    id: int
    start: date
    end: date
    type: str
    title: str
    agents: frozenset[str]
    actors: frozenset[str]
    words: frozenset[str]
    articles: int = 1
    linked: frozenset[int] = field(default_factory=frozenset)  # connective links, either way

    @property
    def key(self) -> tuple[date, date, str, str, int]:
        return (self.start, self.end, self.type, self.title, self.id)


@dataclass(frozen=True, slots=True)
class LinkRule:
    kind: str
    earlier: frozenset[str]
    later: frozenset[str]
    same_agent: bool = False
    other_agent: bool = False
    same_day: bool = False

    def holds(self, earlier: Facts, later: Facts) -> bool:
        if "*" not in self.earlier and earlier.type not in self.earlier:
            return False
        if "*" not in self.later and later.type not in self.later:
            return False
        if self.same_agent and not earlier.agents & later.agents:
            return False
        if self.other_agent and not replies(earlier, later):
            return False
        return not self.same_day or gap_days(earlier, later) == 0


@dataclass(frozen=True, slots=True)
class Rules:
    stop: frozenset[str]
    max_gap_days: int
    half_life_days: float
    min_affinity: float
    min_shared_words: int
    links: tuple[LinkRule, ...]


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The grouping thresholds and link rules, read once from the data file."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    grouping = data["grouping"]
    links = tuple(
        LinkRule(
            kind=r["kind"],
            earlier=frozenset(r.get("earlier", ["*"])),
            later=frozenset(r.get("later", ["*"])),
            same_agent=r.get("same_agent", False),
            other_agent=r.get("other_agent", False),
            same_day=r.get("same_day", False),
        )
        for r in data["links"]
    )
    return Rules(
        stop=frozenset(data["words"]["stop"].split()),
        max_gap_days=int(grouping["max_gap_days"]),
        half_life_days=float(grouping["half_life_days"]),
        min_affinity=float(grouping["min_affinity"]),
        min_shared_words=int(grouping["min_shared_words"]),
        links=links,
    )


_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")


def topic_words(texts: Iterable[str], *, names: Iterable[str] = ()) -> frozenset[str]:
    """Content words of an event's title and quotes, lightly stemmed, without the words of
    its participants' names (those count as participants, not twice as topic)."""
    stop = rules().stop
    named = {w for n in names for w in _WORD.findall(n.lower())}
    out = set()
    for text in texts:
        for word in _WORD.findall(text.lower().replace("’", "'")):
            word = word.split("'")[0]
            if len(word) < 3 or word in stop or word in named:
                continue
            out.add(stem(word))
    return frozenset(out)


def document_stems(lowered: str) -> frozenset[str]:
    """The stems of every word of a lower-cased text, stop words and names included: a
    superset of the topic words of the texts it joins (`topic_words` without its filters),
    for testing which events may share a topic word before reading their facts."""
    text = lowered.replace("’", "'")
    words = set(_WORD.findall(text))
    if "'" in text:
        words = {w.split("'")[0] for w in words}
    return frozenset(map(stem, words))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """truce/truces -> truc, violate/violations -> violat, talks -> talk: one form for the
    inflections of a word (a final e goes too, so "strike" meets "strikes" and "striking").
    Remembered: a story update reads the words of thousands of events, and most are the
    same few thousand words (it was half of that update's CPU)."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def replies(earlier: Facts, later: Facts) -> bool:
    """Whether the later event is the other side's answer: none of its agents acted in the
    earlier one, and it acts on the earlier one's agent ("VRTO rejected the demand of FNV
    Havens" after "FNV Havens threatened a strike") or is done by someone the earlier one
    involved."""
    if not later.agents or later.agents & earlier.agents:
        return False
    later_others = later.actors - later.agents
    earlier_others = earlier.actors - earlier.agents
    return bool(later_others & earlier.agents or later.agents & earlier_others)


def gap_days(a: Facts, b: Facts) -> int:
    """Days between two spans (0 when they overlap)."""
    if a.end < b.start:
        return (b.start - a.end).days
    if b.end < a.start:
        return (a.start - b.end).days
    return 0


def _overlap(x: frozenset[str], y: frozenset[str]) -> float:
    """Overlap coefficient: shared / size of the smaller set (0 when either is empty)."""
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def same_actor(x: str, y: str) -> bool:
    """One participant under two names as reports shorten them: "Wen" and "Wen Jiabao",
    "Yushu" and "Yushu County", "FNV Havens" and "Dockworkers union FNV Havens" (the words of
    one begin or end the other)."""
    return _same_words(_name_words(x), _name_words(y))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    """A name's lower-cased words (asked for every pair of events a story update compares)."""
    return tuple(name.lower().split())


def _same_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    n = len(short)
    return bool(short) and (long[:n] == short or long[-n:] == short)


def may_share_actor(x: frozenset[str], y: frozenset[str]) -> bool:
    """False when no participant of `x` can be one of `y` (`same_actor`), tested cheaply:
    one name's words begin or end the other's only if their first or their last words are
    the same. A story update asks it of thousands of events sharing one word with an
    event, before `shared_actors` compares names pair by pair."""
    ends = _all_ends(x)
    return any(not ends.isdisjoint(_name_ends(name)) for name in y)


@lru_cache(maxsize=65536)
def _all_ends(names: frozenset[str]) -> frozenset[tuple[int, str]]:
    return frozenset(end for name in names for end in _name_ends(name))


@lru_cache(maxsize=65536)
def _name_ends(name: str) -> tuple[tuple[int, str], ...]:
    """(0, first word) and (1, last word) of a name (none when it has no word)."""
    words = _name_words(name)
    return ((0, words[0]), (1, words[-1])) if words else ()


@lru_cache(maxsize=65536)
def shared_actors(x: frozenset[str], y: frozenset[str]) -> int:
    """How many participants of the smaller set also take part in the other. Remembered per
    pair of sets: a story update compares the same events (and many events name the same
    participants) again for every article of their days; most of its CPU was here."""
    small, big = (x, y) if len(x) <= len(y) else (y, x)
    longer = [_name_words(b) for b in big]
    return sum(any(_same_words(_name_words(a), w) for w in longer) for a in small)


def affinity(a: Facts, b: Facts) -> float:
    """How strongly two events belong to one story, 0 when they cannot.

    Participant overlap plus topic-word overlap (each 0..1, shared / smaller set), halved
    every `half_life_days` of gap; zero beyond `max_gap_days`, and zero unless they share a
    participant and a topic word, or `min_shared_words` topic words: one common actor ("the
    United States") or one common word is chance, not a story.
    """
    r = rules()
    gap = gap_days(a, b)
    if gap > r.max_gap_days:
        return 0.0
    words = len(a.words & b.words)
    if not words and r.min_shared_words > 0:
        return 0.0  # the test below, without comparing participants first
    actors = shared_actors(a.actors, b.actors)
    if not (actors and words) and words < r.min_shared_words:
        return 0.0
    actor_part = actors / min(len(a.actors), len(b.actors)) if actors else 0.0
    score = actor_part + _overlap(a.words, b.words)
    return score * math.pow(0.5, gap / r.half_life_days)


def joined(a: Facts, b: Facts) -> bool:
    """An edge of the affinity graph: a connective, or enough affinity."""
    return b.id in a.linked or a.id in b.linked or affinity(a, b) >= rules().min_affinity


def neighbours(event: Facts, others: Sequence[Facts]) -> list[Facts]:
    """The events of `others` joined to `event`."""
    return [o for o in others if o.id != event.id and joined(event, o)]


def joins_without_words() -> bool:
    """Whether the rules let two events share a story with no topic word in common (a zero
    affinity joins, or no shared word is asked for): then no word index may narrow the
    events an event can be joined to."""
    r = rules()
    return r.min_affinity <= 0 or r.min_shared_words <= 0


class Pool:
    """Events to find neighbours among, indexed by topic word, so each event is compared
    only with those that can be joined to it: `neighbours(event, pool.within_reach(event))`
    is `neighbours(event, all of them)`. An affinity above zero needs a shared topic word
    (with a shared participant, or `min_shared_words` of them), so an event sharing none and
    no connective is never joined, unless the rules let a zero affinity join (then every
    event is within reach). A story update compared each touched event with the ~4k events
    of its fortnight at 270 events a day, to join a dozen."""

    def __init__(self, events: Iterable[Facts]) -> None:
        self.events = {f.id: f for f in events}
        self.by_word: dict[str, list[int]] = {}
        self.linking: dict[int, list[int]] = {}  # event id -> pool events linked to it
        for fact in self.events.values():
            for word in fact.words:
                self.by_word.setdefault(word, []).append(fact.id)
            for other in fact.linked:
                self.linking.setdefault(other, []).append(fact.id)
        self.everything = joins_without_words()

    def within_reach(self, event: Facts) -> list[Facts]:
        """The events of the pool that share a topic word with `event` or are linked to it
        by a connective (either way), in id order."""
        if self.everything:
            return sorted(self.events.values(), key=lambda f: f.id)
        ids = {i for word in event.words for i in self.by_word.get(word, ())}
        ids.update(i for i in event.linked if i in self.events)
        ids.update(self.linking.get(event.id, ()))
        return [self.events[i] for i in sorted(ids)]


def components(events: Sequence[Facts]) -> list[list[Facts]]:
    """Connected components of the affinity graph, each sorted by key, sorted by first key.

    Events are swept in date order and compared only with those within `max_gap_days`, so the
    cost grows with the events per window, not with the square of all events. Connective links
    join events whatever their gap.
    """
    ordered = sorted(events, key=lambda f: f.key)
    by_id = {f.id: f for f in ordered}
    parent = {f.id: f.id for f in ordered}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    window: list[Facts] = []
    max_gap = rules().max_gap_days
    for event in ordered:
        # keep the events that may still be within the gap of this one or later ones
        window = [w for w in window if (event.start - w.end).days <= max_gap]
        for other in window:
            if joined(event, other):
                union(event.id, other.id)
        window.append(event)
        for linked in event.linked:
            if linked in by_id:
                union(event.id, linked)
    groups: dict[int, list[Facts]] = {}
    for event in ordered:
        groups.setdefault(find(event.id), []).append(event)
    return sorted(groups.values(), key=lambda g: g[0].key)


@dataclass(frozen=True, slots=True)
class Inferred:
    """An inferred link: `source` (the later event) <kind> `target` (the earlier one)."""

    source: int
    target: int
    kind: str


def infer_links(story: Sequence[Facts]) -> list[Inferred]:
    """Chain each step that no connective ties into the story to its most affine earlier step
    (ties: the latest), and name the link by the pair's types."""
    ordered = sorted(story, key=lambda f: f.key)
    ids = {f.id for f in ordered}
    out: list[Inferred] = []
    for n, event in enumerate(ordered):
        earlier = [p for p in ordered[:n] if p.start <= event.start]
        if not earlier or event.linked & ids:
            continue  # the first step, or a connective already ties it into the story
        scored = [(affinity(p, event), p.key, p) for p in earlier]
        best_score, _, best = max(scored, key=lambda t: (t[0], t[1]))
        if best_score <= 0:
            continue
        out.append(Inferred(event.id, best.id, link_kind(best, event)))
    return out


def link_kind(earlier: Facts, later: Facts) -> str:
    """The first rule that holds for the pair; "follows" when none does."""
    for rule in rules().links:
        if rule.holds(earlier, later):
            return rule.kind
    return "follows"


def story_title(story: Sequence[Facts]) -> str:
    """The title of the story's most reported event (ties: a typed one, then the earliest)."""
    best = max(
        story,
        key=lambda f: (f.articles, f.type not in UNTYPED, -f.start.toordinal(), f.title),
    )
    return best.title
