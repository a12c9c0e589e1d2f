"""How a mention relates to one the article reported before: follows, responds_to,
violates, elaborates.

The words say it: a connector governing an event noun ("following a failed truce" -> follows),
a violation word in the mention itself ("reported 3,000 violations" of the truce -> violates),
or an elaborating verb on someone's speech noun ("elaborated on Putin's comments").
"""

from __future__ import annotations

from ingest.events.model import Hit, Sentence
from ingest.events.words import (
    CONNECTORS,
    ELABORATING_LEMMAS,
    SPEECH_NOUNS,
    VIOLATION_LEMMAS,
)


def connector(s: Sentence, first: int) -> str:
    """The preposition governing a noun phrase ("following a failed truce" -> following)."""
    tokens = s.tokens
    for i in range(first - 1, max(-1, first - 9), -1):
        word = tokens[i].lower
        if word in CONNECTORS and word not in {"on", "to"}:
            return word
        if tokens[i].text in {",", ";", "."}:
            break
    return ""


def link_kind(connector_word: str, main: Hit, content: Hit | None, lower: list[str]) -> str:
    """How the main event relates to one it refers to: "violates" when the event itself is a
    violation ("reported 3,000 violations", "accusing each other of violating"), else by the
    connector ("following X" -> follows), else "elaborates"."""
    own = lower[main.first : (content.last if content else main.last) + 3]
    if VIOLATION_LEMMAS & set(own):
        return "violates"
    kind = CONNECTORS.get(connector_word, "elaborates")
    return "elaborates" if kind == "during" else kind


def speech_refs(s: Sentence, main: Hit, event_type: str) -> list[int]:
    """ "elaborated on Putin's comments": the statement Putin made earlier in the article."""
    if main.trigger.lemma not in ELABORATING_LEMMAS:
        return []
    refs = []
    for m in s.named:
        after = [t for t in s.tokens if t.start >= m.end][:3]
        if any(t.lower in SPEECH_NOUNS for t in after):
            ref = s.state.recent_by(m.name, event_type)
            if ref is not None:
                refs.append(ref)
    return refs
