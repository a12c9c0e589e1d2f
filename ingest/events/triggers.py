"""Which words name a happening: lexicon triggers, the main trigger of a sentence, eventive
nouns.

The lexicon (`ingest/data/event_types.toml`) types the words it knows. Which of them heads
the sentence's main clause is decided by position and part of speech: not an infinitive ("to
discuss"), not a participle describing a noun ("territories claimed by Moscow"), not a word
inside a quotation or relative clause. A noun the lexicon does not know still names a
happening when it is a nominalisation of a verb ("explosion", "arrival") or one of the
eventive nouns of `grammar.toml` ("earthquake", "ceremony").
"""

from __future__ import annotations

from ingest.events.clauses import inside
from ingest.events.model import Hit, Sentence
from ingest.events.words import (
    AUXILIARIES,
    BARE_VERB_CONTEXT,
    BE_FORMS,
    EVENTIVE_NOUNS,
    EVENTIVE_SUFFIXES,
    FINITE,
    HYPOTHETICAL,
    INTENT_VERBS,
    MOVEMENT_TYPE,
    MOVEMENT_VERBS,
    NEGATIONS,
    NON_EVENT_VERBS,
    NOT_EVENTIVE,
    NP_STOP,
)
from ingest.lemmas import root
from ingest.lexicon import Lexicon, Trigger
from ingest.text.tokens import Token


def find_triggers(tokens: list[Token], lex: Lexicon, blocked: list[tuple[int, int]]) -> list[Hit]:
    """Lexicon triggers in token order, longest phrase first, outside blocked char spans."""
    hits: list[Hit] = []
    i = 0
    while i < len(tokens):
        if any(s <= tokens[i].start < e for s, e in blocked):
            i += 1
            continue
        for n in range(min(lex.max_phrase, len(tokens) - i), 1, -1):
            words = tuple(t.lower for t in tokens[i : i + n])
            if words in lex.phrases:
                hits.append(Hit(i, i + n - 1, lex.phrases[words]))
                i += n
                break
        else:
            trig = lex.words.get(tokens[i].lower)
            if trig is not None:
                hits.append(Hit(i, i, trig))
            i += 1
    return hits


def eventive_noun(lemma: str, event_verbs: frozenset[str], verbs: frozenset[str]) -> bool:
    """Whether a noun (its lemma) names a happening: a listed eventive noun, an event verb of
    the lexicon used as a noun ("the attack", "a visit"), or a nominalisation whose stem is a
    verb ("explosion" <- explode, "arrival" <- arrive, "shooting" <- shoot)."""
    lemma = lemma.lower()
    if lemma in NOT_EVENTIVE:
        return False
    if lemma in EVENTIVE_NOUNS or lemma in event_verbs:
        return True
    for suffix, endings in EVENTIVE_SUFFIXES:
        if lemma.endswith(suffix) and len(lemma) - len(suffix) >= 3:
            stem = lemma[: -len(suffix)]
            candidates = [stem + e for e in endings]
            if suffix == "ing" and len(stem) > 3 and stem[-1] == stem[-2]:
                candidates.append(stem[:-1])  # "running" -> run
            return any(c in verbs for c in candidates)
    return False


def movement_type(word: str) -> str | None:
    """The type of a verb of going somewhere or of its noun ("rushed", "arrival", "flight"),
    for a mention the lexicon leaves untyped; None for any other word."""
    return MOVEMENT_TYPE if root(word.lower()) in MOVEMENT_VERBS else None


def main_trigger(s: Sentence, hits: list[Hit]) -> Hit | None:
    """The first verb trigger that heads a clause of its own: not an infinitive ("to
    discuss"), not a participle modifying a noun ("territories claimed by Moscow"), not a
    participial add-on (", saying ...")."""
    tokens = s.tokens
    for hit in hits:
        start = tokens[hit.first].start
        if (
            _infinitive(tokens, hit.first)
            or _coordinated_infinitive(s, start)
            or inside(start, s.quoted)  # what was said, not who said it
            or inside(start, s.relative)  # describes a noun of the sentence
        ):
            continue
        tag = s.tags.get(tokens[hit.first].start, "")
        if hit.trigger.pos == "noun" and not (tag in FINITE or tag == "VB"):
            continue  # a noun trigger counts as a verb only when tagged as one ("will visit")
        if tag.startswith("NN"):
            continue  # "state television", "in remarks"
        if hit.trigger.type == "REPORT" and _passive_hedge(tokens, hit):
            continue
        if tag == "VBN" and not after_auxiliary(tokens, hit.first):
            continue  # "a statement released today": a participle describing a noun
        if hit.trigger.pos != "phrase" and (
            _passive_modifier(tokens, hit.first)
            or participle_clause(tokens, hit.first)
            or (not tag and _bare_noun_like(tokens, hit))
        ):
            continue
        return hit
    for hit in hits:  # only a participle reports anything: "..., suggesting that ..."
        if (
            hit.trigger.type == "REPORT"
            and participle_clause(tokens, hit.first)
            and not inside(tokens[hit.first].start, s.quoted)
        ):
            return hit
    return None


