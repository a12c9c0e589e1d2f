"""When a mention happened: its own time expression, else the narrative's reference time,
else the publication date (marked inferred).

A time expression dates the trigger whose clause it sits in ("said on Monday that ...",
"Last Friday, ... was sworn in"); one bound to an event noun dates that noun ("Russia's February
2022 invasion", "a truce declared over the weekend"). A mention with none of its own is dated
at the discourse level, by the article's one narrative reference time: the temporal package's
`ReferenceTime` (ingest/temporal/reference.py), built once per article from the tagger's
output, the same anchor the tagger reads for "that day" and a bare "10 p.m.". Its anchor in
force at the trigger (the last past day or week named before it) dates a sentence that
continues that narrative ("Upon arrival, ...", "Then ...", "He met ..." about the same agent,
"Earlier, ..." / a pluperfect after "As a reminder, on April 19 ..."); anything else takes
the publication date.

What stays here is what is event-specific: which mentions continue the narrative (openers,
pluperfect, the same agent as a pronoun subject, recency), who acted on each anchor's day
(`remember`), that plans do not move where a happening stands, and that a trailing report
("..., the statement said") is dated when it was made, the publication date, while its
content continues the narrative.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from ingest.events.clauses import inside
from ingest.events.model import Dating, Hit, Sentence
from ingest.events.words import (
    AUXILIARIES,
    BE_FORMS,
    CONTINUING,
    DATING_GRANULARITY,
    EARLIER,
    MODAL_WORDS,
    NP_STOP,
    PRONOUNS,
)
from ingest.temporal import Anchor, Timex
from ingest.temporal.calendar import value_span
from ingest.text.nlp import Word
from ingest.text.tokens import Token


def from_timex(tx: Timex) -> Dating:
    return Dating(
        tx.span_start,
        tx.span_end,
        DATING_GRANULARITY.get(tx.granularity, "unknown"),
        False,
        tx.text,
        tx.value,
    )


def borrowed(dating: Dating) -> Dating:
    """A date taken from another mention: its value, but no words of this sentence said it,
    so there is no time text to quote."""
    return replace(dating, time_text=None)


def publication(dct: date | None) -> Dating:
    """No time expression and no narrative to continue: a news report's statements happened
    on its publication day."""
    return Dating(dct, dct, "day" if dct else "unknown", True)


# Where a happening can stand: a day, or a week / weekend ("last week"); a month or a year is
# background ("in February", "in 2022"), not the day the narrative is on.
HAPPENING_PRECISIONS = ("day", "week")


def remember(s: Sentence, tx: Timex, agents: list[str], modality: str) -> None:
    """A mention dated by its own expression `tx`: the narrative's anchor there is where its
    agents acted, so a later sentence about them continues it. A plan's expression is no
    place where happenings stand ("will travel on Wednesday", "was due to meet on Monday")."""
    begin = s.offset + tx.begin
    if modality == "planned":
        if begin not in s.state.anchor_agents:
            s.state.plans.add(begin)
        return
    s.state.plans.discard(begin)
    s.state.anchor_agents[begin] = tuple(agents)
    s.state.continued = (begin, s.index)


def undated(s: Sentence, trigger: Hit | None, agents: list[str]) -> Dating:
    """The discourse-level date of a mention without a time expression of its own: the
    narrative's reference time at the trigger, if this sentence continues that narrative."""
    if trigger is None:
        return publication(s.state.dct)
    state = s.state
    anchor = narrative_anchor(s, trigger)
    if anchor is None:
        return publication(state.dct)
    ref = borrowed_anchor(anchor)
    opener = _opener(s)
    before = [t.lower for t in s.tokens[max(0, trigger.first - 3) : trigger.first]]
    pluperfect = "had" in before or any(w.endswith("'d") for w in before)
    same_agent = bool(agents) and bool(set(agents) & set(state.anchor_agents.get(anchor.begin, ())))
    since = state.sentence_at(anchor.begin)
    if state.continued[0] == anchor.begin:
        since = max(since, state.continued[1])
    recent = s.index - since <= 2
    reported_now = _trailing_report(s, trigger)
    if opener in EARLIER or pluperfect:
        # "Earlier, X proposed ...", "X had proposed ...": back in that narrative
        return publication(state.dct) if reported_now else ref
    if recent and (opener in CONTINUING or (same_agent and _pronoun_subject(s, trigger))):
        # "Upon arrival, ...", "Then ...", "He met villagers": the narrative goes on, and
        # the next sentence may continue it from here (even when its words are a report's:
        # "Then the rebels left, he said" is said now about what happened then)
        state.continued = (anchor.begin, s.index)
        return publication(state.dct) if reported_now else ref
    return publication(state.dct)


