"""Who did it: the agent of a trigger, from the actors the sentence names.

Actors are resolved, not just matched (`ingest/actors.py` holds the alias table and the
article's memory): "by X" after a passive verb, the actors in the subject before the trigger,
"the president" or "the 72-year-old" to the person the article introduced, "he"/"she" to the
last agent, a role noun ("the foreign ministry") as an actor of its own. Common nouns are never
agents unless nothing else is there and they form a short subject ("Turkish authorities").
"""

from __future__ import annotations

import re

from ingest.events.clauses import clause_start, inside
from ingest.events.model import Hit, Sentence
from ingest.events.words import (
    ADVERBIALS,
    AUXILIARIES,
    BE_FORMS,
    FUTURE,
    GENERIC_SUBJECTS,
    HYPOTHETICAL,
    NP_STOP,
    PRONOUNS,
)


def agents_of(s: Sentence, main: Hit) -> list[str] | None:
    """Who did it: "by X" after a passive verb, the actors in the subject before the trigger,
    else the nearest actor before it, else one right after it ("said Peskov"), else the person
    last spoken of. None for generic subjects ("critics argue")."""
    tokens, text, named = s.tokens, s.text, s.named
    start_char = tokens[main.first].start
    start = clause_start(tokens, main.first)
    by_agent = _passive_agent(s, main)
    if by_agent:
        return by_agent
    subject = [
        m
        for m in named
        if start <= m.start and m.end <= start_char and not inside(m.start, s.relative)
    ]
    subject_tokens = [t.lower for t in tokens if start <= t.start < start_char]
    if subject:
        owned = possessed_role(s, subject[-1].start, subject[-1].end, start_char)
        return [owned] if owned else list(dict.fromkeys(m.name for m in subject))
    heads = [w for w in subject_tokens if w not in ADVERBIALS and w.isalpha()]
    if heads and heads[-1] in GENERIC_SUBJECTS:
        return None  # "Critics argue", "Some say": opinion (but "Some 12,000 nurses" act)
    subject_text = re.sub(
        r"\b(?:" + "|".join(ADVERBIALS) + r")\b", "", text[start:start_char], flags=re.I
    )
    titled = s.state.actors.by_title(subject_text) or described_person(s, subject_text)
    if titled:
        return [titled]  # "The president also promised": the president named earlier
    role = _role_subject(s, text[start:start_char])
    if role:
        return [role]
    # "Duma Boko, the leader of X, which won ..., was sworn in": the subject opens the
    # sentence and the clause in between only describes it.
    opening = [
        m
        for m in named
        if m.end <= start_char
        and not inside(m.start, s.relative)
        and "," not in text[: m.start]
        and m.start == len(text[: m.start]) - len(text[: m.start].lstrip())
    ]
    if opening:
        return [opening[0].name]
    if set(subject_tokens) & PRONOUNS and s.state.last_agents:
        return list(s.state.last_agents)
    after = [
        m
        for m in named
        if m.start >= tokens[main.last].end and not text[tokens[main.last].end : m.start].strip()
    ]
    if after:
        return [after[0].name]
    before = [m for m in named if m.end <= start_char and not inside(m.start, s.relative)]
    if before:
        return [before[-1].name]
    return []


_POSSESSED = re.compile(r"(\s*['’]s)?\s+((?:[a-z][\w-]*\s+){0,5}[a-z][\w-]*)\s*,?\s*")


def possessed_role(s: Sentence, start: int, end: int, until: int) -> str | None:
    """ "Malawi's election commission said": a name that only owns the subject, whose head
    is a role noun (no person's title), is not the actor; the phrase is ("Malawi's election
    commission"). `start`/`end` are the name's span, `until` where the subject ends."""
    name = s.text[start:end]
    m = _POSSESSED.fullmatch(s.text[end:until])
    owner = name.endswith(("'s", "’s"))  # the name matcher may take the 's along
    if m is None or not (owner or m.group(1)):
        return None
    words = m.group(2).split()
    while words and words[-1] in ADVERBIALS | AUXILIARIES | HYPOTHETICAL | FUTURE:
        words = words[:-1]
    table = s.state.actors.table
    last2 = " ".join(words[-2:])
    role = bool(words) and (words[-1] in table.roles or last2 in table.roles)
    if not role or words[-1] in table.titles or last2 in table.titles:
        return None
    return (name if owner else name + "'s") + " " + " ".join(words)


_YEAR_OLD = re.compile(r"\d+-year-old")


def described_person(s: Sentence, phrase: str) -> str | None:
    """ "the Lao leader", "the 72-year-old": a definite description of a person (a person
    title or an age as its head) means the last person the article named."""
    words = re.findall(r"[\w'’-]+", phrase.lower())
    if len(words) < 2 or len(words) > 4 or words[0] != "the":
        return None
    head = words[-1]
    titles = s.state.actors.table.titles
    if _YEAR_OLD.fullmatch(head) or head in titles or " ".join(words[-2:]) in titles:
        return s.state.last_person
    return None


def _passive_agent(s: Sentence, main: Hit) -> list[str] | None:
    """ "was declared president-elect by the commission": the agent follows "by"."""
    tokens = s.tokens
    before = [t.lower for t in tokens[max(0, main.first - 2) : main.first]]
    if not BE_FORMS & set(before) or main.trigger.type == "REPORT":
        return None
    for i in range(main.last + 1, min(len(tokens), main.last + 8)):
        if tokens[i].text in {",", ";"}:
            return None
        if tokens[i].lower == "by":
            after = [m for m in s.named if m.start >= tokens[i].end][:1]
            if after and len(s.text[tokens[i].end : after[0].start].split()) <= 1:
                return [after[0].name]
    return None


def subject_phrase(s: Sentence, main: Hit) -> str | None:
    """The unnamed subject as the actor: "Turkish authorities updated ..." -> "Turkish
    authorities". Short noun phrases only; pronouns and clauses are not actors."""
    tokens = s.tokens
    start = clause_start(tokens, main.first)
    subject = "".join(
        ch if not inside(i, s.relative) else " "
        for i, ch in enumerate(s.text[: tokens[main.first].start])
    )[start:]
    words = re.findall(r"[\w'’.-]+", subject)
    while words and words[0].lower() in NP_STOP | ADVERBIALS:
        words = words[1:]
    while words and words[-1].lower() in ADVERBIALS | AUXILIARIES | HYPOTHETICAL | FUTURE:
        words = words[:-1]
    if not words or len(words) > 5 or words[0].lower() in PRONOUNS | {"it", "there", "this"}:
        return None
    phrase = " ".join(words)
    return phrase[:1].upper() + phrase[1:]


def _role_subject(s: Sentence, subject: str) -> str | None:
    """An unnamed subject that is still an actor: "The foreign ministry said ..." ->
    "Foreign Ministry". Only short noun phrases ending in a role noun qualify."""
    words = re.findall(r"[A-Za-z'’-]+", subject)
    while words and words[0].lower() in NP_STOP | {"however", "meanwhile", "also"}:
        words = words[1:]
    while words and words[-1].lower() in {"also", "had", "has", "have", "was", "were"}:
        words = words[:-1]
    if not words or len(words) > 4:
        return None
    lower = [w.lower() for w in words]
    roles = s.state.actors.table.roles
    if lower[-1] in roles or " ".join(lower[-2:]) in roles:
        return " ".join(w[:1].upper() + w[1:] for w in words)
    return None
