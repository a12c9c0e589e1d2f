"""Which stored event does a mention report? A learned pair score and a cluster decision.

Pure (no database): the pipeline fetches candidate events by blocking keys (`block_keys`),
hands their mentions and the new article's mentions to `cluster`, and writes the result.

- A **mention view** (`view_of`) is what the score reads of one mention: the trigger's lemma
  and derivational root, the sentence's content lemmas and named entities, the entities on
  each side of the trigger (agent side, patient side, places), the date span with precision,
  the lexicon type. The same function builds it from ECB+ gold spans at training time
  (`bench/train_coref.py`) and from extracted mentions at run time, and it is stored as JSON
  on the source, so a stored mention is never analysed again.
- The **pair score** is a logistic regression over `features` with the weights of
  `ingest/data/coref.json` (learned on ECB+ train, threshold chosen on dev). Nothing vetoes:
  an unknown date or an empty agent slot contributes nothing, a conflict counts against.
- The **cluster decision** is average-linkage agglomeration of the new mentions with the
  mentions of the candidate events, from singletons, merged best pair first while the mean
  pair probability between two clusters is at least the threshold. It reads the set of
  mentions, not their arrival order, and an event is judged by all its mentions, not by the
  union of their agents, so it does not drift.
"""

from __future__ import annotations

import heapq
import json
import math
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import islice, repeat
from pathlib import Path
from typing import Any

from ingest.lemmas import STOPWORDS, content_lemmas, lemma, root
from ingest.lexicon import OCCUR, load_lexicon
from ingest.synonyms import senses, synonyms
from timeline.dates import shift

STATEMENT = "STATEMENT"  # the lexicon's type of reporting verbs (ingest/data/event_types.toml)
MODEL = Path(__file__).parent / "data" / "coref.json"
IDF = Path(__file__).parent / "data" / "coref_idf.json"

ENTITY_LABELS_AGENT = frozenset({"PERSON", "ORG", "NORP", "GPE"})
ENTITY_LABELS_PLACE = frozenset({"GPE", "LOC", "FAC"})
PLACE_WORDS = frozenset({"in", "at", "near", "outside", "inside", "across", "into", "from"})
PRECISION_WEIGHT = {"day": 1.0, "week": 0.7, "month": 0.5, "season": 0.35, "year": 0.25}
INFERRED_SLACK = timedelta(days=1)  # a date read off the report's day is known to a day
# Reports of one happening come out within a few days of each other (the news, the follow-ups,
# the weekly): the publication gap of an undated mention's reports counts beyond this.
REPORT_SLACK = timedelta(days=3)
# Articles of an ingest batch analysed before the first of them is written, so that each
# decision's coverage groups see the window's articles near its own (`Window`): ECB+ dev's
# 197 articles are one window. The pipeline's memory grows with it (an analysed article holds
# its mentions and views).
COVERAGE_WINDOW = 500
CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'’.-]*)*")