def narrative_anchor(s: Sentence, trigger: Hit) -> Anchor | None:
    """Where the narrative of happenings stands at the trigger: the last past day or week
    the article named before it, plans skipped (None when only the DCT is left)."""
    at = s.offset + s.tokens[trigger.first].start
    anchor = s.state.reference.at(
        at, past_only=True, precisions=HAPPENING_PRECISIONS, skip=s.state.plans
    )
    return None if anchor is None or anchor.from_dct else anchor


def borrowed_anchor(anchor: Anchor) -> Dating:
    """The date of the anchor's expression, dated as `from_timex` dates it, without its words
    (none of this sentence's)."""
    granularity, _, _ = value_span(anchor.value)
    precision = DATING_GRANULARITY.get(granularity, "unknown")
    return Dating(anchor.start, anchor.end, precision, False, None, anchor.value)


_ADVERBS = frozenset({"also", "later", "then", "earlier", "previously"})


def _trailing_report(s: Sentence, trigger: Hit) -> bool:
    """ "After a brief skirmish, three boats were captured, the statement said": a reporting
    clause after what it reports says when it was reported, not when that happened; the
    sentence's opener, pluperfect and pronoun belong to the report's content."""
    if trigger.trigger.type != "REPORT":
        return False
    head = s.text[: s.tokens[trigger.first].start]
    cut = max(head.rfind(mark) for mark in (",", "\u201d", '"', "''"))
    if cut <= 0 or len(head[:cut].split()) < 3:
        return False
    between = [w.strip(".,").lower() for w in head[cut + 1 :].split()]
    # only a subject may stand between ("he", "the statement", "Navy spokesperson"): with an
    # auxiliary ("which ..., also had indicated") the verb is the main clause's own
    return len(between) <= 4 and not set(between) & (AUXILIARIES | BE_FORMS | _ADVERBS)


def _opener(s: Sentence) -> str:
    words = [t.lower for t in s.tokens if t.text[:1].isalpha()]
    return words[0] if words else ""


def _pronoun_subject(s: Sentence, trigger: Hit) -> bool:
    """The trigger's subject is a pronoun or a description ("He", "The premier"), not a
    name: the sentence continues a narrative rather than opening one."""
    words = [t.lower for t in s.tokens[: trigger.first] if t.text[:1].isalpha()]
    if not words:
        return False
    return bool(set(words[-3:]) & PRONOUNS) or (words[0] == "the" and len(words) <= 3)


def main_timex(s: Sentence, main: Hit, boundary: int, free: list[Timex]) -> Timex | None:
    """A time expression of the main clause: in an adverbial before the trigger ("Last
    Friday, ...", "in remarks on Sunday, ..."), or after it before any reported clause begins
    ("said on Monday that ...", "wrote to the board on Monday")."""
    tokens, text = s.tokens, s.text
    trigger_start = tokens[main.first].start
    trigger_end = tokens[main.last].end
    best: Timex | None = None
    for t in free:
        if inside(t.begin, s.relative):
            continue
        if t.end <= trigger_start:
            if _adverbial(s, t, trigger_start):
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
                len(gap.split()) <= 8 and "," not in gap and not _has_verb(s, trigger_end, t.begin)
            ):
                return t
    return best


SEQUENCE_WORDS = frozenset({"after", "upon", "following"})

COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7}
_ANCHORED = re.compile(
    r"\b(?P<count>a|an|one|two|three|four|five|six|\d{1,2})\s+(?P<unit>days?|weeks?)\s+"
    r"(?P<way>after|before)\s",
    re.IGNORECASE,
)


