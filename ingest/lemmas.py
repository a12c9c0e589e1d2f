"""Lemmas and derivational roots of English words, for the coreference score.

"announced", "announces" and "the announcement" name one happening: the lemma joins the first
two (lemminflect's dictionary, which ships its data in the wheel), the root joins the noun to
its verb (the ending rules of `ingest/data/derivation.toml`, each result checked against the
same dictionary). Pure and cached: the same words recur in every article.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

import lemminflect

DATA = Path(__file__).parent / "data" / "derivation.toml"
WORD = re.compile(r"[\w'’-]+")

# Function words never count as content (a closed class: "the" in "the announcement").
STOPWORDS = frozenset(
    """a an the and or nor but of to in on at for with by from up out off down over under
    into onto upon about after before during since until while as than then so that this
    these those there here it its he him his she her hers they them their theirs we us our
    you your i me my mine who whom whose which what when where why how be is are was were
    been being am has have had having do does did done will would shall should can could may
    might must not no yes also just only very too more most less least such other another
    any all some each every both either neither one ones own same s t 's ’s mr mrs ms dr
    said says say told tell""".split()
)


@lru_cache(maxsize=1)
def _derivation() -> tuple[int, list[tuple[str, str]], dict[str, str]]:
    with DATA.open("rb") as f:
        data = tomllib.load(f)
    rules = [(r[0], r[1]) for r in data["rules"]]
    irregular = {noun: verb for noun, verb in data["irregular"]}
    return int(data["min_stem"]), rules, irregular


@lru_cache(maxsize=65536)
def is_verb(word: str) -> bool:
    """Whether lemminflect's dictionary knows `word` as the base form of a verb."""
    return bool(lemminflect.getAllInflections(word, upos="VERB"))


@lru_cache(maxsize=65536)
def lemma(word: str, tag: str | None = None) -> str:
    """The dictionary lemma of a word ("announced" -> "announce"), lower-cased.

    `tag` is a Penn tag when a tagger ran: it picks the noun or verb reading of an ambiguous
    form ("hosts"); without it the verb reading wins (triggers are mostly verbs)."""
    low = word.lower().replace("’", "'")
    readings = lemminflect.getAllLemmas(low)
    order = ("VERB", "NOUN", "ADJ", "AUX")
    if tag and tag.startswith("N"):
        order = ("NOUN", "VERB", "ADJ", "AUX")
    elif tag and tag.startswith("J"):
        order = ("ADJ", "VERB", "NOUN", "AUX")
    for upos in order:
        if upos in readings:
            return str(readings[upos][0])
    return low


@lru_cache(maxsize=65536)
def root(word: str, tag: str | None = None) -> str:
    """The verb a word's happening is named by: "announcement" -> "announce", "death" ->
    "die", "elected" -> "elect"; a word with no verb reading is its own root."""
    base = lemma(word, tag)
    if is_verb(base):
        return base
    min_stem, rules, irregular = _derivation()
    if base in irregular:
        return irregular[base]
    for ending, verb_ending in rules:
        if base.endswith(ending) and len(base) - len(ending) >= min_stem:
            stem = base[: -len(ending)]
            for candidate in (stem + verb_ending, stem[:-1] + verb_ending):
                # the second form undoes a doubled consonant: "occurrence" -> "occur"
                if (candidate == stem + verb_ending or stem[-1:] == stem[-2:-1]) and is_verb(
                    candidate
                ):
                    return candidate
    return base


def content_lemmas(text: str) -> list[str]:
    """Lemmas of the content words of a text, in order ("Jackman will host the Oscars" ->
    jackman, host, oscar)."""
    out = []
    for match in WORD.finditer(text):
        word = match.group().strip("'’-").lower()
        if len(word) < 2 or word in STOPWORDS or not word.isalpha():
            continue
        base = lemma(word)
        if base not in STOPWORDS:
            out.append(base)
    return out