@dataclass(frozen=True, slots=True)
class MentionView:
    """What the coreference score knows of one mention (stored as JSON on its source)."""

    doc: str  # the article (its location): "same article" is a feature
    sentence: int  # sentence index in the article (0: the headline or first line)
    at: int  # the trigger's offset in the article body: (doc, at) names the mention
    trigger: str
    lemma: str
    root: str
    context: tuple[str, ...]  # content lemmas of the sentence, trigger excluded, sorted
    after: tuple[str, ...]  # those after the trigger: what happened to what, what was said
    quoted: tuple[str, ...]  # content lemmas inside quotation marks in the sentence
    entities: tuple[str, ...]  # lower-cased names in the sentence
    story: tuple[str, ...]  # the article's most distinctive lemmas (`article_terms`)
    agents: tuple[str, ...]  # names on the agent side (before the trigger, or extracted)
    patients: tuple[str, ...]  # names after the trigger
    places: tuple[str, ...]
    start: date | None = None
    end: date | None = None
    precision: str = "unknown"
    inferred: bool = False
    type: str | None = None
    reporting: bool = False  # the trigger is a reporting verb ("said", "told")
    published: date | None = None  # the article's publication date (DCT), when known

    def __hash__(self) -> int:
        # Where a mention stands, not all it holds: the pair-score cache hashes two views per
        # look-up, and the generated hash of every field (tuples of up to 30 words) was a
        # tenth of learned-mode ingest CPU. Equal views have equal positions, so the
        # equality the cache relies on is unchanged (it still compares every field).
        return hash((self.doc, self.at, self.sentence, self.trigger))

    def to_json(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies every value (a tenth of learned-mode
        # ingest CPU, through the cluster's sort key); the values are strings, tuples of
        # strings, numbers and dates, so the dict is the same
        out = {name: getattr(self, name) for name in _VIEW_FIELDS}
        out["start"] = self.start.isoformat() if self.start else None
        out["end"] = self.end.isoformat() if self.end else None
        out["published"] = self.published.isoformat() if self.published else None
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MentionView:
        values = dict(data)
        for key in (
            "context",
            "after",
            "quoted",
            "entities",
            "story",
            "agents",
            "patients",
            "places",
        ):
            values[key] = tuple(values.get(key) or ())
        for key in ("start", "end", "published"):
            values[key] = date.fromisoformat(values[key]) if values.get(key) else None
        return canonical(cls(**values))


_VIEW_FIELDS = tuple(f.name for f in fields(MentionView))
_CANONICAL: dict[MentionView, MentionView] = {}


def canonical(view: MentionView) -> MentionView:
    """The one object standing for every view equal to `view` (views are immutable).

    A stored mention is read again, as a new object, for every article of its block; the
    pair-score cache then compared its key views field by field on every hit (the largest
    single cost of learned-mode ingest), where one shared object compares by identity."""
    found = _CANONICAL.get(view)
    if found is None:
        if len(_CANONICAL) > 20_000:
            _CANONICAL.clear()
        found = _CANONICAL[view] = view
    return found


def _name(text: str) -> str:
    words = text.lower().replace("’", "'").strip(" .,;:!?\"'()").removesuffix("'s").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _entities(
    sentence: str, annotation_entities: Sequence[tuple[int, int, str]] | None
) -> list[tuple[int, int, str, str]]:
    """(start, end, label, name) of the sentence's names: spaCy's entities when it ran, else
    capitalised word runs (not sentence-initial function words)."""
    if annotation_entities is not None:
        found = [(s, e, label, _name(sentence[s:e])) for s, e, label in annotation_entities]
    else:
        found = []
        for m in CAPITALISED.finditer(sentence):
            name = _name(m.group())
            if name and name not in STOPWORDS:
                found.append((m.start(), m.end(), "NAME", name))
    return [f for f in found if f[3]]


def trigger_head(
    trigger: str, tags: Mapping[int, str] | None, offset: int
) -> tuple[str, str | None]:
    """The word of a multi-word trigger that names the happening ("checked into" -> checked,
    "car crash" -> crash): a verb if there is one, else the last word. Returns (word, tag)."""
    words = [(m.start(), m.group()) for m in re.finditer(r"[\w'’-]+", trigger)]
    if not words:
        return trigger, None
    tagged = [(w, (tags or {}).get(offset + s)) for s, w in words]
    if len(tagged) == 1:
        return tagged[0]
    for w, t in tagged:
        if t and t.startswith("V"):
            return w, t
    if tags is None and lemma(tagged[0][0]) != tagged[0][0].lower():
        return tagged[0]  # an inflected first word: a verb phrase ("checked into")
    return tagged[-1]


def lexicon_type(word: str) -> str | None:
    """The event type the lexicon gives a trigger word ("met" -> CONSULT), None if unlisted."""
    lex = load_lexicon()
    hit = lex.words.get(word.lower())
    if hit is None or hit.type == OCCUR:
        return None
    return lex.statement_type if hit.type == "REPORT" else hit.type


def blank(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    """`text` with the characters of `spans` (offsets relative to `offset`) made spaces: time
    expressions are compared as dates, not again as words ("on Monday")."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start - offset), min(len(chars), end - offset)):
            chars[i] = " "
    return "".join(chars)


QUOTE = re.compile(r"“([^”]*)(?:”|$)|\"([^\"]*)(?:\"|$)")


def quotations(sentence: str) -> list[str]:
    """The quoted passages of a sentence, curly or straight quotes; an unclosed quotation runs
    to the end ('"These elections have been rigged,' -> 'These elections have been rigged,')."""
    return [m.group(1) or m.group(2) or "" for m in QUOTE.finditer(sentence)]


def article_terms(
    body: str,
    model: Model | None = None,
    size: int = 30,
    times: Sequence[tuple[int, int]] = (),
) -> tuple[str, ...]:
    """The article's `size` content lemmas of highest tf-idf, sorted: what the whole report
    is about ("jackman", "oscar", "host", ...), so two mentions' articles can be compared.
    `times` are the body spans of its time expressions, left out."""
    model = model or load_model()
    counts: dict[str, int] = {}
    for w in content_lemmas(blank(body, times)):
        counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w] * model.idf.get(w, model.default_idf), w))
    return tuple(sorted(ranked[:size]))


def view_of(
    *,
    doc: str,
    body: str,
    sentence_index: int,
    sentence_start: int,
    sentence_end: int,
    trigger_start: int,
    trigger_end: int,
    annotation: Any | None = None,
    story: Sequence[str] = (),
    times: Sequence[tuple[int, int]] = (),
    agents: Sequence[str] | None = None,
    patients: Sequence[str] | None = None,
    places: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    precision: str = "unknown",
    inferred: bool = False,
    type: str | None = None,
    published: date | None = None,
) -> MentionView:
    """The mention view of the trigger body[trigger_start:trigger_end] in its sentence.

    `story` is `article_terms` of the article (computed once per article); `times` are body
    spans of time expressions (left out of the context words: dates are compared as dates).
    `annotation` is the sentence's `ingest.text.nlp.Annotation` (entities and tags, offsets in the
    sentence) or None. `type` is the extractor's reading of the clause ("offered talks" ->
    CONSULT), else the lexicon's type of the trigger word (as at training time). Extracted
    `agents`/`patients`/`places` replace the positional guess (names before the trigger are on
    the agent side, after it on the patient side) when given.
    """
    sentence = body[sentence_start:sentence_end]
    words = blank(sentence, times, sentence_start)
    t0, t1 = trigger_start - sentence_start, trigger_end - sentence_start
    tags = getattr(annotation, "tags", None)
    head, tag = trigger_head(body[trigger_start:trigger_end], tags, t0)
    names = _entities(sentence, getattr(annotation, "entities", None))
    guessed_places = [
        n
        for s, e, label, n in names
        if label in ENTITY_LABELS_PLACE
        or (label == "NAME" and sentence[:s].rstrip().rsplit(" ", 1)[-1].lower() in PLACE_WORDS)
    ]
    people = [(s, e, n) for s, e, label, n in names if label in ENTITY_LABELS_AGENT | {"NAME"}]
    guessed_agents = [n for s, e, n in people if e <= t0]
    guessed_patients = [n for s, e, n in people if s >= t1 and n not in guessed_places]
    # names count in their own features (entities, roles), not again as context words
    own = set(content_lemmas(body[trigger_start:trigger_end])) | {
        w for *_, n in names for w in content_lemmas(n)
    }
    context = sorted(set(content_lemmas(words[:t0] + " " + words[t1:])) - own)
    return MentionView(
        doc=doc,
        sentence=sentence_index,
        at=trigger_start,
        trigger=body[trigger_start:trigger_end],
        lemma=lemma(head, tag),
        root=root(head, tag),
        context=tuple(context),
        after=tuple(sorted(set(content_lemmas(words[t1:])) - own)),
        quoted=tuple(sorted({w for q in quotations(sentence) for w in content_lemmas(q)})),
        entities=tuple(sorted({n for *_, n in names})),
        story=tuple(story),
        agents=tuple(sorted(set(_name(a) for a in agents) if agents else set(guessed_agents))),
        patients=tuple(
            sorted(set(_name(a) for a in patients) if patients else set(guessed_patients))
        ),
        places=tuple(sorted(set(_name(a) for a in places) if places else set(guessed_places))),
        start=start,
        end=end,
        precision=precision if start is not None else "unknown",
        inferred=inferred,
        type=type or lexicon_type(head),
        reporting=lexicon_type(head) == STATEMENT,
        published=published,
    )


# ---------------------------------------------------------------------------------------------
# Pair features

FEATURES: dict[str, str] = {
    "bias": "1 for every pair",
    "lemma_same": "the triggers' head lemmas are equal (announced / announces)",
    "root_same": "different lemmas, same derivational root (announced / announcement)",
    "root_idf": "IDF of the shared root over training sentences, / 10 (0 if roots differ)",
    "context_cos": "IDF-weighted cosine of the two sentences' content lemmas (names left out)",
    "lemma_context": "root_idf (0 unless the roots match), times context_cos",
    "after_cos": "IDF-weighted cosine of the content lemmas after the triggers (the object, "
    "the reported content)",
    "lemma_after": "root_idf, times after_cos",
    "quote_cos": "IDF-weighted cosine of the lemmas quoted in the two sentences (0 unless both "
    "quote): one quotation is one statement",
    "story_cos": "IDF-weighted cosine of the two articles' top lemmas (article_terms); 0 within "
    "one article",
    "lemma_story": "root_idf, times story_cos: a rare shared trigger in one story",
    "entity_jaccard": "Jaccard overlap of the word sets of the two sentences' names",
    "agent_match": "both have agent-side names and they share a word",
    "agent_conflict": "both have agent-side names and they share none",
    "patient_match": "both have patient-side names and they share a word",
    "patient_conflict": "both have patient-side names and they share none",
    "place_match": "both have places and they share a word",
    "place_conflict": "both have places and they share none",
    "date_match": "both dated, spans overlap; weight of the coarser precision (day 1 .. year 0.25)",
    "date_conflict": "both dated by their own time expressions and the spans are disjoint",
    "date_gap_inferred": "disjoint spans (with a day of slack) where a date is inferred (the "
    "publication day of an undated report, a noun's governing verb): ln(1 + gap days) / "
    "ln(366), at most 1; an inferred day is a guess that grows less likely with the distance",
    "report_gap": "a mention has no date, both articles' publication dates are known: "
    "ln(1 + days between them beyond 3) / ln(366), at most 1 (reports of one happening come out "
    "within days of each other)",
    "type_same": "both have a lexicon type and it is the same",
    "type_diff": "both have a lexicon type and they differ",
    "day_agent_type": "same day (day precision), a shared agent and the same type, not a bare "
    "statement: one actor's one kind of act on one day ('offered talks' / 'proposes "
    "negotiations', or 'stated Moscow is open to negotiations' / 'declared his openness to "
    "talks', statements whose content gives one type)",
    "statements": "both triggers are reporting verbs (said, told): a speaker says many things",
    "statements_after": "statements, times after_cos: what was said tells two statements apart",
    "statements_quote": "statements, times quote_cos, unless the speakers conflict: two "
    "reports of one quotation are one statement, whoever reports it and with whichever verb "
    "('told' / 'said'); two speakers' like words are two statements",
    "statement_next": "statements of one speaker (agents share a word) in consecutive sentences "
    "of one article: 'Peskov elaborated, telling reporters ...', then a quotation closed by "
    "'Peskov said', is one act of speaking",
    "same_article": "both mentions are in one article",
    "same_sentence": "both mentions are in one sentence of one article",
    "root_synonym": "different trigger roots that share a WordNet verb sense, or one causes the "
    "other's ('foiled' / 'thwarted', 'killed' / 'died'; ingest/synonyms.py), in two articles; "
    "not for two reporting verbs ('said' / 'told'), which statements_* tell apart",
    "synonym_story": "root_synonym, times story_cos: synonyms in reports of one story",
    "article_root": "both in one article and their triggers share a root: within an article a "
    "happening is named again by its own word ('the attack ... the attack'), while two "
    "different words of one article are mostly two happenings ('criticizing' / 'reiterated'); "
    "not for two reporting verbs: an article's 'said's are its many statements",
    "lead_both": "both sentences are an article's first two lines (headline, lead)",
}
NAMES = list(FEATURES)


@lru_cache(maxsize=65536)
def _words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for n in names for w in n.split() if w not in STOPWORDS and len(w) > 1)


def _agree(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, float]:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0, 0.0
    return (1.0, 0.0) if wa & wb else (0.0, 1.0)


YEAR_SCALE = math.log(366.0)


def _gap(days: int) -> float:
    """ln(1 + days) / ln(366), at most 1: a day apart 0.12, a month 0.58, a year 1."""
    return min(1.0, math.log1p(max(0, days)) / YEAR_SCALE)


def _dates(a: MentionView, b: MentionView) -> tuple[float, float, float, float]:
    """(match, conflict of two explicit dates, gap involving an inferred date, gap between
    the reports of an undated mention)."""
    if a.start is None or b.start is None or a.end is None or b.end is None:
        if a.published is None or b.published is None:
            return 0.0, 0.0, 0.0, 0.0  # unknown: neither for nor against
        apart = abs((a.published - b.published).days) - REPORT_SLACK.days
        return 0.0, 0.0, 0.0, _gap(apart)
    inferred = a.inferred or b.inferred
    slack = INFERRED_SLACK if inferred else timedelta(0)
    if shift(a.start, -slack.days) <= b.end and shift(b.start, -slack.days) <= a.end:
        weight = min(
            PRECISION_WEIGHT.get(a.precision, 0.25), PRECISION_WEIGHT.get(b.precision, 0.25)
        )
        return weight, 0.0, 0.0, 0.0
    if not inferred:
        return 0.0, 1.0, 0.0, 0.0
    apart = max((b.start - a.end).days, (a.start - b.end).days) - slack.days
    return 0.0, 0.0, _gap(apart), 0.0


def _cosine(
    a: tuple[str, ...], b: tuple[str, ...], idf: Mapping[str, float], default: float
) -> float:
    if not a or not b:
        return 0.0
    shared = _set(a) & _set(b)
    if not shared:
        return 0.0
    table = _table(idf, default)
    # Summed exactly (fsum): a set's order follows the process's string hashes, and a plain
    # sum in that order differed in its last bits from run to run, enough to flip a tie
    # between two copies of one text. In C either way (this was the pair score's top cost).
    num = math.fsum(map(table.squares.get, shared, repeat(table.missing)))
    return num / (table.norm(a) * table.norm(b))


@lru_cache(maxsize=131072)
def _set(words: tuple[str, ...]) -> frozenset[str]:
    """A word tuple as a set, built once: a stored mention's words meet every new article of
    its block."""
    return frozenset(words)


@dataclass(slots=True)
class _Weights:
    """An IDF table's squared weights and the vector norms computed with it."""

    idf: Mapping[str, float]
    default: float
    squares: dict[str, float]
    missing: float  # the squared default, for a word the table lacks
    norms: dict[tuple[str, ...], float] = field(default_factory=dict)

    def norm(self, words: tuple[str, ...]) -> float:
        found = self.norms.get(words)
        if found is None:
            if len(self.norms) > 100_000:
                self.norms.clear()
            get, default = self.idf.get, self.default
            found = self.norms[words] = math.sqrt(sum(get(w, default) ** 2 for w in words))
        return found


_TABLES: dict[tuple[int, float], _Weights] = {}


def _table(idf: Mapping[str, float], default: float) -> _Weights:
    """The weights of one IDF table (held with it, so its id is not reused while cached)."""
    found = _TABLES.get((id(idf), default))
    if found is None or found.idf is not idf:
        if len(_TABLES) > 8:
            _TABLES.clear()
        squares = {w: v**2 for w, v in idf.items()}
        found = _TABLES[(id(idf), default)] = _Weights(idf, default, squares, default**2)
    return found


def features(
    a: MentionView, b: MentionView, idf: Mapping[str, float], default: float
) -> list[float]:
    """The pair's feature vector, in the order of `NAMES` (symmetric in a and b)."""
    reporting = a.reporting and b.reporting
    lemma_same = float(a.lemma == b.lemma)
    root_same = float(a.root == b.root and not lemma_same)
    shared_root = a.root == b.root
    rarity = idf.get(a.root, default) / 10 if shared_root else 0.0
    cos = _cosine(a.context, b.context, idf, default)
    same_article = a.doc == b.doc
    # one article's story is trivially itself: the story compares two articles
    story = 0.0 if same_article else _cosine(a.story, b.story, idf, default)
    after = _cosine(a.after, b.after, idf, default)
    quote = _cosine(a.quoted, b.quoted, idf, default)
    wa, wb = _words(a.entities), _words(b.entities)
    jaccard = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    agent = _agree(a.agents, b.agents)
    patient = _agree(a.patients, b.patients)
    place = _agree(a.places, b.places)
    date_match, date_conflict, inferred_gap, report_gap = _dates(a, b)
    typed = a.type is not None and b.type is not None
    # Outlets name one happening with different words; within one article a second verb is
    # mostly a second happening ("Speaking to state television, Putin indicated ..." then "We
    # have always talked about this"), and reporting verbs are one another's synonyms ("said"
    # / "told"): what tells statements apart is what was said and by whom (statements_*).
    synonym = float(
        not shared_root and not same_article and not reporting and synonyms(a.root, b.root)
    )
    return [
        1.0,
        lemma_same,
        root_same,
        rarity,
        cos,
        rarity * cos,
        after,
        rarity * after,
        quote,
        story,
        rarity * story,
        jaccard,
        *agent,
        *patient,
        *place,
        date_match,
        date_conflict,
        inferred_gap,
        report_gap,
        float(typed and a.type == b.type),
        float(typed and a.type != b.type),
        float(date_match == 1.0 and agent[0] == 1.0 and typed and a.type == b.type != STATEMENT),
        float(reporting),
        after if reporting else 0.0,
        quote if reporting and agent[1] == 0.0 else 0.0,
        float(reporting and same_article and abs(a.sentence - b.sentence) == 1 and agent[0] == 1.0),
        float(same_article),
        float(same_article and a.sentence == b.sentence),
        synonym,
        synonym * story,
        float(same_article and shared_root and not reporting),
        float(a.sentence <= 1 and b.sentence <= 1),
    ]


@dataclass(frozen=True)
class Model:
    """The learned pair score: weights per feature name and the merge threshold."""

    weights: dict[str, float]
    threshold: float
    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 5.0
    max_candidates: int = 40
    cache: dict[tuple[MentionView, MentionView], float] = field(
        default_factory=dict, compare=False, repr=False
    )
    story_threshold: float = 0.0  # coverage groups: see `coverage`

    def probability(self, a: MentionView, b: MentionView) -> float:
        """p(a and b report one happening); remembered per (model, mention pair), as stored
        mentions meet every new article of their block."""
        key = (a, b) if _pair_order(a) <= _pair_order(b) else (b, a)
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) >= CACHE_PAIRS:
                _forget_oldest(self.cache)
            # computed in the key's order, whichever order it is asked in: the float sums of
            # the cosines depend on the order of the two sides in their last bits, and a
            # value cached from whichever came first made a tie (two copies of one text)
            # break by the order articles arrived in
            found = self.cache[key] = self._probability(*key)
        return found

    def _probability(self, a: MentionView, b: MentionView) -> float:
        x = features(a, b, self.idf, self.default_idf)
        z = sum(map(operator.mul, self._vector, x))  # the products and their order of NAMES
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @cached_property
    def _vector(self) -> list[float]:
        """The weights in the order of `NAMES` (0 for a feature the model has no weight for)."""
        return [self.weights.get(n, 0.0) for n in NAMES]


