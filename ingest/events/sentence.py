"""One sentence -> its mentions, in the order a reader meets them.

The sentence's *main* mention comes from its main trigger (a reporting or event verb that
is not negated, with an agent): the reported content types it, a time expression of the main
clause dates it, a date inside the content dates the content instead. Event nouns with a date
of their own ("Russia's February 2022 invasion") and relative clauses with a date of their own
(", which won an election last week,") are mentions beside it. Every other clause of the
sentence (coordinated, subordinate, relative, headline) gives a mention through `parse.py`
when spaCy's parse is there.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.actors import Mention as Named
from ingest.events import dating
from ingest.events.agents import agents_of, subject_phrase
from ingest.events.clause_titles import written_subject
from ingest.events.clauses import (
    clause_start,
    content_end,
    dateline_end,
    quoted_spans,
    relative_spans,
)
from ingest.events.content import UNTYPED, content_of, content_timex, modality_of
from ingest.events.links import connector, link_kind, speech_refs
from ingest.events.model import ArticleState, Dating, Hit, Mention, Sentence
from ingest.events.parse import clause_mentions, subject_names
from ingest.events.titles import title as main_title
from ingest.events.triggers import (
    dated_action,
    find_triggers,
    is_definite,
    main_trigger,
    movement_type,
    negated,
)
from ingest.events.words import NP_STOP
from ingest.lexicon import OCCUR, Lexicon
from ingest.temporal import Timex
from ingest.text.nlp import Annotation
from ingest.text.tokens import tokenize


class SentenceAnalyser:
    """Turns one sentence (with its time expressions and entities) into mentions."""

    def __init__(self, lex: Lexicon, state: ArticleState) -> None:
        self.lex = lex
        self.state = state

    def analyse(
        self,
        index: int,
        text: str,
        timexes: list[Timex],
        annotation: Annotation | None = None,
        *,
        offset: int = 0,
        headline: bool = False,
        lead: bool = False,
    ) -> list[Mention]:
        """Mentions of one sentence, appended to the article state; returns the new ones.
        `offset` is where the sentence starts in the article body."""
        self.state.sentence_starts.append((offset, index))
        if text.rstrip("”\"' ").endswith("?"):
            return []
        tokens = tokenize(text)
        if len(tokens) < 3:
            return []
        named = self.state.actors.find(text, annotation.entities if annotation else None)
        if lead:
            opening = dateline_end(text)
            named = [m for m in named if m.start >= opening]  # "YUSHU, Qinghai - ..."
        s = Sentence(
            index=index,
            text=text,
            offset=offset,
            tokens=tokens,
            tags=annotation.tags if annotation is not None else {},
            named=named,
            relative=relative_spans(text),
            quoted=quoted_spans(text),
            lex=self.lex,
            state=self.state,
            headline=headline,
            lead=lead,
            parse=annotation.parse if annotation is not None else None,
        )
        first_new = len(self.state.candidates)
        if len(tokens) >= 4:
            self._main_and_nominal(s, timexes)
        if annotation is not None and annotation.parse is not None:
            taken = self.state.candidates[first_new:]
            self.state.candidates += clause_mentions(s, annotation.parse, timexes, taken)
        _remember_people(self.state, named)
        return self.state.candidates[first_new:]

    def _main_and_nominal(self, s: Sentence, timexes: list[Timex]) -> None:
        tokens = s.tokens
        # Dates and names are never triggers; durations may be part of one ("one-day strike").
        blocked = [(t.begin, t.end) for t in timexes if t.type in {"DATE", "TIME"}]
        blocked += [(m.start, m.end) for m in s.named]
        hits = find_triggers(tokens, self.lex, blocked)
        dated = [t for t in timexes if t.span_start is not None and t.type in {"DATE", "TIME"}]
        if not hits and not dated:
            return
        main = main_trigger(s, hits) or dated_action(s, len(dated))
        boundary = content_end(tokens, main.last + 1 if main else 0)
        claimed: set[int] = set()
        refs: list[tuple[Hit, int | None, str]] = []  # (hit, mention index, connector)
        for hit in hits:
            if main is not None and main.first <= hit.first <= boundary and hit is not main:
                continue  # inside the reported content: it types the main event instead
            if hit is main or hit.trigger.type == "REPORT" or hit.trigger.pos == "verb":
                continue
            word = connector(s, hit.first)
            tx = dating.attached_timex(s, hit, dated)
            if tx is not None:
                claimed.add(id(tx))
            # "the truce" names the truce this article already reported: a reference, not a
            # new report; "a truce declared over the weekend" reports one.
            ref_index = (
                self.state.recent(hit.trigger.type, s.words(hit).lower())
                if is_definite(tokens, hit.first)
                else None
            )
            if ref_index is None and tx is not None:
                ref_index = self._add_nominal(s, hit, tx)
            refs.append((hit, ref_index, word))
        self._add_relative_events(s, hits, dated)
        if main is not None and not negated(tokens, main.first):
            self._add_main(s, hits, main, boundary, dated, claimed, refs)

    # -- the main event -----------------------------------------------------------------------

    def _add_main(
        self,
        s: Sentence,
        hits: list[Hit],
        main: Hit,
        boundary: int,
        dated: list[Timex],
        claimed: set[int],
        refs: list[tuple[Hit, int | None, str]],
    ) -> None:
        tokens = s.tokens
        agents = agents_of(s, main)
        if agents is None:
            return  # "Critics argue ...": opinion, not a happening
        if s.parse is not None and main.trigger.type != "REPORT":
            # the parse knows where the subject ends (past a relative clause's names)
            agents = subject_names(s, s.parse, tokens[main.first].start) or agents
        # "The earthquake killed 617": the subject names the happening, the verb its effect;
        # the event noun is what happened, no one who did it.
        subject_nouns = [] if main.trigger.type == "REPORT" else self._subject_nouns(s, hits, main)
        if not agents and not subject_nouns:
            phrase = subject_phrase(s, main)
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
        free = [t for t in dated if id(t) not in claimed]
        if dated_only and (
            (needs_subject and not agents) or not dating.main_timex(s, main, boundary, free)
        ):
            return  # an unknown verb is an event only with a subject and a date of its own
        reporting = main.trigger.type == "REPORT"
        content = content_of(s, hits, main, boundary, reporting)
        # "Thursday, one day after a quake killed 617": the day named belongs to the clause
        # this one hangs on, and dates this one N days from it.
        shifted = dating.days_from_anchor(s, main, dated)
        main_tx = (
            None
            if shifted is not None
            else dating.main_timex(s, main, boundary, free)
            or dating.subordinate_timex(s, main, free)
        )
        # A date bound to another event noun of the content ("deaths from Monday's
        # earthquake") dates that noun, which becomes an event of its own, not the content.
        for other in content.hits[1:]:
            if other.trigger.pos != "noun":
                continue
            bound = dating.attached_timex(s, other, free)
            if bound is not None:
                free = [t for t in free if t is not bound]
                self._add_nominal(s, other, bound)
        content_tx = content_timex(s, main, boundary, free, main_tx)
        modality = modality_of(s, main, reporting)
        if modality is None:
            return
        lower = [t.lower for t in tokens]
        event_type = main.trigger.type if not reporting else self.lex.statement_type
        if subject_nouns:
            event_type = subject_nouns[-1].trigger.type
        if event_type == self.lex.fallback_type:
            event_type = movement_type(main.trigger.lemma) or event_type  # "rushed to"
        if content.first is not None and reporting:
            event_type = content.first.trigger.type
        others = [
            m.name for m in s.named if m.name not in agents and (m.known or m.kind == "person")
        ]
        actors = list(dict.fromkeys(agents + others))
        written = [] if agents else [written_subject(s.text, s.parse, tokens[main.first].start)]
        title = main_title(s, main, boundary, agents or [w for w in written if w], main_tx)

        links: list[tuple[int, str]] = []
        inherited: Dating | None = None
        for hit, ref, word in refs:
            if ref is None:
                continue
            links.append((ref, link_kind(word, main, content.first, lower)))
            before_trigger = hit.last < main.first
            if before_trigger and word in {"despite", "during", "amid"} and inherited is None:
                inherited = dating.borrowed(self.state.candidates[ref].dating)
        for ref in speech_refs(s, main, event_type):
            links.append((ref, "elaborates"))
            if inherited is None:
                inherited = dating.borrowed(self.state.candidates[ref].dating)

        if (
            reporting
            and content.first is not None
            and content_tx is not None
            and not content.hypothetical
        ):
            # The news is the reported happening, dated by its own time expression.
            planned = content.future or bool(
                content_tx.span_start and self.state.dct and content_tx.span_start > self.state.dct
            )
            own = dating.from_timex(content_tx)
            self._append(
                s,
                content.first,
                type=content.first.trigger.type,
                modality="planned" if planned else modality,
                title=title,
                agents=agents,
                actors=actors,
                dating=own,
                links=links,
            )
            dating.remember(s, content_tx, agents, "planned" if planned else modality)
            if main_tx is None:
                return
            links = []
        if main_tx is not None:
            when = dating.from_timex(main_tx)
            dating.remember(s, main_tx, agents, modality)
        elif inherited is not None and not inherited.inferred:
            when = inherited
        elif shifted is not None:
            when = shifted
        elif (known := self._named_before(s, subject_nouns)) is not None:
            when = known  # "The earthquake killed 760": the earthquake reported before
        else:
            when = dating.undated(s, main, agents)
        self._append(
            s,
            main,
            type=event_type,
            modality=modality,
            title=title,
            agents=agents,
            actors=actors,
            dating=when,
            links=links,
        )

    def _subject_nouns(self, s: Sentence, hits: list[Hit], main: Hit) -> list[Hit]:
        """Typed event nouns in the subject of the main trigger's clause ("The earthquake")."""
        start = clause_start(s.tokens, main.first)
        return [
            h
            for h in hits
            if h.trigger.pos == "noun"
            and h.last < main.first
            and s.tokens[h.first].start >= start
            and h.trigger.type not in UNTYPED
        ]

    def _named_before(self, s: Sentence, subject_nouns: list[Hit]) -> Dating | None:
        """ "The 7.1-magnitude earthquake killed 760": a definite event noun as the subject
        names the happening the article already reported ("a day after a major earthquake
        hit"), so the effect is dated by it, when its date was stated, not inferred."""
        if not subject_nouns:
            return None
        noun = subject_nouns[-1]
        start = clause_start(s.tokens, noun.first)
        opening = [t.lower for t in s.tokens[: noun.first] if t.start >= start and t.text.isalpha()]
        if not opening or opening[0] not in {"the", "this", "that"}:
            return None
        ref = self.state.recent(noun.trigger.type, s.words(noun).lower())
        if ref is None:
            return None
        known = self.state.candidates[ref].dating
        if known.start is None or known.inferred:
            return None
        return dating.borrowed(known)

    def _append(
        self,
        s: Sentence,
        hit: Hit,
        *,
        type: str,
        modality: str,
        title: str,
        agents: list[str],
        actors: list[str],
        dating: Dating,
        links: list[tuple[int, str]] | None = None,
        primary: bool = True,
    ) -> None:
        start, end = s.span(hit)
        self.state.candidates.append(
            Mention(
                sentence_index=s.index,
                quote=s.text,
                type=type,
                modality=modality,
                title=title,
                agents=agents,
                actors=actors,
                dating=dating,
                trigger=s.words(hit),
                links=links or [],
                trigger_start=start,
                trigger_end=end,
                sentence_start=s.offset,
                sentence_end=s.offset + len(s.text),
                trigger_lemma=hit.trigger.lemma.lower(),
                trigger_pos="NOUN" if hit.trigger.pos == "noun" else "VERB",
                headline=s.headline,
                lead=s.lead,
                primary=primary,
            )
        )
        if primary:
            self.state.last_agents = agents

    # -- happenings beside the main one ---------------------------------------------------------

    def _add_relative_events(self, s: Sentence, hits: list[Hit], dated: list[Timex]) -> None:
        """ ", which won a general election last week,": a relative clause with a verb trigger
        and a date of its own reports a second happening, done by the noun it describes."""
        tokens = s.tokens
        for span in s.relative:
            inside = [
                h
                for h in hits
                if span[0] <= tokens[h.first].start < span[1]
                and h.trigger.type != "REPORT"
                and h.trigger.pos != "noun"
                and not s.tags.get(tokens[h.first].start, "").startswith("NN")
                and not negated(tokens, h.first)
            ]
            when = [t for t in dated if span[0] <= t.begin < span[1]]
            if not inside or not when:
                continue
            owner = [m for m in s.named if m.end <= span[0]]
            agents = [owner[-1].name] if owner else []
            clause = re.sub(
                r"^[,(\s]*(?:which|who|whose|whom|where)?\s*", "", s.text[span[0] : span[1]]
            )
            subject = owner[-1].name + " " if owner else ""
            self._add_occurred(s, inside[0], subject + clause, agents, when[0])

    def _add_nominal(self, s: Sentence, hit: Hit, tx: Timex) -> int:
        """An event noun with its own date: "Russia's February 2022 invasion"."""
        tokens, text = s.tokens, s.text
        first = hit.first
        while first > 0 and hit.first - first < 5 and tokens[first - 1].lower not in NP_STOP:
            if tokens[first - 1].text in {",", ";", ".", "“", "”", '"'}:
                break
            first -= 1
        begin = min(tokens[first].start, tx.begin)
        end = max(tokens[hit.last].end, tx.end)
        owner = [m for m in s.named if m.end <= begin and len(text[m.end : begin].split()) <= 1]
        agents = [owner[-1].name] if owner else []
        start = owner[-1].start if owner else begin
        self._add_occurred(s, hit, text[start:end], agents, tx)
        return len(self.state.candidates) - 1

    def _add_occurred(
        self, s: Sentence, hit: Hit, title: str, agents: list[str], tx: Timex
    ) -> None:
        """A happening the sentence mentions with its own date, beside its main event."""
        title = title.strip(" ,()")
        event_type = self.lex.fallback_type if hit.trigger.type in UNTYPED else hit.trigger.type
        self._append(
            s,
            hit,
            type=event_type,
            modality="occurred",
            title=title[:1].upper() + title[1:],
            agents=agents,
            actors=agents,
            dating=dating.from_timex(tx),
            primary=False,
        )


def _remember_people(state: ArticleState, named: list[Named]) -> None:
    for m in named:
        if m.kind == "person":
            state.last_person = m.name
