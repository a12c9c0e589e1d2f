"""Verbs that can name one happening ("foiled" / "thwarted"), from WordNet 3.0.

The table (`ingest/data/verb_synsets.json`, built by bench/wordnet_verbs.py) maps a verb synset
to the verbs having it among their most frequent senses, and a synset to those it causes
("kill" causes "die"). A verb's senses here are its synsets and what they cause, so "killed"
and "died" meet, as "struck" and "hit" do.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

TABLE = Path(__file__).parent / "data" / "verb_synsets.json"


@cache
def _senses_by_verb() -> dict[str, frozenset[str]]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    causes: dict[str, list[str]] = data["causes"]
    found: dict[str, set[str]] = {}
    for name, verbs in data["synsets"].items():
        for verb in verbs:
            found.setdefault(verb, set()).update([name, *causes.get(name, ())])
    return {verb: frozenset(names) for verb, names in found.items()}


def senses(verb: str) -> frozenset[str]:
    """The synsets a verb (a lemma: "arrest") can name, with those they cause."""
    return _senses_by_verb().get(verb, frozenset())


@lru_cache(maxsize=65536)
def synonyms(a: str, b: str) -> bool:
    """Whether two different verbs can name one happening ("capture" / "arrest" need not)."""
    return a != b and not senses(a).isdisjoint(senses(b))
