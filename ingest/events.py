"""Event candidates from sentences: what happened, who did it, when, and how it is reported.

A sentence reports an event when it has a *main trigger*: a reporting verb ("said",
"confirmed") or an event verb ("attacked", "cautioned") that is not negated, with an actor.
The reported content (what follows a reporting verb, up to the next clause boundary) gives the
event its type; a time expression in the main clause dates it; a time expression inside the
content dates the content instead ("confirmed that a delegation will travel ... on Wednesday"
is a planned trip on Wednesday). Event nouns elsewhere in the sentence that carry a date of
their own ("Russia's February 2022 invasion", "a truce declared over the weekend") become
events of their own. Phrases like "following X" / "despite X" link the main event to X.

The rules use only the lexicon (`ingest/data/event_types.toml`), the actor table and the
temporal tagger, so they carry over to news they were not written for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from ingest.actors import ArticleActors, Mention
from ingest.lexicon import OCCUR, Lexicon, Trigger
from ingest.nlp import Annotation
from ingest.temporal import Timex

_TOKEN = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*|\d[\d,.:]*|[^\w\s]")
NEGATIONS = frozenset(
    {"not", "n't", "never", "no", "neither", "nor", "without", "nobody", "nothing", "none"}
)
HYPOTHETICAL = frozenset({"would", "could", "might", "may", "should", "if", "whether"})
FUTURE = frozenset({"will", "shall", "'ll", "plans", "plan", "planned", "scheduled", "set"})
CLAIMED = frozenset({"reportedly", "allegedly", "purportedly"})
PRONOUNS = frozenset({"he", "she", "they"})
BARE_VERB_CONTEXT = frozenset(
    {
        "will",
        "would",
        "could",
        "can",
        "may",
        "might",
        "must",
        "should",
        "shall",
        "did",
        "do",
        "does",
        "to",
        "not",
        "they",
        "we",
        "i",
        "you",
        "also",
        "jointly",
    }
)
# Words that end a noun phrase on its left: "following [a unilateral 30-hour truce]".
NP_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "of",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "after",
        "following",
        "despite",
        "during",
        "amid",
        "since",
        "before",
        "and",
        "or",
        "but",
    }
)
FINITE = frozenset({"VBD", "VBZ", "VBP"})
# Verbs that carry no happening of their own (copulas, auxiliaries, light verbs).
NON_EVENT_VERBS = frozenset(
    """is are was were be been being am has have had do does did seem seems seemed remain
    remains remained appear appears appeared become becomes became include includes included
    continue continues continued expect expects expected need needs needed want wants wanted
    hope hopes hoped believe believes believed think thinks thought know knows knew""".split()
)
MODAL_WORDS = frozenset(
    {
        "would",
        "will",
        "could",
        "can",
        "may",
        "might",
        "should",
        "must",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
    }
)
INTENT_VERBS = frozenset(
    {
        "plan",
        "plans",
        "planned",
        "planning",
        "intend",
        "intends",
        "intended",
        "agreed",
        "decided",
        "vowed",
        "pledged",
        "promised",
        "expects",
        "expected",
        "scheduled",
        "set",
        "due",
        "prepared",
        "preparing",
        "aims",
        "aim",
        "seeks",
        "sought",
        "voted",
    }
)
UNTYPED = frozenset({"REPORT", OCCUR})
BE_FORMS = frozenset({"is", "was", "were", "are", "be", "been", "being"})
ADVERBIALS = frozenset(
    {
        "however",
        "meanwhile",
        "also",
        "then",
        "later",
        "earlier",
        "still",
        "already",
        "now",
        "separately",
        "instead",
        "previously",
        "reportedly",
        "allegedly",
        "yesterday",
        "today",
    }
)
AUXILIARIES = frozenset({"is", "was", "were", "are", "be", "been", "being", "has", "have", "had"})
# Words after which the rest of the sentence is another clause, not the reported content.
BOUNDARY_WORDS = frozenset(
    {"following", "after", "amid", "despite", "since", "before", "during", "while", "as"}
)
COMMA_BOUNDARY_WORDS = frozenset(
    {"including", "marking", "which", "who", "with", "where", "when", "but", "saying", "adding"}
)
# How a referenced event relates to the main one: "following X" -> follows X.
CONNECTORS = {
    "following": "follows",
    "after": "follows",
    "since": "follows",
    "despite": "during",
    "during": "during",
    "amid": "during",
    "on": "responds_to",
    "to": "responds_to",
}
VIOLATION_LEMMAS = frozenset(
    {
        "violation",
        "violations",
        "violate",
        "violates",
        "violated",
        "violating",
        "breach",
        "breaches",
        "breached",
        "breaching",
    }
)
ELABORATING_LEMMAS = frozenset({"elaborate", "explain", "clarify", "add", "respond", "reply"})
# Nouns that name what someone said: "Putin's comments" points back at Putin's statement.
SPEECH_NOUNS = frozenset(
    {"comments", "comment", "remarks", "remark", "statement", "statements", "words", "proposal"}
)
GENERIC_SUBJECTS = frozenset(
    {"critics", "analysts", "experts", "observers", "commentators", "many", "some", "others"}
)
DATING_GRANULARITY = {
    "time": "day",
    "day": "day",
    "weekend": "day",
    "week": "week",
    "month": "month",
    "quarter": "month",
    "season": "month",
    "year": "year",
    "decade": "year",
    "century": "year",
}


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    lower: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A trigger found in a sentence: tokens [first, last] and what they mean."""

    first: int
    last: int
    trigger: Trigger


