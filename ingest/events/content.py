"""What a reporting verb reports, and how: the content's trigger, its own date, its modality.

"Zelenskiy confirmed that a delegation will travel to London on Wednesday" reports a planned
trip on Wednesday; "“...,” Peskov said" reports the quotation before the verb. The first typed
trigger of the content types the statement; a date inside the content dates the content.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.events.model import Hit, Sentence
from ingest.events.titles import quote_span_before
from ingest.events.triggers import noun_or_verb
from ingest.events.words import CLAIMED, FUTURE, HYPOTHETICAL
from ingest.lexicon import OCCUR
from ingest.temporal import Timex

UNTYPED = frozenset({"REPORT", OCCUR})


@dataclass(frozen=True, slots=True)
class Content:
    """The reported content of a main trigger."""

    hits: list[Hit]  # typed triggers inside it, in order
    first: Hit | None  # the one that types the statement
    hypothetical: bool  # "said it could ...": nothing reported as done
    future: bool  # "said it will ...", "agreed to ...": a plan


def content_of(s: Sentence, hits: list[Hit], main: Hit, boundary: int, reporting: bool) -> Content:
    tokens = s.tokens
    quote = quote_span_before(s.text, tokens, main) if reporting else None
    inner = [
        h
        for h in hits
        if (
            quote[0] <= tokens[h.first].start < quote[1]  # “...,” she said
            if quote
            else main.last < h.first <= boundary  # she said that ...
        )
        and h.trigger.type not in UNTYPED
        and noun_or_verb(s, h)
    ]
    first = inner[0] if inner else None
    lower = [t.lower for t in tokens]
    hypothetical = future = False
    if first is not None:
        before = lower[main.last + 1 : first.first]
        hypothetical = any(w in HYPOTHETICAL for w in lower[main.last + 1 : boundary + 1])
        future = any(w in FUTURE for w in before) or ("to" in before[-2:] and not hypothetical)
    return Content(inner, first, hypothetical, future)


def content_timex(
    s: Sentence, main: Hit, boundary: int, free: list[Timex], main_tx: Timex | None
) -> Timex | None:
    """A date inside the reported content (after the verb, before the content ends)."""
    tokens = s.tokens
    return next(
        (
            t
            for t in free
            if t is not main_tx
            and tokens[main.last].end <= t.begin
            and t.begin <= tokens[boundary].end
        ),
        None,
    )


def modality_of(s: Sentence, main: Hit, reporting: bool) -> str | None:
    """occurred / announced / claimed / planned; None when the clause is hypothetical ("could
    abandon" on its own is not something that happened)."""
    lower = [t.lower for t in s.tokens]
    modality = main.trigger.modality if reporting else "occurred"
    if any(w in CLAIMED for w in lower):
        modality = "claimed"
    window = lower[max(0, main.first - 3) : main.first]
    if not reporting and any(w in HYPOTHETICAL for w in window):
        return None
    if not reporting and any(w in FUTURE for w in window):
        modality = "planned"
    return modality
