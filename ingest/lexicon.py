"""The event lexicon (`ingest/data/event_types.toml`) compiled into fast look-up tables.

The lexicon is data so that adding a trigger word or a type is a one-line change to a TOML
file; this module only turns it into dictionaries keyed by lower-cased word forms.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


OCCUR = "OCCUR"  # "took place", "came to a close": typed by the subject, see events.py


@dataclass(frozen=True, slots=True)
class Trigger:
    """What a word form means: an event type (or a reporting verb) and its part of speech."""

    type: str  # an event type, "REPORT" for reporting verbs, OCCUR for occurrence verbs
    pos: str  # "verb" | "noun" | "phrase"
    lemma: str
    modality: str = "occurred"  # for reporting verbs: announced | claimed


@dataclass(slots=True)
class Lexicon:
    """Word form -> trigger, phrase (tuple of words) -> trigger, and the type families."""

    words: dict[str, Trigger] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], Trigger] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    statement_type: str = "STATEMENT"
    fallback_type: str = "OTHER"
    max_phrase: int = 1

    def family(self, event_type: str) -> str:
        return self.families.get(event_type, event_type.lower())

    def family_types(self, event_type: str) -> list[str]:
        """Every type of the same family (the merger only compares within a family)."""
        family = self.family(event_type)
        return sorted({t for t, f in self.families.items() if f == family} | {event_type})


def inflections(verb: str, irregular: dict[str, str]) -> set[str]:
    """Regular English inflections of a base verb, plus its irregular forms."""
    forms = {verb, verb + "s", verb + "ed", verb + "ing"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(verb + "es")
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    vowels = "aeiou"
    if (
        len(verb) >= 3
        and verb[-1] not in vowels + "wxy"
        and verb[-2] in vowels
        and verb[-3] not in vowels
        and len([c for c in verb if c in vowels]) == 1
    ):  # stop -> stopped, plan -> planning
        forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    forms |= {form for form, base in irregular.items() if base == verb}
    return forms


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DATA / "event_types.toml") -> Lexicon:
    """Read and compile the lexicon once per process."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    irregular: dict[str, str] = data.get("irregular", {})
    lex = Lexicon(statement_type=data.get("statement", {}).get("type", "STATEMENT"))
    lex.families[lex.statement_type] = data.get("statement", {}).get("family", "statement")
    fallback = data.get("fallback", {})
    lex.fallback_type = fallback.get("type", "OTHER")
    lex.families[lex.fallback_type] = fallback.get("family", "other")
    for modality, verbs in data.get("reporting", {}).items():
        for verb in verbs:
            for form in inflections(verb, irregular):
                lex.words.setdefault(form, Trigger("REPORT", "verb", verb, modality))
    for event_type, spec in data.get("types", {}).items():
        lex.families[event_type] = spec.get("family", event_type.lower())
        for verb in spec.get("verbs", []):
            for form in inflections(verb, irregular):
                lex.words.setdefault(form, Trigger(event_type, "verb", verb))
        for noun in spec.get("nouns", []):
            words = tuple(noun.lower().split())
            if len(words) == 1:
                lex.words[words[0]] = Trigger(event_type, "noun", noun)
            else:
                lex.phrases[words] = Trigger(event_type, "noun", noun)
        for phrase in spec.get("phrases", []):
            lex.phrases[tuple(phrase.lower().split())] = Trigger(event_type, "phrase", phrase)
    occurrence = data.get("occurrence", {})
    for verb in occurrence.get("verbs", []):
        for form in inflections(verb, irregular):
            lex.words.setdefault(form, Trigger(OCCUR, "verb", verb))
    for phrase in occurrence.get("phrases", []):
        lex.phrases.setdefault(tuple(phrase.lower().split()), Trigger(OCCUR, "phrase", phrase))
    lex.max_phrase = max((len(p) for p in lex.phrases), default=1)
    return lex


def event_types(path: Path = DATA / "event_types.toml") -> list[str]:
    """Every type an event can have (the lexicon's types, the statement and fallback types),
    read without compiling the lexicon: what `events --type` accepts."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    names = {
        data.get("statement", {}).get("type", "STATEMENT"),
        data.get("fallback", {}).get("type", "OTHER"),
        *data.get("types", {}),
    }
    return sorted(names)