@dataclass(frozen=True, slots=True)
class Dating:
    """When an event happened, and which words said so (None: inherited or inferred)."""

    start: date | None
    end: date | None
    precision: str
    inferred: bool
    time_text: str | None = None
    time_value: str | None = None


@dataclass(slots=True)
class Candidate:
    """One event as one sentence reports it; the merger decides if it is new or known."""

    sentence_index: int
    quote: str
    type: str
    modality: str
    title: str
    agents: list[str]
    actors: list[str]
    dating: Dating
    trigger: str
    links: list[tuple[int, str]] = field(default_factory=list)  # (candidate index, kind)


@dataclass(slots=True)
class ArticleState:
    """What earlier sentences of the same article established (for anaphora and dating)."""

    dct: date | None
    actors: ArticleActors
    candidates: list[Candidate] = field(default_factory=list)
    last_person: str | None = None
    last_agents: list[str] = field(default_factory=list)

    def recent(self, event_type: str, trigger: str) -> int | None:
        """The latest candidate that "the <trigger>" can mean: one named by the same word
        ("the truce" -> "a truce declared over the weekend"), else the latest of its type
        that happened (not a statement about one), else the latest whose sentence used the
        word."""
        same_type = [i for i, c in enumerate(self.candidates) if c.type == event_type]
        same_word = [i for i in same_type if self.candidates[i].trigger.lower() == trigger]
        mentioned = [  # "agreed to a truce" then "the truce": the agreement is what it means
            i
            for i, c in enumerate(self.candidates)
            if re.search(rf"\b{re.escape(trigger)}\b", c.quote, re.IGNORECASE)
        ]
        happened = [i for i in same_type if self.candidates[i].modality == "occurred"]
        matches = same_word or happened or same_type or mentioned
        return matches[-1] if matches else None

    def recent_by(self, agent: str, event_type: str | None = None) -> int | None:
        """The latest candidate of an agent, preferring one of the given type: "Putin's
        comments" elaborated as talks mean Putin's statement about talks."""
        by_agent = [i for i, c in enumerate(self.candidates) if agent in c.agents]
        typed = [i for i in by_agent if self.candidates[i].type == event_type]
        matches = typed or by_agent
        return matches[-1] if matches else None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks; an unmatched mark runs to the sentence edge
    (quotations often span several sentences)."""
    spans: list[tuple[int, int]] = []
    opening: int | None = None
    for i, ch in enumerate(text):
        if ch == "“":
            opening = i
        elif ch == "”":
            spans.append((0 if opening is None else opening, i))
            opening = None
    if opening is not None:
        spans.append((opening, len(text)))
    return spans


_RELATIVE = re.compile(r",\s*(?:which|who|whose|whom|where)\b[^,;—]*|\([^)]*\)")


def relative_spans(text: str) -> list[tuple[int, int]]:
    """Relative clauses and parentheses (", which won an election last week,"): they describe
    a noun, so neither their verbs nor their dates belong to the sentence's main event."""
    return [(m.start(), m.end()) for m in _RELATIVE.finditer(text)]


def _borrowed(dating: Dating) -> Dating:
    """A date taken from the event a sentence refers to: its value, but no words of this
    sentence said it, so there is no time text to quote."""
    return replace(dating, time_text=None)


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < offset < end for start, end in spans)


def third_person(verb: str) -> str:
    """say -> says, reply -> replies, stress -> stresses (for titles in the present tense)."""
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    return verb + "s"


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.start(), m.end(), m.group(0), m.group(0).lower()) for m in _TOKEN.finditer(text)
    ]


def find_triggers(tokens: list[Token], lex: Lexicon, blocked: list[tuple[int, int]]) -> list[Hit]:
    """Lexicon triggers in token order, longest phrase first, outside blocked char spans."""
    hits: list[Hit] = []
    i = 0
    while i < len(tokens):
        if any(s <= tokens[i].start < e for s, e in blocked):
            i += 1
            continue
        for n in range(min(lex.max_phrase, len(tokens) - i), 1, -1):
            words = tuple(t.lower.replace("’", "'") for t in tokens[i : i + n])
            if words in lex.phrases:
                hits.append(Hit(i, i + n - 1, lex.phrases[words]))
                i += n
                break
        else:
            trig = lex.words.get(tokens[i].lower.replace("’", "'"))
            if trig is not None:
                hits.append(Hit(i, i, trig))
            i += 1
    return hits