CACHE_PAIRS = 600_000  # pair probabilities remembered per model (~120 bytes each)


def _pair_order(v: MentionView) -> tuple[str, int, int, str, str]:
    """Where a mention stands (and its head): the two sides of a cached pair in one order."""
    return (v.doc, v.at, v.sentence, v.trigger, v.lemma)


def _forget_oldest(cache: dict[Any, float]) -> None:
    """Drop the older half of the cache (dicts keep insertion order). Clearing it all made
    the article after every 200,000th pair recompute every pair of its block at once."""
    for key in list(islice(cache, len(cache) // 2)):
        del cache[key]


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL, idf_path: Path = IDF) -> Model:
    """The shipped model (`ingest/data/coref.json`, rebuilt by bench/train_coref.py)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    idf = json.loads(idf_path.read_text(encoding="utf-8"))
    return Model(
        weights={k: float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        idf={k: float(v) for k, v in idf["idf"].items()},
        default_idf=float(idf["default"]),
        max_candidates=int(data.get("max_candidates", 40)),
        story_threshold=float(data.get("story_threshold", 0.0)),
    )


# ---------------------------------------------------------------------------------------------
# Blocking and the cluster decision


def block_keys(view: MentionView) -> frozenset[str]:
    """Index keys under which a mention's event is found again: its trigger root and its
    names ("r:announce", "e:jackman"); a candidate event shares at least one."""
    return _keys(view.root, view.entities)


def search_keys(view: MentionView) -> frozenset[str]:
    """The keys an event is filed and looked up under: its block keys and, for a typed
    happening that is no bare statement, its type ("t:CEASEFIRE"). A name as common as the
    story's protagonist is shared by dozens of events, and the newest of them crowd out the
    one the strongest name-based evidence points to (one actor's one kind of act on one day,
    `day_agent_type`): ranked by shared keys, that event comes first. Pairs are still scored
    only when they share a block key (`cluster`). A happening's verb senses are keys too
    ("s:collar.v.01" for "arrested" and "nabbed"; not for reporting verbs): the score merges
    synonyms (`root_synonym`), so the look-up must find them whichever report came first."""
    keys = block_keys(view)
    if not view.reporting:
        keys |= {f"s:{name}" for name in senses(view.root)}
    if view.type is None or view.type == STATEMENT:
        return keys
    return keys | {f"t:{view.type}"}


def filed_keys(views: Iterable[Mapping[str, Any] | None]) -> set[str]:
    """The keys an event is filed under: those of its sources' stored mention views (`coref`
    JSON; sources stored before mention views have none and add none)."""
    return {k for v in views if v for k in search_keys(MentionView.from_json(v))}


@lru_cache(maxsize=65536)
def _keys(root: str, entities: tuple[str, ...]) -> frozenset[str]:
    keys = {f"r:{root}"} if root else set()
    return frozenset(keys | {f"e:{w}" for w in _words(entities)})


def date_window(view: MentionView) -> tuple[date, date] | None:
    """The days a candidate event must overlap, or None when the mention is undated (then
    dates do not narrow the block at all). A day of slack on each side, whatever the mention:
    the stored event's date may be inferred, and the score allows it that slack."""
    if view.start is None or view.end is None:
        return None
    days = INFERRED_SLACK.days  # held at the calendar's ends (year 1, year 9999)
    return shift(view.start, -days), shift(view.end, days)


