"""One article, no database: clean text, publication date, sentences, time, mentions.

Pure and deterministic (the same article always gives the same mentions), so it can run
outside any transaction and be tested without a store.

Offsets stay those of the article body as the source reader returned it: boilerplate and
captions are blanked out (replaced by spaces, same length) rather than cut, so the temporal
tagger never sees a caption's date and every trigger offset points into the stored text.
Headlines are read like sentences: they state the article's main happening.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ingest.actors import ArticleActors
from ingest.article import ArticleInput
from ingest.coref import MentionView, article_terms, view_of
from ingest.dates import find_dct
from ingest.events import ArticleState, Mention, SentenceAnalyser
from ingest.lexicon import load_lexicon
from ingest.temporal import ReferenceTime, Timex, tag
from ingest.text.clean import Paragraph, headline, paragraphs
from ingest.text.nlp import Annotation, annotator
from ingest.text.sentences import split_sentences

READ = frozenset({"body", "headline"})


@dataclass(frozen=True, slots=True)
class AnalysedArticle:
    """What the pipeline stores for one article."""

    article: ArticleInput
    title: str | None
    body: str  # the text all offsets point into (the reader's text)
    dct: date | None
    dct_source: str
    candidates: list[Mention]
    views: list[MentionView]  # what coreference reads of each mention, in the same order


@dataclass(frozen=True, slots=True)
class Located:
    """A sentence to read: its text, where it starts in the body, where it stands."""

    text: str
    start: int
    headline: bool
    lead: bool


def masked(text: str, kept: list[Paragraph]) -> str:
    """`text` with everything but the kept paragraphs replaced by spaces (newlines stay)."""
    chars = [ch if ch == "\n" else " " for ch in text]
    for p in kept:
        chars[p.start : p.start + len(p.text)] = p.text
    return "".join(chars)


def located_sentences(text: str) -> tuple[list[Located], list[Paragraph]]:
    """The sentences of the headline block and body, in order, with their flags.

    The headline block is the headline-like lines before the first body paragraph; the lead
    is the first body sentence."""
    kept = [p for p in paragraphs(text) if p.kind in READ]
    out: list[Located] = []
    seen_body = False
    for p in kept:
        is_title = p.kind == "headline" and not seen_body
        for s in split_sentences(p.text):
            lead = p.kind == "body" and not seen_body
            out.append(Located(s.text, p.start + s.start, is_title, lead))
            if p.kind == "body":
                seen_body = True
    return out, kept


def analyse(article: ArticleInput, *, use_spacy: bool = True) -> AnalysedArticle:
    """Run every pure step on one article."""
    dct, dct_source = article.published, article.published_source
    if dct is None:
        dct, dct_source = find_dct(article.text)
    text = article.text
    sentences, kept = located_sentences(text)
    timexes = tag(masked(text, kept), dct)
    lex = load_lexicon()
    annotate = annotator() if use_spacy else None
    annotations: list[Annotation | None] = (
        list(annotate([s.text for s in sentences])) if annotate else [None] * len(sentences)
    )
    reference = ReferenceTime.from_timexes(timexes, dct)  # the narrative's date, for dating
    state = ArticleState(dct=dct, actors=ArticleActors.new(), reference=reference)
    analyser = SentenceAnalyser(lex, state)
    position = 0
    for index, (sentence, notes) in enumerate(zip(sentences, annotations, strict=True)):
        end = sentence.start + len(sentence.text)
        while position < len(timexes) and timexes[position].end <= sentence.start:
            position += 1
        inside = []
        for t in timexes[position:]:
            if t.begin >= end:
                break
            if t.begin >= sentence.start and t.end <= end:
                inside.append(_shift(t, -sentence.start))
        analyser.analyse(
            index,
            sentence.text,
            inside,
            notes,
            offset=sentence.start,
            headline=sentence.headline,
            lead=sentence.lead,
        )
    times = [(t.begin, t.end) for t in timexes]
    views = mention_views(article.location, text, annotations, state.candidates, times, dct)
    return AnalysedArticle(
        article, article.title or headline(text), text, dct, dct_source, state.candidates, views
    )


def mention_views(
    doc: str,
    body: str,
    annotations: list[Annotation | None],
    mentions: list[Mention],
    times: list[tuple[int, int]],
    published: date | None = None,
) -> list[MentionView]:
    """The coreference view of each mention (`ingest.coref.view_of`, the function training
    uses on ECB+ gold spans); a mention without trigger offsets takes its sentence's first
    word."""
    story = article_terms(body, times=times)
    untyped = load_lexicon().fallback_type
    out = []
    for m in mentions:
        start, end = m.trigger_start, m.trigger_end
        if start < 0 or end <= start:
            start, end = m.sentence_start, m.sentence_start + len(m.quote.split(" ")[0])
        out.append(
            view_of(
                doc=doc,
                body=body,
                sentence_index=m.sentence_index,
                sentence_start=m.sentence_start,
                sentence_end=m.sentence_end,
                trigger_start=start,
                trigger_end=end,
                annotation=annotations[m.sentence_index],
                story=story,
                times=times,
                agents=m.agents,
                patients=m.patients or None,
                places=m.places or None,
                start=m.dating.start,
                end=m.dating.end,
                precision=m.dating.precision,
                inferred=m.dating.inferred,
                type=None if m.type == untyped else m.type,
                published=published,
            )
        )
    return out


def _shift(t: Timex, offset: int) -> Timex:
    return replace(t, begin=t.begin + offset, end=t.end + offset)
