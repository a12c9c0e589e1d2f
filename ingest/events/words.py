"""The closed-class word lists of `ingest/data/grammar.toml`, as frozensets and dicts.

They are data so that a newcomer can read (and test) each list with its example; this module
only loads them once per process. Penn tag sets stay in code: they are the tagger's alphabet.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

GRAMMAR = Path(__file__).resolve().parent.parent / "data" / "grammar.toml"


def load_grammar(path: Path = GRAMMAR) -> dict[str, Any]:
    """Every list with its example (the examples test reads them too)."""
    with path.open("rb") as f:
        return tomllib.load(f)


_DATA = load_grammar()


def _words(name: str) -> frozenset[str]:
    return frozenset(_DATA[name]["words"])


def _map(name: str) -> dict[str, str]:
    return dict(_DATA[name]["map"])


NEGATIONS = _words("negations")
HYPOTHETICAL = _words("hypothetical")
FUTURE = _words("future")
CLAIMED = _words("claimed")
PRONOUNS = _words("pronouns")
BARE_VERB_CONTEXT = _words("bare_verb_context")
NP_STOP = _words("np_stop")
NON_EVENT_VERBS = _words("non_event_verbs")
CONNECTIVE_PARTICIPLES = _words("connective_participles")
MODAL_WORDS = _words("modal_words")
INTENT_VERBS = _words("intent_verbs")
BE_FORMS = _words("be_forms")
ADVERBIALS = _words("adverbials")
AUXILIARIES = _words("auxiliaries")
BOUNDARY_WORDS = _words("boundary_words")
COMMA_BOUNDARY_WORDS = _words("comma_boundary_words")
CONNECTORS = _map("connectors")
VIOLATION_LEMMAS = _words("violation_lemmas")
ELABORATING_LEMMAS = _words("elaborating_lemmas")
SPEECH_NOUNS = _words("speech_nouns")
GENERIC_SUBJECTS = _words("generic_subjects")
DATING_GRANULARITY = _map("dating_granularity")
EARLIER = _words("earlier")
CONTINUING = _words("continuing")
CLAUSE_OPENERS = _words("clause_openers")
DANGLING_WORDS = _words("dangling_words")
# suffix -> endings that undo it, longest suffix first ("ation" before "tion")
EVENTIVE_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    sorted(
        ((k, tuple(v)) for k, v in _DATA["eventive_suffixes"]["undo"].items()),
        key=lambda kv: -len(kv[0]),
    )
)
NOT_EVENTIVE = _words("not_eventive")
EVENTIVE_NOUNS = _words("eventive_nouns")
MOVEMENT_VERBS = _words("movement_verbs")
MOVEMENT_TYPE: str = _DATA["movement_verbs"]["type"]

FINITE = frozenset({"VBD", "VBZ", "VBP"})  # Penn tags of finite verbs