class Window:
    """The story terms (`article_terms`) of the articles of an ingest window, by article
    (`MentionView.doc`): analysed before any of them is written, so that every decision of the
    window groups its articles with the window's articles near them (`coverage`)."""

    def __init__(self, stories: Mapping[str, tuple[str, ...]]) -> None:
        self.stories = dict(stories)
        self._by_term: dict[str, list[str]] = {}
        for doc in sorted(self.stories):
            for term in self.stories[doc]:
                self._by_term.setdefault(term, []).append(doc)

    def near(
        self, stories: Mapping[str, tuple[str, ...]], model: Model
    ) -> dict[str, tuple[str, ...]]:
        """The window's other articles whose story cosine with one of `stories` reaches the
        story threshold (those that could group with one of them directly)."""
        sharing = {d for st in stories.values() for t in st for d in self._by_term.get(t, ())}
        out: dict[str, tuple[str, ...]] = {}
        for doc in sorted(sharing - set(stories)):
            mine = self.stories[doc]
            if any(
                _cosine(mine, st, model.idf, model.default_idf) >= model.story_threshold
                for st in stories.values()
            ):
                out[doc] = mine
        return out


def coverage(
    views: Sequence[MentionView], model: Model, window: Window | None = None
) -> dict[str, int]:
    """The coverage group of each article among `views`: articles that report one happening.

    Average-linkage agglomeration of the articles by story cosine (`article_terms`), merged
    while the mean cosine between two groups is at least `model.story_threshold`. Two mentions
    of articles in different groups never share an event, however alike the sentences: two
    Oscar ceremonies, two firings of one coach, are covered by two sets of reports that share
    words with each other less than reports of one happening do. Deterministic: groups are
    built from the set of articles, not their order.

    The articles of the ingest `window` near these (`Window.near`) take part in the grouping
    too (they get no group here). A decision's own articles are few, and grouping grows with
    evidence: the first report of a second happening reads like the reports of the first
    until several of its own are seen, and its siblings in the window are those."""
    stories: dict[str, tuple[str, ...]] = {}
    for v in views:
        stories.setdefault(v.doc, v.story)
    if model.story_threshold <= 0.0 or len(stories) < 2:
        return {d: 0 for d in sorted(stories)}
    grouped = {**(window.near(stories, model) if window else {}), **stories}
    docs = sorted(grouped)
    groups = _agglomerate(len(docs), _story_sims(docs, grouped, model), model.story_threshold)
    return {docs[i]: g for g, members in enumerate(groups) for i in members if docs[i] in stories}


