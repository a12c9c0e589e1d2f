"""The log line of a clause-level mention, from the parse: a dependent clause is no sentence
("telling reporters that they had been rigged", "having been reelected", "to fight
corruption", "which has now entered its fourth year"), so its title is given the subject the
sentence gives it ("Tembo tells reporters ...", "Bingu wa Mutharika has been reelected ...",
"Mutharika to fight corruption", "The war has now entered its fourth year"), and a
complementizer that only joins it to its sentence ("that", "because") is dropped.
"""

from __future__ import annotations

from ingest.events.titles import third_person
from ingest.events.words import CLAUSE_OPENERS
from ingest.text.nlp import Word, subtree

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
# The words of a noun phrase before its head that belong in a title ("the war", "the
# opposition"), not the clauses and appositions after it.
NOUN_PREFIX_DEPS = frozenset({"det", "amod", "compound", "poss", "nummod", "case", "nmod"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
# A non-finite clause opener and the finite word a title puts in its place.
FINITE_OF = {"having": "has", "being": "is"}
PLURAL_OF = {"has": "have", "is": "are"}
MAX_SUBJECT_WORDS = 6


def clause_title(
    text: str,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    lo: int,
    hi: int,
    agents: list[str],
    named: list[tuple[int, int]] = [],  # noqa: B006 - read only
) -> str:
    """The clause text from `lo` to `hi`, given a subject when it has none of its own; `named`
    are the spans of the actors the sentence names (a parse may split a name)."""
    first = next((j for j, w in enumerate(words) if w.start == lo), None)
    if first is None:
        return text[lo:hi]
    head, lead = words[i], words[first]
    for c in children[i]:  # what was said or meant: "telling reporters that they had been ..."
        if c > i and words[c].dep == "ccomp":
            hi = max(hi, *(words[j].end for j in subtree(children, c)))
    has_subject = any(words[c].dep in SUBJECT_DEPS for c in children[i])
    rest = text[lead.end : hi]
    if lead.dep == "mark" and lead.text.lower() in CLAUSE_OPENERS and has_subject:
        return text[lead.end : hi].lstrip()  # "that our food production levels increase"
    if (
        head.dep == "relcl"
        and lead.text.lower() in RELATIVE_PRONOUNS
        and lead.dep in SUBJECT_DEPS
        and words[head.head].pos in {"NOUN", "PROPN"}
    ):
        return noun_phrase(text, words, children, head.head) + rest
    if has_subject:
        return text[lo:hi]
    subject, plural = _subject(text, words, children, i, agents, named)
    if not subject:
        return text[lo:hi]
    low = lead.text.lower()
    if first == i and lead.tag == "VBG":
        verb = lead.lemma.lower()
        return f"{subject} {verb if plural else third_person(verb)}{rest}"  # "telling": "tells"
    if low in FINITE_OF and lead.head == i:
        finite = PLURAL_OF[FINITE_OF[low]] if plural else FINITE_OF[low]
        return f"{subject} {finite}{rest}"  # "having been reelected": "has been reelected"
    if low == "to" and lead.tag == "TO":
        return f"{subject} {text[lo:hi]}"  # "Mutharika to fight corruption"
    if first == i and lead.tag == "VB" and head.dep == "conj" and _infinitive(words, children, i):
        return f"{subject} to {text[lo:hi]}"  # "to check on rescue work and meet survivors"
    return text[lo:hi]


def _subject(
    text: str,
    words: tuple[Word, ...],
    children: list[list[int]],
    i: int,
    agents: list[str],
    named: list[tuple[int, int]],
) -> tuple[str, bool]:
    """Who the subjectless clause is about, and whether that is plural: the noun a participle
    describes ("Summits involving leaders"), else the subject of the clause it depends on as
    written ("nurses and Twin Cities hospitals failed ... to reach"), else its agents."""
    head = words[i]
    if head.dep == "acl" and words[head.head].pos in {"NOUN", "PROPN"}:
        n: int | None = head.head
    else:
        n = governing_subject(words, children, i)
    if n is not None:
        name = [(a, b) for a, b in named if a <= words[n].start < b]
        phrase = text[name[0][0] : name[0][1]] if name else noun_phrase(text, words, children, n)
        if len(phrase.split()) <= MAX_SUBJECT_WORDS:
            conj = any(words[c].dep == "conj" for c in children[n])
            return phrase, conj or _plural(words[n])
    few = agents[:2]
    return " and ".join(few), len(few) > 1


def _plural(w: Word) -> bool:
    """A plural noun: tagged so and its lemma another word ("results" -> "result"; the
    tagger calls a name like "Tembo" NNS, but its lemma is itself)."""
    return w.tag in {"NNS", "NNPS"} and w.lemma.lower() != w.text.lower()


def _infinitive(words: tuple[Word, ...], children: list[list[int]], i: int) -> bool:
    """Whether the verb a bare conjunct hangs on is a to-infinitive."""
    h = words[i].head
    return h != i and any(words[c].tag == "TO" for c in children[h])


def noun_phrase(text: str, words: tuple[Word, ...], children: list[list[int]], n: int) -> str:
    """A noun with the words before it that name it ("the war", "Russia's invasion") and the
    nouns coordinated with it ("nurses and Twin Cities hospitals"), without the clauses,
    appositions and prepositional phrases after it."""
    lo, hi = words[n].start, words[n].end
    for c in children[n]:
        before = c < n and words[c].dep in NOUN_PREFIX_DEPS
        if before or (c > n and words[c].dep in {"cc", "conj"}):
            sub = subtree(children, c) if before else _conjunct(words, children, c)
            lo = min(lo, *(words[j].start for j in sub))
            hi = max(hi, *(words[j].end for j in sub))
    return text[lo:hi]


def _conjunct(words: tuple[Word, ...], children: list[list[int]], c: int) -> list[int]:
    """A coordinated noun with the words before it (not its own clauses or phrases)."""
    return [c] + [
        j
        for k in children[c]
        if k < c and words[k].dep in NOUN_PREFIX_DEPS
        for j in subtree(children, k)
    ]


def governing_subject(words: tuple[Word, ...], children: list[list[int]], i: int) -> int | None:
    """The subject of the clause this one depends on, when it is a noun and no pronoun
    ("The opposition has contested ... and boycotted": "The opposition")."""
    j = i
    for _ in range(4):
        h = words[j].head
        if h == j:
            return None
        j = h
        for c in children[j]:
            if words[c].dep in {"nsubj", "nsubjpass"}:
                if words[c].pos not in {"NOUN", "PROPN"}:
                    return None  # a pronoun: the agents say whom it means
                return c
    return None


def written_subject(text: str, words: tuple[Word, ...] | None, at: int) -> str:
    """The subject of the verb at character `at` as the sentence writes it, when it names no
    actor ("The bank, which ..., also had indicated": "The bank"; "a spokesperson for the 14
    affected hospitals issued a statement saying": "a spokesperson"), for a title's subject;
    "" without a parse or a short noun subject."""
    if words is None:
        return ""
    i = next((k for k, w in enumerate(words) if w.start == at), None)
    if i is None:
        return ""
    children: list[list[int]] = [[] for _ in words]
    for k, w in enumerate(words):
        if w.head != k:
            children[w.head].append(k)
    own = [c for c in children[i] if words[c].dep in {"nsubj", "nsubjpass"}]
    if own and words[own[0]].pos not in {"NOUN", "PROPN"}:
        return ""
    n = own[0] if own else governing_subject(words, children, i)
    if n is None:
        return ""
    phrase = noun_phrase(text, words, children, n)
    return phrase if len(phrase.split()) <= MAX_SUBJECT_WORDS else ""
