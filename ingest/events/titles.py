"""The log line of a mention: "Vladimir Putin says Moscow is open to ..." for reported
speech, the main clause without leading adverbials otherwise; and what a trailing reporting
verb reports (“...,” he said).
"""

from __future__ import annotations

import re

from ingest.actors import Mention as Named
from ingest.events.model import Hit, Sentence
from ingest.events.words import DANGLING_WORDS
from ingest.temporal import Timex
from ingest.text.tokens import Token

MAX_TITLE = 160
_DANGLING = re.compile(r"[\s,;]+(?:" + "|".join(sorted(DANGLING_WORDS)) + r")$", re.I)


def third_person(verb: str) -> str:
    """say -> says, reply -> replies, stress -> stresses (for titles in the present tense)."""
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    return verb + "s"


def title(s: Sentence, main: Hit, boundary: int, agents: list[str], main_tx: Timex | None) -> str:
    """A log line for the sentence's main mention."""
    text, tokens = s.text, s.tokens
    if main.trigger.type == "REPORT":
        quoted = quote_before(text, tokens, main)
        if quoted:
            content = quoted
        else:
            content = text[tokens[main.last].end : tokens[boundary].end].strip()
            if main_tx is not None:  # "said on Monday he would attend": the date is not said
                lead = re.match(
                    r"(?:(?:on|in|at|during|late|early)\s+)?" + re.escape(main_tx.text), content
                )
                content = content[lead.end() :].strip() if lead else content
            content = re.sub(r"^(?:that\b|[,:“\"]|\s)+", "", content)
        clause = f"{' and '.join(agents)} {third_person(main.trigger.lemma)} {content}"
    else:
        end = tokens[min(boundary, len(tokens) - 1)].end
        subject = [m for m in s.named if m.end <= tokens[main.first].start]
        clause = text[subject[0].start if subject else 0 : end]
    return tidy(clause)


def clause_title(text: str, start: int, end: int, named: list[Named]) -> str:
    """A log line for a clause-level mention: the clause from its subject's name on."""
    subject = [m for m in named if m.end <= start]
    return tidy(text[subject[-1].start if subject else start : end])


def tidy(clause: str) -> str:
    """Trimmed, quotes balanced, a conjunction or preposition left dangling at the end cut
    ("To advance ASEAN community building and"), capitalised, at most MAX_TITLE long."""
    clause = clause.strip(' ,;:“”"')
    while (cut := _DANGLING.search(clause)) and cut.start() > 0:
        clause = clause[: cut.start()].rstrip(' ,;:“”"')
    if clause.count("“") != clause.count("”"):
        clause = clause.replace("“", "").replace("”", "")
    if clause.count('"') % 2:
        clause = clause.replace('"', "")
    if len(clause) > MAX_TITLE:
        clause = clause[: MAX_TITLE - 3].rsplit(" ", 1)[0] + "…"
    return clause[:1].upper() + clause[1:]


def quote_before(text: str, tokens: list[Token], main: Hit) -> str | None:
    """The quotation a trailing reporting verb introduces: “...,” he said."""
    span = quote_span_before(text, tokens, main)
    return text[span[0] : span[1]].strip(" ,") if span else None


def quote_span_before(text: str, tokens: list[Token], main: Hit) -> tuple[int, int] | None:
    """What a trailing reporting verb reports: the quotation before it (“...,” he said;
    straight quotes too), or the clause before ", he said" when nothing follows the verb but
    its add-ons ("The priority is saving lives, he said, adding ...")."""
    verb_at = tokens[main.first].start
    closing = max(text.rfind("”", 0, verb_at), text.rfind('"', 0, verb_at))
    if closing > 0:
        curly = text.find("“")
        straight = text.find('"')
        opening = min((i for i in (curly, straight) if i != -1 and i < closing), default=-1)
        if opening == -1:  # the quotation began in an earlier sentence
            return (0, closing)
        if text[:opening].strip():
            return None
        return (opening + 1, closing)
    comma = text.rfind(",", 0, verb_at)
    after = text[tokens[main.last].end :].strip()
    said_last = not after or after[0] in ".;" or re.match(r",\s*(?:adding|saying)\b", after)
    subject = text[comma + 1 : verb_at].split() if comma > 0 else []
    if comma > 0 and said_last and len(subject) <= 4:
        return (0, comma)
    return None