class SentenceAnalyser:
    """Turns one sentence (with its time expressions and entities) into candidates."""

    def __init__(self, lex: Lexicon, state: ArticleState) -> None:
        self.lex = lex
        self.state = state
        self.tags: dict[int, str] = {}
        self.text = ""
        self.relative: list[tuple[int, int]] = []
        self.mentions: list[Mention] = []

    def analyse(
        self,
        index: int,
        text: str,
        timexes: list[Timex],
        annotation: Annotation | None = None,
    ) -> list[Candidate]:
        """Candidates of one sentence, appended to the article state; returns the new ones."""
        if text.rstrip("”\"' ").endswith("?"):
            return []
        tokens = tokenize(text)
        if len(tokens) < 4:
            return []
        self.tags = annotation.tags if annotation is not None else {}
        self.text = text
        self.relative = relative_spans(text)
        mentions = self.state.actors.find(text, annotation.entities if annotation else None)
        self.mentions = mentions
        # Dates and names are never triggers; durations may be part of one ("one-day strike").
        blocked = [(t.begin, t.end) for t in timexes if t.type in {"DATE", "TIME"}]
        blocked += [(m.start, m.end) for m in mentions]
        hits = find_triggers(tokens, self.lex, blocked)
        dated = [t for t in timexes if t.span_start is not None and t.type in {"DATE", "TIME"}]
        if not hits and not dated:
            return []
        main = self._main_trigger(tokens, hits) or self._dated_action(tokens, mentions, dated)
        boundary = self._content_end(tokens, main.last + 1 if main else 0)
        first_new = len(self.state.candidates)
        claimed_timexes: set[int] = set()
        nominal_refs: list[tuple[Hit, int | None, str]] = []  # (hit, candidate index, connector)

        for hit in hits:
            if main is not None and main.first <= hit.first <= boundary and hit is not main:
                continue  # inside the reported content: it types the main event instead
            if hit is main or hit.trigger.type == "REPORT":
                continue
            if hit.trigger.pos == "verb":
                continue
            connector = self._connector(tokens, hit.first)
            tx = self._attached_timex(tokens, hit, dated)
            if tx is not None:
                claimed_timexes.add(id(tx))
            # "the truce" names the truce this article already reported: a reference, not a
            # new report; "a truce declared over the weekend" reports one.
            ref_index = (
                self.state.recent(hit.trigger.type, self._words(tokens, hit).lower())
                if self._is_definite(tokens, hit.first)
                else None
            )
            if ref_index is None and tx is not None:
                ref_index = self._add_nominal(index, text, tokens, hit, tx, mentions)
            nominal_refs.append((hit, ref_index, connector))

        self._add_relative_events(index, text, tokens, hits, mentions, dated)
        if main is not None and not self._negated(tokens, main.first):
            self._add_main(
                index,
                text,
                tokens,
                hits,
                main,
                boundary,
                mentions,
                dated,
                claimed_timexes,
                nominal_refs,
            )
        self._remember_people(mentions)
        return self.state.candidates[first_new:]

    # -- the main event ---------------------------------------------------------------------

    def _main_trigger(self, tokens: list[Token], hits: list[Hit]) -> Hit | None:
        """The first verb trigger that heads a clause of its own: not an infinitive ("to
        discuss"), not a participle modifying a noun ("territories claimed by Moscow"), not a
        participial add-on (", saying ...")."""
        quoted = quoted_spans(self.text)
        for hit in hits:
            start = tokens[hit.first].start
            if (
                self._infinitive(tokens, hit.first)
                or _inside(start, quoted)  # what was said, not who said it
                or _inside(start, self.relative)  # describes a noun of the sentence
            ):
                continue
            tag = self.tags.get(tokens[hit.first].start, "")
            if hit.trigger.pos == "noun" and not (tag in FINITE or tag == "VB"):
                continue  # a noun trigger counts as a verb only when tagged as one ("will visit")
            if tag.startswith("NN"):
                continue  # "state television", "in remarks"
            if hit.trigger.type == "REPORT" and self._passive_hedge(tokens, hit):
                continue
            if tag == "VBN" and not self._after_auxiliary(tokens, hit.first):
                continue  # "a statement released today": a participle describing a noun
            if hit.trigger.pos != "phrase" and (
                self._passive_modifier(tokens, hit.first)
                or self._participle_clause(tokens, hit.first)
                or (not tag and self._bare_noun_like(tokens, hit))
            ):
                continue
            return hit
        for hit in hits:  # only a participle reports anything: "..., suggesting that ..."
            if (
                hit.trigger.type == "REPORT"
                and self._participle_clause(tokens, hit.first)
                and not _inside(tokens[hit.first].start, quoted)
            ):
                return hit
        return None

    def _dated_action(
        self, tokens: list[Token], mentions: list[Mention], dated: list[Timex]
    ) -> Hit | None:
        """A verb the lexicon does not know still reports a happening when someone does it
        at a stated time ("The central bank raised rates on Wednesday", "Talks broke off last
        night"): the first finite verb (or "will"/passive verb group) after the subject, in a
        sentence with a dated expression. Needs part-of-speech tags (or an unambiguous past
        form) so that nouns are never taken for verbs; `_add_main` then requires a subject
        and a date of the verb's own clause."""
        if not dated:
            return None
        start = mentions[0].end if mentions else (tokens[0].end if tokens else 0)
        quoted = quoted_spans(self.text)
        for i, tok in enumerate(tokens):
            if tok.start < start or tok.lower in NON_EVENT_VERBS:
                continue
            if _inside(tok.start, quoted) or _inside(tok.start, self.relative):
                continue
            tag = self.tags.get(tok.start, "")
            previous = tokens[i - 1].lower if i else ""
            if self.tags:
                finite = tag in FINITE or (tag == "VB" and previous in {"will", "shall"})
                passive = tag == "VBN" and previous in AUXILIARIES
            else:
                finite = tok.lower.endswith("ed") and len(tok.lower) > 4
                passive = False
            if (finite or passive) and not self._negated(tokens, i):
                if previous in HYPOTHETICAL:
                    return None
                return Hit(i, i, Trigger(self.lex.fallback_type, "verb", tok.lower))
        return None

    def _add_main(
        self,
        index: int,
        text: str,
        tokens: list[Token],
        hits: list[Hit],
        main: Hit,
        boundary: int,
        mentions: list[Mention],
        dated: list[Timex],
        claimed: set[int],
        refs: list[tuple[Hit, int | None, str]],
    ) -> None:
        agents = self._agents(tokens, main, mentions, text)
        if agents is None:
            return  # "Critics argue ...": opinion, not a happening
        if not agents:
            phrase = self._subject_phrase(tokens, main)
            agents = [phrase] if phrase else []
        if main.trigger.type == OCCUR:  # "the summit came to a close": a summit event
            subject = [h for h in hits if h.last < main.first and h.trigger.type not in UNTYPED]
            main = Hit(
                main.first,
                main.last,
                replace(
                    main.trigger,
                    type=subject[-1].trigger.type if subject else self.lex.fallback_type,
                ),
            )
            dated_only, needs_subject = True, False
        else:
            dated_only = needs_subject = main.trigger.type == self.lex.fallback_type
        if dated_only and (
            (needs_subject and not agents)
            or not self._main_timex(
                tokens, main, boundary, [t for t in dated if id(t) not in claimed], text
            )
        ):
            return  # an unknown verb is an event only with a subject and a date of its own
        reporting = main.trigger.type == "REPORT"
        quote = self._quote_span_before(text, tokens, main) if reporting else None
        content_hits = [
            h
            for h in hits
            if (
                quote[0] <= tokens[h.first].start < quote[1]  # “...,” she said
                if quote
                else main.last < h.first <= boundary  # she said that ...
            )
            and h.trigger.type not in UNTYPED
            and self._noun_or_verb(tokens, h)
        ]
        content = content_hits[0] if content_hits else None
        free = [t for t in dated if id(t) not in claimed]
        main_tx = self._main_timex(tokens, main, boundary, free, text)
        # A date bound to another event noun of the content ("deaths from Monday's
        # earthquake") dates that noun, which becomes an event of its own, not the content.
        for other in content_hits[1:]:
            if other.trigger.pos != "noun":
                continue
            bound = self._attached_timex(tokens, other, free)
            if bound is not None:
                free = [t for t in free if t is not bound]
                self._add_nominal(index, text, tokens, other, bound, mentions)
        content_tx = next(
            (
                t
                for t in free
                if t is not main_tx
                and tokens[main.last].end <= t.begin
                and t.begin <= tokens[boundary].end
            ),
            None,
        )
        lower = [t.lower for t in tokens]
        modality = main.trigger.modality if reporting else "occurred"
        if any(w in CLAIMED for w in lower):
            modality = "claimed"
        window = lower[max(0, main.first - 3) : main.first]
        if not reporting and any(w in HYPOTHETICAL for w in window):
            return  # "could abandon" on its own is not something that happened
        if not reporting and any(w in FUTURE for w in window):
            modality = "planned"

        event_type = main.trigger.type if not reporting else self.lex.statement_type
        if not reporting:
            # "The earthquake killed 617": the subject names the happening, the verb its effect.
            clause_start = self._clause_start(tokens, main.first)
            subject_nouns = [
                h
                for h in hits
                if h.trigger.pos == "noun"
                and h.last < main.first
                and tokens[h.first].start >= clause_start
                and h.trigger.type not in UNTYPED
            ]
            if subject_nouns:
                event_type = subject_nouns[-1].trigger.type
        content_hypothetical = False
        content_future = False
        if content is not None:
            event_type = content.trigger.type if reporting else event_type
            before = lower[main.last + 1 : content.first]
            content_hypothetical = any(
                w in HYPOTHETICAL for w in lower[main.last + 1 : boundary + 1]
            )
            content_future = any(w in FUTURE for w in before) or (
                "to" in before[-2:] and not content_hypothetical
            )
        others = [
            m.name for m in mentions if m.name not in agents and (m.known or m.kind == "person")
        ]
        actors = list(dict.fromkeys(agents + others))
        title = self._title(text, tokens, main, boundary, agents, mentions, main_tx)

        links: list[tuple[int, str]] = []
        inherited: Dating | None = None
        for hit, ref, connector in refs:
            if ref is None:
                continue
            kind = self._link_kind(connector, main, content, lower)
            links.append((ref, kind))
            before_trigger = hit.last < main.first
            if before_trigger and connector in {"despite", "during", "amid"} and inherited is None:
                inherited = _borrowed(self.state.candidates[ref].dating)
        for ref in self._speech_refs(tokens, mentions, main, event_type):
            links.append((ref, "elaborates"))
            if inherited is None:
                inherited = _borrowed(self.state.candidates[ref].dating)

        if (
            reporting
            and content is not None
            and content_tx is not None
            and not content_hypothetical
        ):
            # The news is the reported happening, dated by its own time expression.
            self._append(
                Candidate(
                    index,
                    text,
                    content.trigger.type,
                    "planned"
                    if content_future
                    or (
                        content_tx.span_start
                        and self.state.dct
                        and content_tx.span_start > self.state.dct
                    )
                    else modality,
                    title,
                    agents,
                    actors,
                    self._dating(content_tx),
                    self._words(tokens, content),
                    links,
                )
            )
            if main_tx is None:
                return
            links = []
        dating = (
            self._dating(main_tx)
            if main_tx is not None
            else inherited
            if inherited is not None and not inherited.inferred
            else self._inferred()
        )
        self._append(
            Candidate(
                index,
                text,
                event_type,
                modality,
                title,
                agents,
                actors,
                dating,
                self._words(tokens, main),
                links,
            )
        )

    def _agents(
        self, tokens: list[Token], main: Hit, mentions: list[Mention], text: str
    ) -> list[str] | None:
        """Who did it: "by X" after a passive verb, the actors in the subject before the
        trigger, else the nearest actor before it, else one right after it ("said Peskov"),
        else the person last spoken of. None for generic subjects ("critics argue")."""
        start_char = tokens[main.first].start
        clause_start = self._clause_start(tokens, main.first)
        by_agent = self._passive_agent(tokens, main, mentions)
        if by_agent:
            return by_agent
        subject = [
            m
            for m in mentions
            if clause_start <= m.start
            and m.end <= start_char
            and not _inside(m.start, self.relative)
        ]
        subject_tokens = [t.lower for t in tokens if clause_start <= t.start < start_char]
        subject_words = set(subject_tokens)
        if subject:
            return list(dict.fromkeys(m.name for m in subject))
        heads = [w for w in subject_tokens if w not in ADVERBIALS and w.isalpha()]
        if heads and heads[-1] in GENERIC_SUBJECTS:
            return None  # "Critics argue", "Some say": opinion (but "Some 12,000 nurses" act)
        subject_text = re.sub(
            r"\b(?:" + "|".join(ADVERBIALS) + r")\b", "", text[clause_start:start_char], flags=re.I
        )
        titled = self.state.actors.by_title(subject_text)
        if titled:
            return [titled]  # "The president also promised": the president named earlier
        role = self._role_subject(text[clause_start:start_char])
        if role:
            return [role]
        # "Duma Boko, the leader of X, which won ..., was sworn in": the subject opens the
        # sentence and the clause in between only describes it.
        opening = [
            m
            for m in mentions
            if m.end <= start_char
            and not _inside(m.start, self.relative)
            and "," not in text[: m.start]
            and m.start == len(text[: m.start]) - len(text[: m.start].lstrip())
        ]
        if opening:
            return [opening[0].name]
        if subject_words & PRONOUNS and self.state.last_agents:
            return list(self.state.last_agents)
        after = [
            m
            for m in mentions
            if m.start >= tokens[main.last].end
            and not text[tokens[main.last].end : m.start].strip()
        ]
        if after:
            return [after[0].name]
        before = [
            m for m in mentions if m.end <= start_char and not _inside(m.start, self.relative)
        ]
        if before:
            return [before[-1].name]
        return []

    @staticmethod
    def _clause_start(tokens: list[Token], first: int) -> int:
        """Offset where the clause of token `first` begins (after the last comma or quote)."""
        for i in range(first - 1, -1, -1):
            if tokens[i].text in {",", ";", ":", "—", "“", "”", '"'}:
                return tokens[i].end
        return 0

    def _passive_agent(
        self, tokens: list[Token], main: Hit, mentions: list[Mention]
    ) -> list[str] | None:
        """ "was declared president-elect by the commission": the agent follows "by"."""
        before = [t.lower for t in tokens[max(0, main.first - 2) : main.first]]
        if not BE_FORMS & set(before) or main.trigger.type == "REPORT":
            return None
        for i in range(main.last + 1, min(len(tokens), main.last + 8)):
            if tokens[i].text in {",", ";"}:
                return None
            if tokens[i].lower == "by":
                after = [m for m in mentions if m.start >= tokens[i].end][:1]
                if after and len(self.text[tokens[i].end : after[0].start].split()) <= 1:
                    return [after[0].name]
        return None

    def _subject_phrase(self, tokens: list[Token], main: Hit) -> str | None:
        """The unnamed subject as the actor: "Turkish authorities updated ..." ->
        "Turkish authorities". Short noun phrases only; pronouns and clauses are not actors."""
        start = self._clause_start(tokens, main.first)
        subject = "".join(
            ch if not _inside(i, self.relative) else " "
            for i, ch in enumerate(self.text[: tokens[main.first].start])
        )[start:]
        words = re.findall(r"[\w'’.-]+", subject)
        while words and words[0].lower() in NP_STOP | ADVERBIALS:
            words = words[1:]
        while words and words[-1].lower() in ADVERBIALS | AUXILIARIES | HYPOTHETICAL | FUTURE:
            words = words[:-1]
        if not words or len(words) > 5 or words[0].lower() in PRONOUNS | {"it", "there", "this"}:
            return None
        phrase = " ".join(words)
        return phrase[:1].upper() + phrase[1:]

    def _role_subject(self, subject: str) -> str | None:
        """An unnamed subject that is still an actor: "The foreign ministry said ..." ->
        "Foreign Ministry". Only short noun phrases ending in a role noun qualify."""
        words = re.findall(r"[A-Za-z'’-]+", subject)
        while words and words[0].lower() in NP_STOP | {"however", "meanwhile", "also"}:
            words = words[1:]
        while words and words[-1].lower() in {"also", "had", "has", "have", "was", "were"}:
            words = words[:-1]
        if not words or len(words) > 4:
            return None
        lower = [w.lower() for w in words]
        roles = self.state.actors.table.roles
        if lower[-1] in roles or " ".join(lower[-2:]) in roles:
            return " ".join(w[:1].upper() + w[1:] for w in words)
        return None

    def _main_timex(
        self, tokens: list[Token], main: Hit, boundary: int, free: list[Timex], text: str
    ) -> Timex | None:
        """A time expression of the main clause: in an adverbial before the trigger ("Last
        Friday, ...", "in remarks on Sunday, ..."), or after it before any reported clause
        begins ("said on Monday that ...", "wrote to the board on Monday")."""
        trigger_start = tokens[main.first].start
        trigger_end = tokens[main.last].end
        best: Timex | None = None
        for t in free:
            if _inside(t.begin, self.relative):
                continue
            if t.end <= trigger_start:
                if self._adverbial(t, trigger_start):
                    best = t  # the nearest one before the trigger
            elif t.begin >= trigger_end:
                gap = text[trigger_end : t.begin]
                if re.search(r"\bthat\b|[“\"]", gap):
                    continue
                if main.trigger.type != "REPORT":
                    # an action's clause may run on ("raised its rate ... on Wednesday")
                    if t.begin <= tokens[boundary].end:
                        return t
                elif (
                    len(gap.split()) <= 8
                    and "," not in gap
                    and not self._has_verb(tokens, trigger_end, t.begin)
                ):
                    return t
        return best

    def _adverbial(self, t: Timex, trigger_start: int) -> bool:
        """A time before the verb dates it when nothing but the subject lies between them, or
        when it sits in an opening adverbial, before the subject ("After landing on Thursday
        afternoon, Wen rushed ..."); not in an appositive after the subject ("Sonexay, ASEAN
        Chair for 2024, announced")."""
        if "," not in self.text[t.end : trigger_start]:
            return True
        seg_end = self.text.find(",", t.end)
        first_actor = min((m.start for m in self.mentions), default=len(self.text))
        return seg_end != -1 and seg_end <= first_actor

    def _has_verb(self, tokens: list[Token], start: int, end: int) -> bool:
        """Whether a verb lies in [start, end): the time then belongs to another clause."""
        for tok in tokens:
            if start <= tok.start < end:
                tag = self.tags.get(tok.start, "")
                if tag.startswith("VB") or tag == "MD" or tok.lower in MODAL_WORDS:
                    return True
        return False

    def _append(self, candidate: Candidate) -> None:
        self.state.candidates.append(candidate)
        self.state.last_agents = candidate.agents

    def _add_relative_events(
        self,
        index: int,
        text: str,
        tokens: list[Token],
        hits: list[Hit],
        mentions: list[Mention],
        dated: list[Timex],
    ) -> None:
        """ ", which won a general election last week,": a relative clause with a verb trigger
        and a date of its own reports a second happening, done by the noun it describes."""
        for span in self.relative:
            inside = [
                h
                for h in hits
                if span[0] <= tokens[h.first].start < span[1]
                and h.trigger.type != "REPORT"
                and h.trigger.pos != "noun"
                and not self.tags.get(tokens[h.first].start, "").startswith("NN")
                and not self._negated(tokens, h.first)
            ]
            when = [t for t in dated if span[0] <= t.begin < span[1]]
            if not inside or not when:
                continue
            hit = inside[0]
            owner = [m for m in mentions if m.end <= span[0]]
            agents = [owner[-1].name] if owner else []
            clause = re.sub(
                r"^[,(\s]*(?:which|who|whose|whom|where)?\s*", "", text[span[0] : span[1]]
            )
            subject = owner[-1].name + " " if owner else ""
            self._add_occurred(index, text, tokens, hit, subject + clause, agents, when[0])

    # -- events named by nouns ------------------------------------------------------------------

    def _add_nominal(
        self,
        index: int,
        text: str,
        tokens: list[Token],
        hit: Hit,
        tx: Timex,
        mentions: list[Mention],
    ) -> int:
        """An event noun with its own date: "Russia's February 2022 invasion"."""
        first = hit.first
        while first > 0 and hit.first - first < 5 and tokens[first - 1].lower not in NP_STOP:
            if tokens[first - 1].text in {",", ";", ".", "“", "”", '"'}:
                break
            first -= 1
        begin = min(tokens[first].start, tx.begin)
        end = max(tokens[hit.last].end, tx.end)
        owner = [m for m in mentions if m.end <= begin and len(text[m.end : begin].split()) <= 1]
        agents = [owner[-1].name] if owner else []
        start = owner[-1].start if owner else begin
        self._add_occurred(index, text, tokens, hit, text[start:end], agents, tx)
        return len(self.state.candidates) - 1

    def _add_occurred(
        self,
        index: int,
        text: str,
        tokens: list[Token],
        hit: Hit,
        title: str,
        agents: list[str],
        tx: Timex,
    ) -> None:
        """A happening the sentence mentions with its own date, beside its main event."""
        title = title.strip(" ,()")
        event_type = self.lex.fallback_type if hit.trigger.type in UNTYPED else hit.trigger.type
        self.state.candidates.append(
            Candidate(
                index,
                text,
                event_type,
                "occurred",
                title[:1].upper() + title[1:],
                agents,
                agents,
                self._dating(tx),
                self._words(tokens, hit),
            )
        )

    def _attached_timex(self, tokens: list[Token], hit: Hit, dated: list[Timex]) -> Timex | None:
        """A dated expression bound to the noun: right before it ("February 2022 invasion",
        "Easter truce"), or just after it through a participle ("truce declared over the
        weekend"). The one after wins: it says when, the one before may only name it."""
        start = tokens[hit.first].start
        end = tokens[hit.last].end
        after: Timex | None = None
        before: Timex | None = None
        for t in dated:
            if t.begin >= end:
                between = [x for x in tokens if end <= x.start < t.begin]
                if len(between) <= 3 and any(x.lower.endswith("ed") for x in between):
                    after = after or t
            elif t.end <= start:
                between = [x for x in tokens if t.end <= x.start < start]
                if len(between) <= 1 and not any(
                    x.text in ",;" or x.lower in NP_STOP for x in between
                ):
                    before = t
                elif t.text.lower().endswith(("'s", "’s")) and self._modifiers(between):
                    before = t  # "Monday's pre-dawn earthquake"
        return after or before

    def _modifiers(self, words: list[Token]) -> bool:
        """A few adjectives between a possessive date and its noun ("pre-dawn", "deadly")."""
        if len(words) > 4 or any(w.text in ",;:" for w in words):
            return False
        return all(
            self.tags.get(w.start, "JJ")[:2] in {"JJ", "NN", "HY", "VB"} and w.lower not in NP_STOP
            for w in words
        )

    # -- links --------------------------------------------------------------------------------

    def _connector(self, tokens: list[Token], first: int) -> str:
        """The preposition governing a noun phrase ("following a failed truce" -> following)."""
        for i in range(first - 1, max(-1, first - 9), -1):
            word = tokens[i].lower
            if word in CONNECTORS and word not in {"on", "to"}:
                return word
            if tokens[i].text in {",", ";", "."}:
                break
        return ""

    @staticmethod
    def _is_definite(tokens: list[Token], first: int) -> bool:
        return any(t.lower == "the" for t in tokens[max(0, first - 3) : first])

    def _link_kind(self, connector: str, main: Hit, content: Hit | None, lower: list[str]) -> str:
        """How the main event relates to one it refers to: "violates" when the event itself
        is a violation ("reported 3,000 violations", "accusing each other of violating"),
        else by the connector ("following X" -> follows), else "elaborates"."""
        own = lower[main.first : (content.last if content else main.last) + 3]
        if VIOLATION_LEMMAS & set(own):
            return "violates"
        kind = CONNECTORS.get(connector, "elaborates")
        return "elaborates" if kind == "during" else kind

    def _speech_refs(
        self, tokens: list[Token], mentions: list[Mention], main: Hit, event_type: str
    ) -> list[int]:
        """ "elaborated on Putin's comments": the statement Putin made earlier in the article."""
        if main.trigger.lemma not in ELABORATING_LEMMAS:
            return []
        refs = []
        for m in mentions:
            after = [t for t in tokens if t.start >= m.end][:3]
            if any(t.lower in SPEECH_NOUNS for t in after):
                ref = self.state.recent_by(m.name, event_type)
                if ref is not None:
                    refs.append(ref)
        return refs

    # -- small helpers --------------------------------------------------------------------------

    def _content_end(self, tokens: list[Token], start: int) -> int:
        """Index of the last token of the reported content that begins at `start`."""
        for i in range(start, len(tokens)):
            word = tokens[i].lower
            if word in BOUNDARY_WORDS and i > start:
                return i - 1
            if tokens[i].text in {";", "—"}:
                return i - 1
            if (
                tokens[i].text == ","
                and i + 1 < len(tokens)
                and tokens[i + 1].lower in COMMA_BOUNDARY_WORDS | BOUNDARY_WORDS
            ):
                return i - 1
        return len(tokens) - 1

    @staticmethod
    def _negated(tokens: list[Token], first: int) -> bool:
        window = [t.lower for t in tokens[max(0, first - 3) : first]]
        return any(w in NEGATIONS or w.endswith("n't") for w in window)

    @staticmethod
    def _infinitive(tokens: list[Token], first: int) -> bool:
        """ "to discuss" is content, unless a plan stands before it ("plan to meet again")."""
        if first == 0 or tokens[first - 1].lower != "to":
            return False
        return not (first >= 2 and tokens[first - 2].lower in INTENT_VERBS)

    @staticmethod
    def _passive_hedge(tokens: list[Token], hit: Hit) -> bool:
        """ "are reported to have swayed", "is said to be": nobody is speaking here."""
        before = tokens[hit.first - 1].lower if hit.first else ""
        after = tokens[hit.last + 1].lower if hit.last + 1 < len(tokens) else ""
        return before in BE_FORMS and after == "to"

    def _noun_or_verb(self, tokens: list[Token], hit: Hit) -> bool:
        """With tags, a trigger word used as an adjective ("open to talks") does not count."""
        tag = self.tags.get(tokens[hit.first].start, "")
        return not tag or tag.startswith(("NN", "VB"))

    @staticmethod
    def _after_auxiliary(tokens: list[Token], first: int) -> bool:
        """ "was sworn in", "has been released", "had quickly agreed": a verb group."""
        window = [t.lower for t in tokens[max(0, first - 3) : first]]
        return any(w in AUXILIARIES or w.endswith("'s") for w in window)

    @staticmethod
    def _passive_modifier(tokens: list[Token], first: int) -> bool:
        """ "claimed by Moscow" after a noun, as opposed to "was claimed by Moscow"."""
        follows_by = first + 1 < len(tokens) and tokens[first + 1].lower == "by"
        auxiliary = first > 0 and tokens[first - 1].lower in AUXILIARIES
        return follows_by and not auxiliary

    @staticmethod
    def _participle_clause(tokens: list[Token], first: int) -> bool:
        """ "..., saying they would", "Asked about it, ...": not the main verb."""
        word = tokens[first].lower
        if first == 0:
            return word.endswith(("ing", "ed"))
        return word.endswith("ing") and tokens[first - 1].text in {",", ";"}

    @staticmethod
    def _bare_noun_like(tokens: list[Token], hit: Hit) -> bool:
        """A base form ("state", "report", "attack") is a verb only after a modal, "to" or a
        plural pronoun; otherwise it is the noun ("state television"). Likewise an -s form
        after a determiner or preposition is a plural noun ("in remarks on Sunday")."""
        word = tokens[hit.first].lower
        previous = tokens[hit.first - 1].lower if hit.first else ""
        if word == hit.trigger.lemma + "s":  # "in remarks", "the reports": a plural noun
            return previous in NP_STOP
        if word != hit.trigger.lemma:
            return False
        return previous not in BARE_VERB_CONTEXT

    def _dating(self, tx: Timex) -> Dating:
        return Dating(
            tx.span_start,
            tx.span_end,
            DATING_GRANULARITY.get(tx.granularity, "unknown"),
            False,
            tx.text,
            tx.value,
        )

    def _inferred(self) -> Dating:
        """No time expression: a news report's statements happened on its publication day."""
        return Dating(self.state.dct, self.state.dct, "day" if self.state.dct else "unknown", True)

    @staticmethod
    def _words(tokens: list[Token], hit: Hit) -> str:
        return " ".join(t.text for t in tokens[hit.first : hit.last + 1])

    def _title(
        self,
        text: str,
        tokens: list[Token],
        main: Hit,
        boundary: int,
        agents: list[str],
        mentions: list[Mention],
        main_tx: Timex | None,
    ) -> str:
        """A log line: "Vladimir Putin says Moscow is open to ..." for reported speech, the
        main clause without leading adverbials otherwise."""
        if main.trigger.type == "REPORT":
            quoted = self._quote_before(text, tokens, main)
            if quoted:
                content = quoted
            else:
                content = text[tokens[main.last].end : tokens[boundary].end].strip()
                if main_tx is not None and content.startswith(main_tx.text):
                    content = content[len(main_tx.text) :].strip()
                content = re.sub(r"^(?:that\b|[,:“\"]|\s)+", "", content)
            clause = f"{' and '.join(agents)} {third_person(main.trigger.lemma)} {content}"
        else:
            end = tokens[min(boundary, len(tokens) - 1)].end
            subject = [m for m in mentions if m.end <= tokens[main.first].start]
            clause = text[subject[0].start if subject else 0 : end]
        clause = clause.strip(' ,;:“”"')
        if clause.count("“") != clause.count("”"):
            clause = clause.replace("“", "").replace("”", "")
        if len(clause) > 160:
            clause = clause[:157].rsplit(" ", 1)[0] + "…"
        return clause[:1].upper() + clause[1:]

    @classmethod
    def _quote_before(cls, text: str, tokens: list[Token], main: Hit) -> str | None:
        """The quotation a trailing reporting verb introduces: “...,” he said."""
        span = cls._quote_span_before(text, tokens, main)
        return text[span[0] : span[1]].strip(" ,") if span else None

    @staticmethod
    def _quote_span_before(text: str, tokens: list[Token], main: Hit) -> tuple[int, int] | None:
        """What a trailing reporting verb reports: the quotation before it (“...,” he said;
        straight quotes too), or the clause before ", he said" when nothing follows the verb
        but its add-ons ("The priority is saving lives, he said, adding ...")."""
        verb_at = tokens[main.first].start
        closing = max(text.rfind("”", 0, verb_at), text.rfind('"', 0, verb_at))
        if closing > 0:
            curly = text.find("“")
            straight = text.find('"')
            opening = min((i for i in (curly, straight) if i != -1 and i < closing), default=-1)
            if opening == -1:  # the quotation began in an earlier sentence
                return (0, closing)
            if text[:opening].strip():
                return None
            return (opening + 1, closing)
        comma = text.rfind(",", 0, verb_at)
        after = text[tokens[main.last].end :].strip()
        said_last = not after or after[0] in ".;" or re.match(r",\s*(?:adding|saying)\b", after)
        subject = text[comma + 1 : verb_at].split() if comma > 0 else []
        if comma > 0 and said_last and len(subject) <= 4:
            return (0, comma)
        return None

    def _remember_people(self, mentions: list[Mention]) -> None:
        for m in mentions:
            if m.kind == "person":
                self.state.last_person = m.name
