"""Which way a relative expression points, read from the words around it.

"said on Friday" is the Friday before the DCT, "will travel ... on Wednesday" the one after.
Without a parser we look for the nearest tense cue in the same clause: a future modal or
planning phrase, or a past-tense verb (irregular, or regular -ed that is not a passive
participle after "be": "to be completed by Dec. 15" looks forward, "was completed" back).
"""

from __future__ import annotations

import re

from ingest.temporal.lexicon import (
    FUTURE_CUES,
    INTENTION_VERBS,
    IRREGULAR_PAST,
    NOT_PAST_ED,
    PRESENT_PLAN_VERBS,
)

PAST = -1
UNKNOWN = 0
FUTURE = 1

# Clause boundaries: ; : ! ? quotes, and a full stop after a lower-case word or a number
# ("... until April 2. The court ...", "in 2014."), so "Daniel P. Davison", "U.S." and "3.8"
# do not end the clause.
_WORD = re.compile(r"[A-Za-z']+|\d+(?:[.,]\d+)*|[;:!?\"“”`]|(?:(?<=[a-z]{2})|(?<=\d))\.(?=\s)")
_BOUNDARY = frozenset(';:!?"“”.`')
# "to" + a lower-case word that is not a determiner or number looks forward: "agreed to
# acquire ... in January", "to start trading in November".
_NOT_VERB_AFTER_TO = frozenset(
    """the a an its his her their our your my this that these those some any all each every
    no one two three four five six seven eight nine ten date be about around nearly more less
    over under up down new date""".split()
)
_WINDOW = 90  # characters looked at on each side
# A future modal anywhere earlier in the clause outweighs a nearer participle.
_STRONG_FUTURE = frozenset(
    {"will", "'ll", "shall", "would", "tomorrow", "next", "upcoming", "going"}
)
# "next" / "coming" after "the" count from the narrated time, not from now.
_ANAPHORIC_AFTER_THE = frozenset({"next", "coming"})
_SUBORDINATORS = frozenset({"following", "after", "since", "during", "despite", "amid"})
# Of these, the ones whose phrase happened before the clause it modifies: with no tense cue
# of its own ("after flying to Yushu from Beijing Thursday afternoon") the phrase shares the
# tense of that clause's finite verb ("pledged"), not of an infinitive in between ("not to
# give up"), which points ahead of its own verb only.
_ANTERIOR = frozenset({"following", "after", "since"})
# Future cues that are nouns after these words: "while there is hope", "their aim".
_NOUN_CUES = frozenset({"hope", "hopes", "aim", "aims", "expectation", "expectations"})
_NOUN_BEFORE = frozenset(
    "the a an no some any little much new is was are were there of his her their its our my "
    "your with without".split()
)
_BE = frozenset({"be", "been", "being", "is", "are", "am", "'s", "get", "gets"})
_PAST_BE = frozenset({"was", "were", "had"})
# "has" / "have" look back only as the perfect's auxiliary ("has announced", "have already
# been"); as a main verb they are present: "the company has no estimate of fourth-quarter
# results" says nothing of a past quarter.
_PERFECT_AUX = frozenset({"has", "have", "'ve"})
_PARTICIPLES = frozenset(
    """been gone taken given seen done known shown written begun broken chosen spoken fallen
    risen driven eaten forgotten frozen hidden ridden stolen sworn thrown worn woken grown
    drawn flown blown withdrawn undertaken overtaken mistaken forbidden forgiven shaken
    struck put cut set hit let quit cost hurt shut spread come become run overcome read
    beaten bitten bidden hung lain sung sunk slain spun sprung stunk sworn torn""".split()
)
_ADVERBS_IN_PERFECT = frozenset("already also just not never since yet recently now long".split())
# After these a plan verb is an infinitive or a noun, not a present tense: "to meet", "the
# start", "a visit", "did return", "has begun" (those cues are read on their own).
_NOT_PRESENT_BEFORE = frozenset(
    "to the a an its his her their our this that did does do didn't doesn't don't".split()
)
# Words that look forward only when followed by "to"/"for": "plans to", "set to".
_FUTURE_BEFORE_TO = frozenset({"plans", "plan", "planning", "set", "scheduled", "is", "are",
                               "poised", "prepared", "likely", "slated", "supposed"})  # fmt: skip


