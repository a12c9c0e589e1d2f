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
from ingest.nlp import Annotation, annotator
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
    annotate = annotator() if use_spacy else None
    annotations: list[Annotation | None] = (
        list(annotate([s.text for s in sentences])) if annotate else [None] * len(sentences)
    )
    state = ArticleState(dct=dct, actors=ArticleActors.new())
    analyser = SentenceAnalyser(lex, state)
    position = 0
    for sentence, notes in zip(sentences, annotations, strict=True):
        end = sentence.start + len(sentence.text)
        while position < len(timexes) and timexes[position].end <= sentence.start:
            position += 1
        inside = []
        for t in timexes[position:]:
            if t.begin >= end:
                break
            if t.begin >= sentence.start and t.end <= end:
                inside.append(_shift(t, -sentence.start))
        analyser.analyse(sentence.index, sentence.text, inside, notes)
    return AnalysedArticle(
        article, article.title or headline(article.text), body, dct, dct_source, state.candidates
    )


def _shift(t: Timex, offset: int) -> Timex:
    return replace(t, begin=t.begin + offset, end=t.end + offset)
