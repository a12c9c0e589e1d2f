"""Every clause's happening, from spaCy's dependency parse: the mentions beside the main one.

A sentence reports more than its main event: coordinated verbs ("rescuers dug and pulled
out"), subordinate and complement clauses ("after flying to Yushu", "said troops attacked"),
relative clauses ("who was fired"), and event nouns ("the ceremony", "the explosion"). Each
clause head that names a happening becomes a mention with its trigger span, its roles from the
dependencies (nsubj -> agent, dobj / nsubjpass -> patient, a place after in/at -> place) and a
date: a time expression inside its own clause, else the date of the clause it depends on,
else the discourse reference time (`dating.undated`). A negated head (a `neg` dependent) is no
mention; a hypothetical one ("could abandon") is none either.

An event noun without a date of its own takes, marked inferred, the date of the verb mention
it is the object of ("met in Hiroshima on Friday for a summit", "condemned the attack"): the
verb's happening is about it, and the date keeps two summits a year apart from merging. Any
other event noun is left undated: "open to talks" says nothing of when talks happen, and
giving them the report's date would invent a happening on that day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import lru_cache

from ingest.events import dating
from ingest.events.agents import described_person, possessed_role
from ingest.events.clause_titles import clause_title
from ingest.events.clauses import inside
from ingest.events.content import UNTYPED as _UNTYPED
from ingest.events.model import UNDATED, Dating, Hit, Mention, Sentence
from ingest.events.titles import tidy
from ingest.events.triggers import eventive_noun, movement_type
from ingest.events.words import (
    CONNECTIVE_PARTICIPLES,
    FUTURE,
    GENERIC_SUBJECTS,
    HYPOTHETICAL,
    NEGATIONS,
    NON_EVENT_VERBS,
    PRONOUNS,
)
from ingest.lexicon import OCCUR, Trigger, load_lexicon
from ingest.temporal import Timex
from ingest.text.nlp import Word, subtree, verb_lemmas

# Dependencies that make a verb the head of a clause of its own.
CLAUSE_DEPS = frozenset(
    {"ROOT", "conj", "ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "csubj", "parataxis"}
)
# Nouns in these positions name things, not happenings of the sentence.
NOT_EVENT_NOUN_DEPS = frozenset({"compound", "npadvmod", "appos", "attr"})
SUBJECTS = frozenset({"nsubj", "csubj"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "obj", "dative"})
PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "inside", "across", "into"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
DESCRIBING = frozenset({"relcl", "acl"})  # clauses that describe a noun phrase


@lru_cache(maxsize=1)
def event_verbs() -> frozenset[str]:
    """The lexicon's verb lemmas: a noun with the same form names that verb's happening."""
    lex = load_lexicon()
    return frozenset(t.lemma for t in lex.words.values() if t.pos == "verb")


def clause_mentions(
    s: Sentence, words: tuple[Word, ...], timexes: list[Timex], taken: list[Mention]
) -> list[Mention]:
    """The mentions of `s` that `taken` (the rule-based ones) does not already hold."""
    occupied = [(m.trigger_start - s.offset, m.trigger_end - s.offset) for m in taken]
    occupied += [(t.begin, t.end) for t in timexes]
    occupied += [(n.start, n.end) for n in s.named]
    children: list[list[int]] = [[] for _ in words]
    for i, w in enumerate(words):
        if w.head != i:
            children[w.head].append(i)
    out: list[Mention] = []
    for i, w in enumerate(words):
        if not _names_happening(w):
            continue
        if any(a < w.end and w.start < b for a, b in occupied):
            continue
        if (
            _negated(words, children, i)
            or _hypothetical(words, children, i)
            or _hedge_or_opinion(s, words, children, i)
            or _continues_statement(s, words, children, i, taken + out)
            or _continues_effect(s, words, children, i, taken + out)
            or _describes_event_noun(s, words, children, i, taken + out)
        ):
            continue
        out.append(_mention(s, words, children, i, timexes, taken + out))
    return out


def _names_happening(w: Word) -> bool:
    if w.pos == "VERB":
        return (
            w.dep in CLAUSE_DEPS
            and w.lemma.lower() not in NON_EVENT_VERBS
            and w.text.lower() not in CONNECTIVE_PARTICIPLES
        )
    if w.pos == "NOUN":
        return w.dep not in NOT_EVENT_NOUN_DEPS and eventive_noun(
            w.lemma, event_verbs(), verb_lemmas()
        )
    return False


def _describes_event_noun(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    before: list[Mention],
) -> bool:
    """ "a failed Easter truce that both sides accused each other of violating": a relative
    clause on a noun that names a happening (a mention, or a noun that could be one), where
    the noun is the missing object of one of the clause's verbs, tells of that happening, its
    course or its fate, and the noun is the mention; taken apart, the clause would join
    whatever else its verb is said of in the story. A clause whose verbs all have objects of
    their own reports its own act ("the increase ... and on the day that the Bank of England
    raised its key rate", attached to "increase" by the parser)."""
    if words[i].dep != "relcl":
        return False
    head = words[words[i].head]
    if head.pos != "NOUN":
        return False
    names = _names_happening(head) or _mention_at(s, head, before) is not None
    return names and _object_gap(words, children, i)


GAP_PATH = frozenset({"prep", "pobj", "pcomp", "xcomp"})


def _object_gap(words: tuple[Word, ...], children: list[list[int]], i: int) -> bool:
    """Whether a verb of the clause headed by `i` (itself, or one reached through
    prepositions and complements: "accused each other of violating") has no object."""
    todo = [i]
    while todo:
        k = todo.pop()
        if words[k].pos == "VERB" and not any(words[c].dep in OBJECTS for c in children[k]):
            return True
        todo += [c for c in children[k] if words[c].dep in GAP_PATH]
    return False


def _mention_at(s: Sentence, w: Word, before: list[Mention]) -> Mention | None:
    """The mention of `before` whose trigger holds the word `w` of sentence `s`, if any."""
    at = s.offset + w.start
    for m in before:
        if m.sentence_index == s.index and m.trigger_start <= at < m.trigger_end:
            return m
    return None


def _negated(words: tuple[Word, ...], children: list[list[int]], i: int) -> bool:
    """A `neg` dependent ("did not respond"), "no" as determiner ("no talks"), or a negative
    subject or object ("Nothing happened", "Nobody said", "said nothing")."""
    for c in children[i]:
        dep, word = words[c].dep, words[c].text.lower()
        if dep == "neg" or (dep == "det" and word == "no"):
            return True
        if dep in SUBJECTS | PASSIVE_SUBJECTS | OBJECTS and word in NEGATIONS:
            return True
    return False


def _reporting_word(s: Sentence, w: Word) -> bool:
    """Whether the lexicon lists the word as a reporting verb ("said", "told", "elaborated")."""
    trigger = s.lex.words.get(w.text.lower())
    return trigger is not None and trigger.type == "REPORT"


def _hedge_or_opinion(
    s: Sentence, words: tuple[Word, ...], children: list[list[int]], i: int
) -> bool:
    """ "are reported to have swayed" (a passive reporting verb: nobody is speaking) and
    "Critics argue" (a generic subject: an opinion, not a happening)."""
    deps = {words[c].dep for c in children[i]}
    if _reporting_word(s, words[i]) and "auxpass" in deps and "xcomp" in deps:
        return True
    return any(
        words[c].dep in SUBJECTS and words[c].text.lower() in GENERIC_SUBJECTS for c in children[i]
    )


SPEECH_CONTINUATIONS = frozenset({"advcl", "conj", "xcomp"})


def _continues_statement(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    before: list[Mention],
) -> bool:
    """ "Peskov elaborated on Putin's comments, telling reporters that ...", "she said ... and
    added that ...": a reporting verb with no subject of its own that hangs on a reporting
    mention is the same speaker's one act of speaking, not a second statement."""
    if not _reporting_word(s, words[i]) or words[i].dep not in SPEECH_CONTINUATIONS:
        return False
    if any(words[c].dep in SUBJECTS | PASSIVE_SUBJECTS for c in children[i]):
        return False
    head = words[words[i].head]
    if not _reporting_word(s, head):
        return False  # "fled, telling ...": the speaking is a happening of its own
    return _mention_at(s, head, before) is not None


def _continues_effect(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    before: list[Mention],
) -> bool:
    """ "a 7.1-magnitude quake killed 617 and injured 9,110": verbs coordinated under one
    event noun as their subject tell that happening's toll, one happening however many verbs
    list it; the first verb's mention stands for it (a verb with a subject of its own, "and
    rescuers pulled out 60", is a happening of its own)."""
    w = words[i]
    if w.pos != "VERB" or w.dep != "conj" or w.head == i:
        return False
    if any(words[c].dep in SUBJECTS | PASSIVE_SUBJECTS for c in children[i]):
        return False
    head = words[w.head]
    if _event_subject_type(s, words, children, w.head) is None:
        return False
    return _mention_at(s, head, before) is not None


def _hypothetical(words: tuple[Word, ...], children: list[list[int]], i: int) -> bool:
    return words[i].pos == "VERB" and any(
        words[c].dep == "aux" and words[c].text.lower() in HYPOTHETICAL for c in children[i]
    )


def _mention(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    timexes: list[Timex],
    before: list[Mention],
) -> Mention:
    w = words[i]
    lex = s.lex
    trigger = lex.words.get(w.text.lower()) or Trigger(lex.fallback_type, "verb", w.lemma.lower())
    reporting = trigger.type == "REPORT"
    if reporting:
        event_type = lex.statement_type
    elif trigger.type == OCCUR:
        event_type = lex.fallback_type
    else:
        event_type = trigger.type
    if event_type == lex.fallback_type:
        event_type = movement_type(w.lemma) or event_type  # "after flying to Yushu"
    subject = _event_subject_type(s, words, children, i)
    if subject is not None and not reporting:
        event_type = subject  # "a major earthquake hit the area": the earthquake's happening
    agents = [] if subject is not None else _agents(s, words, children, i)
    patients = _role_names(s, words, children, i, OBJECTS | PASSIVE_SUBJECTS)
    places = _places(s, words, children, i)
    hit = _hit_of(s, w, trigger)
    own = _own_timex(words, children, i, timexes)
    claimed = {m.dating.time_text for m in before if m.sentence_index == s.index}
    if own is not None and own.text in claimed:
        when = dating.borrowed(dating.from_timex(own))  # another mention's time expression
    elif own is not None:
        when = dating.from_timex(own)
    elif (shifted := _days_from_head(s, words, children, i, before)) is not None:
        when = shifted
    elif w.pos == "NOUN":
        when = _dating_of_governor(s, words, i, before)
    elif _reported(s, words, i):
        when = UNDATED
    else:
        when = _dating_of_head(s, words, i, before) or dating.undated(s, hit, agents)
    modality = trigger.modality if reporting else "occurred"
    if _future(words, children, i) or (when.start and s.state.dct and when.start > s.state.dct):
        modality = "planned"
    lo, hi = _span(words, children, i)
    return Mention(
        sentence_index=s.index,
        quote=s.text,
        type=event_type,
        modality=modality,
        title=_title(s, words, children, i, lo, hi, agents),
        agents=agents,
        actors=list(dict.fromkeys(agents + patients + places)),
        dating=when,
        trigger=w.text,
        trigger_start=s.offset + w.start,
        trigger_end=s.offset + w.end,
        sentence_start=s.offset,
        sentence_end=s.offset + len(s.text),
        trigger_lemma=w.lemma.lower(),
        trigger_pos=w.pos,
        patients=patients,
        places=places,
        headline=s.headline,
        lead=s.lead,
        primary=False,
    )


def _event_subject_type(
    s: Sentence, words: tuple[Word, ...], children: list[list[int]], i: int
) -> str | None:
    """The type of a typed event noun that is the verb's subject ("a major earthquake hit
    the highland area" -> DISASTER): the subject names the happening, the verb its course or
    effect, and the noun is no one who acted."""
    if words[i].pos != "VERB":
        return None
    for c in children[i]:
        if words[c].dep in SUBJECTS and words[c].pos == "NOUN":
            trigger = s.lex.words.get(words[c].text.lower()) or s.lex.words.get(
                words[c].lemma.lower()
            )
            if trigger is not None and trigger.pos == "noun" and trigger.type not in _UNTYPED:
                return trigger.type
    return None


def _hit_of(s: Sentence, w: Word, trigger: Trigger) -> Hit | None:
    for k, t in enumerate(s.tokens):
        if t.start == w.start:
            return Hit(k, k, trigger)
    return None


def _clause_words(words: tuple[Word, ...], children: list[list[int]], i: int) -> list[int]:
    """i's own clause: its subtree without the nested clauses (their heads' subtrees)."""
    out, todo = [], [i]
    while todo:
        j = todo.pop()
        out.append(j)
        for c in children[j]:
            if words[c].pos in {"VERB", "AUX"} and words[c].dep in CLAUSE_DEPS:
                continue
            todo.append(c)
    return out


def _span(words: tuple[Word, ...], children: list[list[int]], i: int) -> tuple[int, int]:
    own = _clause_words(words, children, i)
    return min(words[j].start for j in own), max(words[j].end for j in own)


def _own_timex(
    words: tuple[Word, ...], children: list[list[int]], i: int, timexes: list[Timex]
) -> Timex | None:
    """A DATE/TIME expression inside i's own clause (for a noun: its own phrase)."""
    own = _clause_words(words, children, i)
    spans = [(words[j].start, words[j].end) for j in own if j != i]
    for t in timexes:
        if t.type not in {"DATE", "TIME"} or t.span_start is None:
            continue
        if any(a < t.end and t.begin < b for a, b in spans):
            return t
    return None


def _dating_of_head(
    s: Sentence, words: tuple[Word, ...], i: int, before: list[Mention]
) -> Dating | None:
    """A dependent clause ("and pulled out", "after flying") without a time of its own
    shares the time of the clause it hangs on, when that clause is a mention already."""
    j = i
    for _ in range(4):
        head = words[j].head
        if head == j:
            return None
        j = head
        start = s.offset + words[j].start
        for m in before:
            if m.trigger_start <= start < m.trigger_end and m.sentence_index == s.index:
                if words[i].dep in {"ccomp"} and m.type == s.lex.statement_type:
                    return None  # what was said happened at its own time, not the saying's
                return dating.borrowed(m.dating)
    return None


GOVERNED_BY = frozenset({"dobj", "pobj", "attr", "nsubjpass"})


def _dating_of_governor(
    s: Sentence, words: tuple[Word, ...], i: int, before: list[Mention]
) -> Dating:
    """An event noun's date from the dated verb mention that governs it directly (its object,
    or the object of one of its prepositions), marked inferred; else undated."""
    if words[i].dep not in GOVERNED_BY:
        return UNDATED
    j = words[i].head
    if words[i].dep == "pobj" and words[j].dep == "prep" and words[j].head != j:
        j = words[j].head
    if j == i:
        return UNDATED
    m = _mention_at(s, words[j], before)
    if m is None:
        return UNDATED
    if m.dating.start is None or _reporting_word(s, words[j]):
        return UNDATED  # what a statement is about happened at its own time
    return replace(dating.borrowed(m.dating), inferred=True)


COUNTS, UNIT_DAYS = dating.COUNTS, dating.UNIT_DAYS


def _days_from_head(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    before: list[Mention],
) -> Dating | None:
    """ "Rescuers battled ... on Thursday, one day after a quake killed 617": the clause under
    "N days after" happened N days before the day of the clause it hangs on (after "N days
    before", N days after it)."""
    mark = next(
        (
            c
            for c in children[i]
            if words[c].dep in {"mark", "prep"} and words[c].text.lower() in {"after", "before"}
        ),
        None,
    )
    if mark is None:
        return None
    amount = next(
        (
            c
            for c in children[i] + children[mark]
            if words[c].dep == "npadvmod" and words[c].text.lower() in UNIT_DAYS
        ),
        None,
    )
    if amount is None:
        return None
    count = next(
        (
            COUNTS.get(words[c].text.lower())
            or (int(words[c].text) if words[c].text.isdigit() else None)
            for c in children[amount]
            if words[c].dep in {"nummod", "det"}
        ),
        None,
    )
    head = words[i].head
    if not count or head == i:
        return None
    at = s.offset + words[head].start
    anchor = next((m for m in before if m.trigger_start <= at < m.trigger_end), None)
    if anchor is None or anchor.dating.start is None or anchor.dating.inferred:
        return None
    if anchor.dating.precision != "day":
        return None
    days = count * UNIT_DAYS[words[amount].text.lower()]
    sign = -1 if words[mark].text.lower() == "after" else 1
    day = anchor.dating.start + timedelta(days=sign * days)
    lo = min(words[amount].start, *(words[c].start for c in children[amount]))
    phrase = s.text[lo : words[mark].end]
    return Dating(day, day, "day", False, phrase, day.isoformat())


def _reported(s: Sentence, words: tuple[Word, ...], i: int) -> bool:
    """Inside a quotation or under a reporting verb ("said troops had attacked"): what was
    said happened at a time of its own, which the saying's date does not give."""
    if inside(words[i].start, s.quoted):
        return True
    j = i
    for _ in range(8):
        head = words[j].head
        if head == j:
            return False
        j = head
        if _reporting_word(s, words[j]) and words[j].pos == "VERB":
            return True
    return False


def _future(words: tuple[Word, ...], children: list[list[int]], i: int) -> bool:
    return any(
        words[c].dep == "aux" and words[c].text.lower() in FUTURE | {"will", "'ll"}
        for c in children[i]
    )


def _agents(s: Sentence, words: tuple[Word, ...], children: list[list[int]], i: int) -> list[str]:
    """nsubj (or the passive's "by" agent); a coordinated or dependent verb without one shares
    its head's; a relative clause's "who"/"which" is the noun it describes; a noun's agent is
    its possessor ("Russia's invasion") or a national adjective ("Russian strikes")."""
    w = words[i]
    if w.pos == "NOUN":
        return _role_names(s, words, children, i, frozenset({"poss"}), label_deps=True)
    found = _role_names(s, words, children, i, SUBJECTS)
    if found:
        return found
    for c in children[i]:
        if words[c].dep == "agent":
            found = _role_names(s, words, children, c, frozenset({"pobj"}))
            if found:
                return found
    subject_words = [c for c in children[i] if words[c].dep in SUBJECTS]
    if w.dep == "relcl" and (
        not subject_words or words[subject_words[0]].text.lower() in RELATIVE_PRONOUNS
    ):
        return _names_in(s, words, children, w.head)
    if not subject_words and w.dep in {"conj", "xcomp", "advcl", "acl"} and w.head != i:
        return _agents(s, words, children, w.head)
    if not subject_words and w.dep == "pcomp" and w.head != i:
        # "pledged ... after flying to Yushu": the gerund's subject is its clause's
        prep = w.head
        if words[prep].head != prep and words[words[prep].head].pos in {"VERB", "AUX"}:
            return _agents(s, words, children, words[prep].head)
    return []


def subject_names(s: Sentence, words: tuple[Word, ...], at: int) -> list[str]:
    """The actors named in the subject of the verb at sentence offset `at`, from the parse
    (its nsubj phrase without the clauses describing it: in "Premier Wen Jiabao, who decided
    to postpone his visit to Brunei, Indonesia, and Myanmar next week, rushed to the region"
    the subject names Wen Jiabao only)."""
    i = next((k for k, w in enumerate(words) if w.start == at), None)
    if i is None or words[i].pos not in {"VERB", "AUX"}:
        return []
    children: list[list[int]] = [[] for _ in words]
    for k, w in enumerate(words):
        if w.head != k:
            children[w.head].append(k)
    return _role_names(s, words, children, i, SUBJECTS)


def _role_names(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    deps: frozenset[str],
    label_deps: bool = False,
) -> list[str]:
    out: list[str] = []
    for c in children[i]:
        if words[c].dep in deps or (
            label_deps and words[c].dep in {"amod", "compound"} and words[c].ent in {"NORP", "GPE"}
        ):
            out += _names_in(s, words, children, c)
    return list(dict.fromkeys(out))


def _names_in(s: Sentence, words: tuple[Word, ...], children: list[list[int]], c: int) -> list[str]:
    """The actors a noun phrase names: the named actors inside it, else the person or state
    a pronoun or description stands for ("he", "the president"); common nouns name none."""
    sub = subtree(children, c)
    lo = min(words[j].start for j in sub)
    hi = max(words[j].end for j in sub)
    # the clauses describing the phrase ("Wen, who decided to postpone his visit to Brunei")
    # name others than the phrase does
    described = [
        (min(words[j].start for j in t), max(words[j].end for j in t))
        for t in (subtree(children, k) for k in sub if k != c and words[k].dep in DESCRIBING)
    ]
    inside = [
        n.name
        for n in s.named
        if lo <= n.start and n.end <= hi and not any(a <= n.start < b for a, b in described)
    ]
    owners = [n for n in s.named if n.end <= words[c].start and lo <= n.start]
    owned = possessed_role(s, owners[-1].start, owners[-1].end, words[c].end) if owners else None
    if owned:
        return [owned]  # "Malawi's election commission": the body, not the country
    if inside:
        return inside
    head = words[c]
    if head.text.lower() in PRONOUNS:
        if head.text.lower() == "they":
            return list(s.state.last_agents)
        return [s.state.last_person] if s.state.last_person else list(s.state.last_agents[:1])
    phrase = s.text[lo:hi]
    titled = s.state.actors.by_title(phrase) or described_person(s, phrase)
    return [titled] if titled else []


def _places(s: Sentence, words: tuple[Word, ...], children: list[list[int]], i: int) -> list[str]:
    out = []
    for c in children[i]:
        if words[c].dep == "prep" and words[c].text.lower() in PLACE_PREPOSITIONS:
            for g in children[c]:
                if words[g].dep == "pobj" and words[g].ent in PLACE_LABELS:
                    sub = subtree(children, g)
                    lo = min(words[j].start for j in sub)
                    hi = max(words[j].end for j in sub)
                    named = [n.name for n in s.named if lo <= n.start and n.end <= hi]
                    out += named or [s.text[words[g].start : words[g].end]]
    return list(dict.fromkeys(out))


def _title(
    s: Sentence,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    lo: int,
    hi: int,
    agents: list[str],
) -> str:
    """The clause from its subject on (given one when it has none); for a noun, its phrase."""
    if words[i].pos == "NOUN":
        sub = subtree(children, i)
        lo = min(words[j].start for j in sub)
        hi = max(words[j].end for j in sub)
        return tidy(s.text[lo:hi])
    named = [(n.start, n.end) for n in s.named]
    return tidy(clause_title(s.text, words, children, i, lo, hi, agents, named))