def _cue(words: list[str], i: int, plans: bool = False) -> int:
    """Tense cue of words[i], looking at its neighbours for participles and 'plans to'; with
    `plans`, a present-tense verb of a scheduled event ("meets", "expires") looks forward."""
    word = words[i]
    w = word.lower()
    nxt = words[i + 1].lower() if i + 1 < len(words) else ""
    prev = words[i - 1].lower() if i > 0 else ""
    if w in _FUTURE_BEFORE_TO:
        if nxt == "to" or (nxt == "for" and w in ("scheduled", "set", "slated")):
            return FUTURE
        return PAST if w == "set" and nxt not in ("to", "for") else UNKNOWN
    if w in FUTURE_CUES:
        if w in _ANAPHORIC_AFTER_THE and prev == "the":
            return UNKNOWN  # "the next day", "the following week": counted from the story
        if w in _NOUN_CUES and prev in _NOUN_BEFORE:
            return UNKNOWN  # "while there is hope": a noun, no tense
        return FUTURE
    if plans and w in PRESENT_PLAN_VERBS and word[0].islower() and prev not in _NOT_PRESENT_BEFORE:
        return FUTURE if w != "due" or nxt != "to" else UNKNOWN  # not "due to the strike"
    raw_next = words[i + 1] if i + 1 < len(words) else ""
    verb_like = raw_next[:1].islower() and (not nxt.endswith(("ing", "s")) or nxt.endswith("ss"))
    if w == "to" and verb_like and nxt not in _NOT_VERB_AFTER_TO:
        ahead = prev in INTENTION_VERBS or prev in _FUTURE_BEFORE_TO
        if not ahead and _is_past_form(words[i - 1] if i > 0 else ""):
            # A purpose infinitive shares its past verb's time: "protesters gathered to
            # demand his release on Friday" is last Friday; "agreed to meet on Friday" is not.
            return PAST
        return FUTURE
    is_past_form = w in IRREGULAR_PAST or (
        len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED and word[0].islower()
    )
    if is_past_form:
        if prev in _BE:
            before = words[i - 2].lower() if i > 1 else ""
            return FUTURE if before in ("to", "will", "would") else UNKNOWN
        return PAST
    if w in _PAST_BE:
        return PAST
    if w in _PERFECT_AUX:
        following = [x.lower() for x in words[i + 1 : i + 4]]
        while following and following[0] in _ADVERBS_IN_PERFECT:
            following.pop(0)
        if following and _is_participle(following[0]):
            return PAST
        return UNKNOWN
    if w in ("ago", "last", "yesterday", "earlier"):
        return PAST
    return UNKNOWN


_REFUSED = frozenset(
    "say comment confirm deny discuss elaborate disclose reveal speculate identify name".split()
)


def _refusal(words: list[str], i: int) -> bool:
    """'would not say', "wouldn't comment": news reports a refusal in the past this way."""
    nxt = [w.lower() for w in words[i + 1 : i + 3]]
    return (
        words[i].lower() == "would"
        and len(nxt) == 2
        and nxt[0] in ("not", "n't")
        and (nxt[1] in _REFUSED)
    )


def _is_past_form(word: str) -> bool:
    w = word.lower()
    return w in IRREGULAR_PAST or (
        len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED and word[:1].islower()
    )


def _is_participle(w: str) -> bool:
    return (
        w in _PARTICIPLES
        or w in IRREGULAR_PAST
        or (len(w) > 4 and w.endswith("ed") and w not in NOT_PAST_ED)
    )


def _finite_tense(words: list[str], plans: bool) -> int:
    """The tense of the clause `words` (read backwards) by its finite verb or a future word:
    an infinitive's "to" is skipped, it looks ahead of its own verb, not of now ("pledged not
    to give up" is a past pledge)."""
    for i in range(len(words) - 1, -1, -1):
        w = words[i].lower()
        if w in _STRONG_FUTURE and not (
            w in _ANAPHORIC_AFTER_THE and i > 0 and words[i - 1].lower() == "the"
        ):
            return FUTURE
        if w == "to":
            continue
        cue = _cue(words, i, plans)
        if cue != UNKNOWN:
            return cue
    return UNKNOWN


def tense_at(text: str, begin: int, end: int, plans: bool = False) -> int:
    """PAST, FUTURE or UNKNOWN for the expression text[begin:end].

    `plans` lets present-tense verbs of scheduled events count as future: right for a day
    ("meets Monday", "expires May 15"), too bold for a month or a season, which headlines
    report in the historical present ("Sales rise in March").

    Cues before the expression win over cues after it; the nearest cue wins on each side,
    except that a future modal anywhere in the preceding clause ("will ... travel to London on
    Wednesday") beats a participle in between.
    """
    before = _WORD.findall(text, max(0, begin - _WINDOW), begin)
    cut = max((i for i, w in enumerate(before) if w in _BOUNDARY), default=-1)
    before = before[cut + 1 :]
    # A phrase opened by "following", "after", "during" ... has its own tense: in "would
    # consider more ceasefires after a truce declared over the weekend" the participle, not
    # the modal, says when the weekend was. Only a cue inside the phrase counts this way.
    sub = max((i for i, w in enumerate(before) if w.lower() in _SUBORDINATORS), default=-1)
    if sub >= 0:
        for i in range(len(before) - 1, sub, -1):
            cue = _cue(before, i, plans)
            if cue != UNKNOWN:
                return cue
        if before[sub].lower() in _ANTERIOR:
            governing = _finite_tense(before[:sub], plans)
            if governing != UNKNOWN:
                return governing
    nearest = UNKNOWN
    nearest_at = -1
    for i in range(len(before) - 1, -1, -1):
        w = before[i].lower()
        if w in _STRONG_FUTURE and not (
            w in _ANAPHORIC_AFTER_THE and i > 0 and before[i - 1].lower() == "the"
        ):
            if _refusal(before, i):
                return PAST  # "officials would not say Friday whether ...": a past refusal
            return FUTURE
        if nearest == UNKNOWN:
            nearest = _cue(before, i, plans)
            nearest_at = i
            if nearest == PAST and (w in IRREGULAR_PAST or w in _PAST_BE):
                # A finite past verb nearer the expression governs it: in "the company,
                # which will report next week, said Friday" Friday is when it said so.
                return PAST
    if nearest == FUTURE and "had" in (w.lower() for w in before[max(0, nearest_at - 3) :]):
        return PAST  # past perfect: "had been scheduled to expire Friday"
    if nearest != UNKNOWN:
        return nearest
    after = _WORD.findall(text, end, min(len(text), end + _WINDOW))
    for i, word in enumerate(after):
        if word in _BOUNDARY:
            break
        cue = _cue(after, i, plans)
        if cue != UNKNOWN:
            return cue
    return UNKNOWN
