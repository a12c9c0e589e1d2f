"""What the extractor produces (a Mention) and what it knows while it reads one article.

A mention is one reported happening in one sentence. Offsets (`trigger_start`,
`sentence_start`, ...) point into the article body exactly as the source reader returned it
(`ArticleInput.text`), so any output can quote the trigger in place.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date

from ingest.actors import ArticleActors
from ingest.actors import Mention as Named
from ingest.lexicon import Lexicon, Trigger
from ingest.temporal.reference import ReferenceTime
from ingest.text.nlp import Word
from ingest.text.tokens import Token


@dataclass(frozen=True, slots=True)
class Hit:
    """A trigger found in a sentence: tokens [first, last] and what they mean."""

    first: int
    last: int
    trigger: Trigger


@dataclass(frozen=True, slots=True)
class Dating:
    """When a happening took place, and which words said so (None: borrowed or inferred)."""

    start: date | None
    end: date | None
    precision: str
    inferred: bool
    time_text: str | None = None
    time_value: str | None = None


UNDATED = Dating(None, None, "unknown", True)


@dataclass(slots=True)
class Mention:
    """One happening as one sentence reports it; coreference decides if it is new or known.

    `primary` marks the sentence's main happening (the one a one-event-per-sentence reader
    would keep); `headline` and `lead` say where the sentence stands in the article. Roles:
    `agents` did it, `patients` underwent it, `places` are where; `actors` is everyone named.
    """

    sentence_index: int
    quote: str
    type: str
    modality: str
    title: str
    agents: list[str]
    actors: list[str]
    dating: Dating
    trigger: str
    links: list[tuple[int, str]] = field(default_factory=list)  # (mention index, kind)
    trigger_start: int = -1
    trigger_end: int = -1
    sentence_start: int = 0
    sentence_end: int = 0
    trigger_lemma: str = ""
    trigger_pos: str = ""
    patients: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    headline: bool = False
    lead: bool = False
    primary: bool = True


Candidate = Mention  # the name the merger has always used


@dataclass(slots=True)
class ArticleState:
    """What earlier sentences of the same article established (for anaphora and dating)."""

    dct: date | None
    actors: ArticleActors
    # The narrative's reference time, the one the tagger moves while resolving: built once
    # per article from the tagger's output (`ReferenceTime.from_timexes`, ingest/analysis.py).
    reference: ReferenceTime
    candidates: list[Mention] = field(default_factory=list)
    last_person: str | None = None
    last_agents: list[str] = field(default_factory=list)
    # What event dating adds to the reference time (dating.py): who did the happening that an
    # anchor's expression dated, the expressions that dated only plans, where each sentence
    # starts, and the sentence where the narrative of an anchor was last taken up.
    anchor_agents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    plans: set[int] = field(default_factory=set)
    sentence_starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, index)
    continued: tuple[int, int] = (-1, -(10**6))  # (anchor begin, sentence index)

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence an article offset falls in (-10**6 before any)."""
        i = bisect.bisect_right(self.sentence_starts, (offset, 10**9))
        return self.sentence_starts[i - 1][1] if i else -(10**6)

    def recent(self, event_type: str, trigger: str) -> int | None:
        """The latest mention that "the <trigger>" can mean: one named by the same word
        ("the truce" -> "a truce declared over the weekend"), else the latest of its type
        that happened (not a statement about one), else the latest whose sentence used the
        word. Only reported or self-dated mentions count, not clause-level ones."""
        known = [i for i, c in enumerate(self.candidates) if c.primary or c.dating.time_text]
        same_type = [i for i in known if self.candidates[i].type == event_type]
        same_word = [i for i in same_type if self.candidates[i].trigger.lower() == trigger]
        mentioned = [  # "agreed to a truce" then "the truce": the agreement is what it means
            i
            for i in known
            if re.search(rf"\b{re.escape(trigger)}\b", self.candidates[i].quote, re.IGNORECASE)
        ]
        happened = [i for i in same_type if self.candidates[i].modality == "occurred"]
        matches = same_word or happened or same_type or mentioned
        return matches[-1] if matches else None

    def recent_by(self, agent: str, event_type: str | None = None) -> int | None:
        """The latest mention of an agent, preferring one of the given type: "Putin's
        comments" elaborated as talks mean Putin's statement about talks."""
        by_agent = [i for i, c in enumerate(self.candidates) if c.primary and agent in c.agents]
        typed = [i for i in by_agent if self.candidates[i].type == event_type]
        matches = typed or by_agent
        return matches[-1] if matches else None


@dataclass(slots=True)
class Sentence:
    """One sentence being read: its text, tokens, tags and named actors, and where it is."""

    index: int
    text: str
    offset: int  # where the sentence starts in the article body
    tokens: list[Token]
    tags: dict[int, str]  # Penn tag by token start (empty without spaCy)
    named: list[Named]
    relative: list[tuple[int, int]]  # relative clauses and parentheses
    quoted: list[tuple[int, int]]  # spans inside quotation marks
    lex: Lexicon
    state: ArticleState
    headline: bool = False
    lead: bool = False
    parse: tuple[Word, ...] | None = None  # spaCy's words, None without the model

    def words(self, hit: Hit) -> str:
        return " ".join(t.text for t in self.tokens[hit.first : hit.last + 1])

    def span(self, hit: Hit) -> tuple[int, int]:
        """The hit's character span in the article body."""
        return (
            self.offset + self.tokens[hit.first].start,
            self.offset + self.tokens[hit.last].end,
        )