def days_from_anchor(s: Sentence, trigger: Hit, dated: list[Timex]) -> Dating | None:
    """ "Rescuers battled ... to reach survivors Thursday, one day after a quake killed 617":
    the clause opened by "N days after" happened N days before the day named right before
    that phrase (after "N days before", N days after it). The phrase must open the trigger's
    own clause (no clause mark between them)."""
    start = s.tokens[trigger.first].start
    for m in _ANCHORED.finditer(s.text, 0, start):
        if re.search(r"[,;:—“”\"]", s.text[m.end() : start]):
            continue
        day = next(
            (
                t.span_start
                for t in dated
                if t.granularity in {"day", "time"}
                and t.span_start is not None
                and t.end <= m.start()
                and s.text[t.end : m.start()].strip() in {"", ","}
            ),
            None,
        )
        if day is None:
            continue
        word = m["count"].lower()
        days = (int(word) if word.isdigit() else COUNTS[word]) * UNIT_DAYS[m["unit"].lower()]
        when = day + timedelta(days=-days if m["way"].lower() == "after" else days)
        return Dating(when, when, "day", False, m.group(0).strip(), when.isoformat())
    return None


def subordinate_timex(s: Sentence, main: Hit, free: list[Timex]) -> Timex | None:
    """ "pledged ... after flying to Yushu from Beijing Thursday afternoon": with no time of
    its own, the main clause happened right after the dependent clause it governs, so that
    clause's day dates it too (day precision only; needs the parse)."""
    words = s.parse
    if not words:
        return None
    at = s.tokens[main.first].start
    head = next((i for i, w in enumerate(words) if w.start == at), None)
    if head is None:
        return None
    heads = {head} | {i for i, w in enumerate(words) if w.head == head and w.dep == "xcomp"}
    for c, w in enumerate(words):
        if w.head not in heads or c in heads or w.dep not in {"advcl", "prep"}:
            continue
        intro = w.text.lower() if w.dep == "prep" else _marker(words, c)
        if intro not in SEQUENCE_WORDS:
            continue
        lo, hi = _subtree_span(words, c)
        past = words[head].tag == "VBD"
        for t in free:
            if not (lo <= t.begin and t.end <= hi and t.granularity in {"day", "time"}):
                continue
            if past and s.state.dct and t.span_start and t.span_start > s.state.dct:
                continue  # a past verb is not dated after its report (a misread weekday)
            return t
    return None


def _marker(words: tuple[Word, ...], c: int) -> str:
    for w in words:
        if w.head == c and w.dep in {"mark", "prep"} and w is not words[c]:
            return w.text.lower()
    return ""


def _subtree_span(words: tuple[Word, ...], c: int) -> tuple[int, int]:
    members, todo = [c], [c]
    while todo:
        j = todo.pop()
        for k, w in enumerate(words):
            if w.head == j and k != j:
                members.append(k)
                todo.append(k)
    return min(words[j].start for j in members), max(words[j].end for j in members)


def _adverbial(s: Sentence, t: Timex, trigger_start: int) -> bool:
    """A time before the verb dates it when nothing but the subject lies between them, or when
    it sits in an opening adverbial, before the subject ("After landing on Thursday afternoon,
    Wen rushed ..."); not in an appositive after the subject ("Sonexay, ASEAN Chair for 2024,
    announced")."""
    if "," not in s.text[t.end : trigger_start]:
        return True
    seg_end = s.text.find(",", t.end)
    first_actor = min((m.start for m in s.named), default=len(s.text))
    return seg_end != -1 and seg_end <= first_actor


def _has_verb(s: Sentence, start: int, end: int) -> bool:
    """Whether a verb lies in [start, end): the time then belongs to another clause."""
    for tok in s.tokens:
        if start <= tok.start < end:
            tag = s.tags.get(tok.start, "")
            if tag.startswith("VB") or tag == "MD" or tok.lower in MODAL_WORDS:
                return True
    return False


def attached_timex(s: Sentence, hit: Hit, dated: list[Timex]) -> Timex | None:
    """A dated expression bound to an event noun: right before it ("February 2022 invasion",
    "Easter truce"), or just after it through a participle ("truce declared over the
    weekend"). The one after wins: it says when, the one before may only name it."""
    tokens = s.tokens
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
            if len(between) <= 1 and not any(x.text in ",;" or x.lower in NP_STOP for x in between):
                before = t
            elif t.text.lower().endswith(("'s", "’s")) and _modifiers(s, between):
                before = t  # "Monday's pre-dawn earthquake"
    return after or before


def _modifiers(s: Sentence, words: list[Token]) -> bool:
    """A few adjectives between a possessive date and its noun ("pre-dawn", "deadly")."""
    if len(words) > 4 or any(w.text in ",;:" for w in words):
        return False
    return all(
        s.tags.get(w.start, "JJ")[:2] in {"JJ", "NN", "HY", "VB"} and w.lower not in NP_STOP
        for w in words
    )