def dated_action(s: Sentence, dated_count: int) -> Hit | None:
    """A verb the lexicon does not know still reports a happening when someone does it at a
    stated time ("The central bank raised rates on Wednesday", "Talks broke off last night"):
    the first finite verb (or "will"/passive verb group) after the subject, in a sentence with
    a dated expression. Needs part-of-speech tags (or an unambiguous past form) so that nouns
    are never taken for verbs; the caller then requires a subject and a date of the verb's own
    clause."""
    if not dated_count:
        return None
    tokens = s.tokens
    start = s.named[0].end if s.named else (tokens[0].end if tokens else 0)
    for i, tok in enumerate(tokens):
        if tok.start < start or tok.lower in NON_EVENT_VERBS:
            continue
        if inside(tok.start, s.quoted) or inside(tok.start, s.relative):
            continue
        tag = s.tags.get(tok.start, "")
        previous = tokens[i - 1].lower if i else ""
        if s.tags:
            finite = tag in FINITE or (tag == "VB" and previous in {"will", "shall"})
            passive = tag == "VBN" and previous in AUXILIARIES
        else:
            finite = tok.lower.endswith("ed") and len(tok.lower) > 4
            passive = False
        if (finite or passive) and not negated(tokens, i):
            if previous in HYPOTHETICAL:
                return None
            return Hit(i, i, Trigger(s.lex.fallback_type, "verb", tok.lower))
    return None


def negated(tokens: list[Token], first: int) -> bool:
    """A negation in the three words before a trigger: its own clause's verb group."""
    window = [t.lower for t in tokens[max(0, first - 3) : first]]
    return any(w in NEGATIONS or w.endswith("n't") for w in window)


def noun_or_verb(s: Sentence, hit: Hit) -> bool:
    """With tags, a trigger word used as an adjective ("open to talks") does not count."""
    tag = s.tags.get(s.tokens[hit.first].start, "")
    return not tag or tag.startswith(("NN", "VB"))


def after_auxiliary(tokens: list[Token], first: int) -> bool:
    """ "was sworn in", "has been released", "had quickly agreed": a verb group."""
    window = [t.lower for t in tokens[max(0, first - 3) : first]]
    return any(w in AUXILIARIES or w.endswith("'s") for w in window)


def participle_clause(tokens: list[Token], first: int) -> bool:
    """ "..., saying they would", "Asked about it, ...": not the main verb."""
    word = tokens[first].lower
    if first == 0:
        return word.endswith(("ing", "ed"))
    return word.endswith("ing") and tokens[first - 1].text in {",", ";"}


def is_definite(tokens: list[Token], first: int) -> bool:
    return any(t.lower == "the" for t in tokens[max(0, first - 3) : first])


def _infinitive(tokens: list[Token], first: int) -> bool:
    """ "to discuss" is content, unless a plan stands before it ("plan to meet again")."""
    if first == 0 or tokens[first - 1].lower != "to":
        return False
    return not (first >= 2 and tokens[first - 2].lower in INTENT_VERBS)


def _coordinated_infinitive(s: Sentence, start: int) -> bool:
    """ "arrived Thursday ... to check on rescue work and meet survivors": a verb coordinated
    with an infinitive is one too, the purpose of the clause's verb (needs the parse)."""
    words = s.parse
    if not words:
        return False
    i = next((k for k, w in enumerate(words) if w.start == start), None)
    if i is None or words[i].dep != "conj" or words[i].tag != "VB":
        return False
    head = words[i].head
    return any(
        w.head == head and w.dep == "aux" and w.text.lower() == "to"
        for k, w in enumerate(words)
        if k != head
    )


def _passive_hedge(tokens: list[Token], hit: Hit) -> bool:
    """ "are reported to have swayed", "is said to be": nobody is speaking here."""
    before = tokens[hit.first - 1].lower if hit.first else ""
    after = tokens[hit.last + 1].lower if hit.last + 1 < len(tokens) else ""
    return before in BE_FORMS and after == "to"


def _passive_modifier(tokens: list[Token], first: int) -> bool:
    """ "claimed by Moscow" after a noun, as opposed to "was claimed by Moscow"."""
    follows_by = first + 1 < len(tokens) and tokens[first + 1].lower == "by"
    auxiliary = first > 0 and tokens[first - 1].lower in AUXILIARIES
    return follows_by and not auxiliary


def _bare_noun_like(tokens: list[Token], hit: Hit) -> bool:
    """A base form ("state", "report", "attack") is a verb only after a modal, "to" or a
    plural pronoun; otherwise it is the noun ("state television"). Likewise an -s form after
    a determiner or preposition is a plural noun ("in remarks on Sunday")."""
    word = tokens[hit.first].lower
    previous = tokens[hit.first - 1].lower if hit.first else ""
    if word == hit.trigger.lemma + "s":  # "in remarks", "the reports": a plural noun
        return previous in NP_STOP
    if word != hit.trigger.lemma:
        return False
    return previous not in BARE_VERB_CONTEXT