def _story_sims(
    docs: Sequence[str], stories: Mapping[str, tuple[str, ...]], model: Model
) -> dict[tuple[int, int], float]:
    """Story cosine of every pair of `docs` (indices into it)."""
    sims: dict[tuple[int, int], float] = {}
    for x in range(len(docs)):
        for y in range(x + 1, len(docs)):
            sims[(x, y)] = _cosine(stories[docs[x]], stories[docs[y]], model.idf, model.default_idf)
    return sims


def _agglomerate(
    n: int, sims: Mapping[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-linkage groups of items 0..n-1 from pair similarities (missing pairs are 0),
    merged best pair first while the mean similarity is >= threshold; ties break on the
    smaller indices. Returns sorted groups of sorted indices.

    A heap of candidate merges, re-pushed only for the pairs a merge changes (entries of a
    cluster that has merged since are stale and skipped): the cost follows the pairs, not
    pairs times merges. A merged cluster keeps the smaller id."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (x, y), total in sims.items():
        if total > 0.0:
            links[x][y] = links[y][x] = total
    version = dict.fromkeys(range(n), 0)
    # the singletons' pairs at once (heapify, not a push each: the pop order is the order of
    # the entries, whichever way the heap was built)
    heap: list[tuple[float, int, int, int, int]] = [
        (-total, *_pair(x, y), 0, 0)
        for (x, y), total in sims.items()
        if total > 0.0 and total >= threshold
    ]
    heapq.heapify(heap)

    def push(x: int, y: int) -> None:
        x, y = _pair(x, y)
        mean = links[x][y] / (len(members[x]) * len(members[y]))
        if mean >= threshold:
            heapq.heappush(heap, (-mean, x, y, version[x], version[y]))

    while heap:
        _, x, y, vx, vy = heapq.heappop(heap)
        if x not in members or y not in members or (version[x], version[y]) != (vx, vy):
            continue  # stale: one side has merged since
        members[x] = sorted(members[x] + members.pop(y))
        links[x].pop(y)
        for k, total in links.pop(y).items():
            if k == x:
                continue
            links[x][k] = links[x].get(k, 0.0) + total
            links[k].pop(y)
            links[k][x] = links[x][k]
        version[x] += 1
        for k in links[x]:
            push(x, k)
    return sorted(members.values())


def cluster(
    views: Sequence[MentionView], model: Model, window: Window | None = None
) -> list[list[int]]:
    """Average-linkage clusters of `views` (lists of indices, each sorted, sorted by first
    index), within the coverage groups of their articles (`coverage`, with the articles of the
    ingest `window`). Deterministic and
    independent of the order of `views` up to renumbering: ties break on the views' own
    content, not on their position."""
    n = len(views)
    order = sorted(range(n), key=lambda i: _sort_key(views[i]))
    rank = {i: r for r, i in enumerate(order)}
    keys = [block_keys(v) for v in views]
    group = coverage(views, model, window)
    groups_of = [group[v.doc] for v in views]
    sums: dict[tuple[int, int], float] = {}
    for x in range(n):
        kx, gx, vx, rx = keys[x], groups_of[x], views[x], rank[x]
        for y in range(x + 1, n):
            if gx == groups_of[y] and not kx.isdisjoint(keys[y]):
                p = model.probability(vx, views[y])
                if p > 0.0:
                    sums[_pair(rx, rank[y])] = p
    groups = _agglomerate(n, sums, model.threshold)
    return sorted(sorted(order[r] for r in members) for members in groups)


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def _sort_key(v: MentionView) -> tuple[str, int, str, str]:
    return (v.doc, v.sentence, v.trigger, json.dumps(v.to_json(), sort_keys=True))


def assign_events(
    groups: Sequence[Sequence[int]], event_of: Sequence[int | None]
) -> list[int | None]:
    """For each group, the stored event it continues (the one holding most of its mentions,
    then the oldest), or None for a new event; each stored event continues at most once.
    `event_of[i]` is the stored event of mention i (None for the article's new mentions)."""
    votes: list[tuple[int, int, int]] = []  # (-count, event id, group)
    for g, members in enumerate(groups):
        counts: dict[int, int] = {}
        for i in members:
            e = event_of[i]
            if e is not None:
                counts[e] = counts.get(e, 0) + 1
        votes += [(-c, e, g) for e, c in counts.items()]
    out: list[int | None] = [None] * len(groups)
    used: set[int] = set()
    for _, e, g in sorted(votes):
        if out[g] is None and e not in used:
            out[g] = e
            used.add(e)
    return out


def top_candidates(shared: Mapping[int, int], limit: int) -> list[int]:
    """The candidate events to compare: most shared block keys first, at most `limit`."""
    return sorted(shared, key=lambda e: (-shared[e], e))[:limit]


def candidates_for(view: MentionView, found: Mapping[str, Sequence[int]], limit: int) -> list[int]:
    """The events a mention is compared with, from `found` (each block key's event ids, newest
    first): the `limit` events sharing most of its keys, and the newest `limit` sharing its
    trigger root, and those sharing a verb sense. Names are shared by much of a story ("Wen",
    "Yushu"), so ranking by names alone crowds out the one earlier report of the same act ("met
    a group of locals")."""
    shared: dict[int, int] = {}
    for ids in found.values():
        for event_id in ids:
            shared[event_id] = shared.get(event_id, 0) + 1
    chosen = set(top_candidates(shared, limit))
    chosen.update(list(found.get(f"r:{view.root}", ()))[:limit])
    synonymous = {e for key, ids in found.items() if key.startswith("s:") for e in ids}
    chosen.update(sorted(synonymous, reverse=True)[:limit])  # the newest, as for the root
    return sorted(chosen)


@dataclass(frozen=True, slots=True)
class Decision:
    """The clustering of an article's new mentions with its candidate events' mentions.

    `nodes[i]` is a mention, `owner[i]` its stored event (None for a new mention); `groups`
    are the clusters (indices into nodes) and `events[g]` the stored event group g continues
    (None: a new event). A stored event that continues no group was merged away or split.
    """

    nodes: list[MentionView]
    owner: list[int | None]
    origin: list[int]  # position of node i in its event's list (in `new` for a new mention)
    groups: list[list[int]]
    events: list[int | None]

    def compared(self) -> set[int]:
        """The stored events this decision re-clustered (the others stand as they were)."""
        return {e for e in self.owner if e is not None}


def heir(decision: Decision, old: int, final: Sequence[int]) -> int:
    """The event that a stored event continuing no group is merged into: the one that took
    most of its re-clustered mentions (ties: the lowest id). `final[g]` is the event group g
    ends up as; the mentions the decision left out follow the stored event there."""
    takers = [
        final[g]
        for g, members in enumerate(decision.groups)
        for i in members
        if decision.owner[i] == old
    ]
    counted = {e: takers.count(e) for e in takers}
    return min(counted, key=lambda e: (-counted[e], e))


def _within_reach(new: Sequence[MentionView], members: Sequence[MentionView], model: Model) -> bool:
    """Whether some new mention's mean probability with the event's mentions reaches half
    the threshold (an event below that for every new mention cannot change by this article)."""
    member_keys = [block_keys(m) for m in members]  # once per event, not per new mention
    for v in new:
        keys = block_keys(v)
        total = sum(
            model.probability(v, m) for m, k in zip(members, member_keys, strict=True) if keys & k
        )
        if total / len(members) >= model.threshold / 2:
            return True
    return False


MAX_MEMBERS = 16  # mentions of one stored event that a decision re-clusters


def representatives(members: Sequence[MentionView]) -> list[int]:
    """Positions of the mentions of a stored event that stand for it in a decision: all of
    them up to MAX_MEMBERS, else MAX_MEMBERS spread evenly over the mentions in a fixed order
    (article, sentence, offset: a choice that does not depend on the order of ingestion).
    A much-reported happening gains mentions with every report; re-clustering all of them
    with every new article made an article's cost grow with the size of its events (the
    pairs, quadratically), while the mean score over an even sample says about the same. The
    mentions left out follow their event (moved with it when it is merged away)."""
    n = len(members)
    if n <= MAX_MEMBERS:
        return list(range(n))
    order = sorted(range(n), key=lambda p: _identity(members[p]))
    return sorted(order[(k * n) // MAX_MEMBERS] for k in range(MAX_MEMBERS))


def _identity(v: MentionView) -> tuple[str, int, int, str]:
    return (v.doc, v.sentence, v.at, v.trigger)


def resolve(
    new: Sequence[MentionView],
    stored: Mapping[int, Sequence[MentionView]],
    model: Model,
    window: Window | None = None,
) -> Decision:
    """Re-cluster the candidate events' mentions together with the new ones, from singletons,
    so an earlier merge is undone when the new evidence says so (order does not matter).
    Candidate events out of every new mention's reach are left out (`_within_reach`).
    `window`: the articles of the ingest window (`Window`, for the coverage groups)."""
    nodes: list[MentionView] = []
    owner: list[int | None] = []
    origin: list[int] = []
    for event_id in sorted(stored):
        members = stored[event_id]
        chosen = representatives(members)
        if not _within_reach(new, [members[p] for p in chosen], model):
            continue  # no new mention comes near it: its clustering stands as it is
        for position in chosen:
            nodes.append(members[position])
            owner.append(event_id)
            origin.append(position)
    nodes += new
    owner += [None] * len(new)
    origin += list(range(len(new)))
    groups = cluster(nodes, model, window)
    return Decision(nodes, owner, origin, groups, assign_events(groups, owner))
