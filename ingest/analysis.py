"""One article, no database: clean text, publication date, sentences, time, event candidates.

Pure and deterministic (the same article always gives the same candidates), so it can run
outside any transaction and be tested without a store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ingest.actors import ArticleActors
from ingest.article import ArticleInput
from ingest.clean import body_text, headline
from ingest.dates import find_dct
from ingest.events import ArticleState, Candidate, SentenceAnalyser
from ingest.lexicon import load_lexicon
from ingest.nlp import entity_finder
from ingest.sentences import split_sentences
from ingest.temporal import Timex, tag


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    """What the pipeline stores for one article."""

    article: ArticleInput
    title: str | None
    body: str
    dct: date | None
    dct_source: str
    candidates: list[Candidate]


def analyse(article: ArticleInput, *, use_spacy: bool = True) -> AnalysedArticle:
    """Run every pure step on one article."""
    dct, dct_source = article.published, article.published_source
    if dct is None:
        dct, dct_source = find_dct(article.text)
    body = body_text(article.text)
    sentences = split_sentences(body)
    timexes = tag(body, dct)
    lex = load_lexicon()
    entities: list[list[tuple[int, int, str]] | None] = [None] * len(sentences)
    finder = entity_finder() if use_spacy else None
    if finder is not None:
        # The NER model is most of the cost: run it only where an event can be found.
        wanted = [i for i, s in enumerate(sentences) if lex.may_trigger(s.text)]
        for i, ents in zip(wanted, finder([sentences[i].text for i in wanted]), strict=True):
            entities[i] = ents
    state = ArticleState(dct=dct, actors=ArticleActors.new())
    analyser = SentenceAnalyser(lex, state)
    position = 0
    for sentence, sentence_entities in zip(sentences, entities, strict=True):
        end = sentence.start + len(sentence.text)
        while position < len(timexes) and timexes[position].end <= sentence.start:
            position += 1
        inside = []
        for t in timexes[position:]:
            if t.begin >= end:
                break
            if t.begin >= sentence.start and t.end <= end:
                inside.append(_shift(t, -sentence.start))
        analyser.analyse(sentence.index, sentence.text, inside, sentence_entities)
    return AnalysedArticle(
        article, article.title or headline(article.text), body, dct, dct_source, state.candidates
    )


def _shift(t: Timex, offset: int) -> Timex:
    return replace(t, begin=t.begin + offset, end=t.end + offset)
