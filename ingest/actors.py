"""Actors: find who is mentioned in a sentence and give each one canonical name.

Names come from two places: the alias table (`ingest/data/actors.toml`: "Zelenskiy",
"Zelensky" and "Zelenskyy" are one person; "Moscow" and "the Kremlin" stand for Russia) and,
when the spaCy English model is installed, its named entities, so people the table has never
heard of are found too. Within one article a surname refers back to the full name used
earlier ("Peskov" -> "Dmitry Peskov"), the way news writing works.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.lexicon import DATA

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
# ", the president of ...", ", the country's new prime minister": a title right after a name
_APPOSED_TITLE = re.compile(r",\s+the\s+((?:[\w'’.-]+\s*){1,3})")


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor mentioned at [start, end) of a sentence."""

    start: int
    end: int
    name: str
    kind: str  # person | state | org | unknown
    known: bool = False  # from the alias table, not only from the NER model


@dataclass(frozen=True, slots=True)
class ActorTable:
    """Alias (lower-case) -> (canonical name, kind), and a regex finding any alias."""

    aliases: dict[str, tuple[str, str]]
    titles: frozenset[str]
    pattern: re.Pattern[str]
    titled_name: re.Pattern[str]
    roles: frozenset[str]
    by_name: dict[str, list[str]]
    person_titles: frozenset[str] = frozenset()

    def canonical(self, mention: str) -> tuple[str, str] | None:
        key = normalise(mention)
        if key in self.aliases:
            return self.aliases[key]
        stripped = strip_titles(key, self.titles)
        return self.aliases.get(stripped)

    def aliases_of(self, name: str) -> list[str]:
        """Every alias of a canonical name (stored so queries by any alias find the actor)."""
        return self.by_name.get(name, [])


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces, no possessive 's."""
    text = text.translate(_APOSTROPHES).lower().strip()
    text = re.sub(r"'s$", "", text)
    return re.sub(r"\s+", " ", text)


def strip_titles(name: str, titles: frozenset[str]) -> str:
    """Drop leading titles ("president", "prime minister") from a lower-cased name."""
    changed = True
    while changed:
        changed = False
        for title in titles:
            if name.startswith(title + " "):
                name = name[len(title) + 1 :]
                changed = True
    return name


@lru_cache(maxsize=4)
def load_actor_table(path: Path = DATA / "actors.toml") -> ActorTable:
    """Read the alias table once per process."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    aliases: dict[str, tuple[str, str]] = {}
    for name, spec in data.get("actors", {}).items():
        kind = spec.get("kind", "unknown")
        aliases[normalise(name)] = (name, kind)
        for alias in spec.get("aliases", []):
            aliases[normalise(alias)] = (name, kind)
    alternation = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.])(?:the\s+)?(?:{alternation})(?:'s)?(?![\w])", re.IGNORECASE)
    titles = frozenset(t.lower() for t in data.get("titles", []))
    not_person = {t.lower() for t in data.get("not_person_titles", [])}
    person_titles = frozenset(t for t in titles if t not in not_person)
    title_alternation = "|".join(
        re.escape(t).replace(r"\ ", r"\s+")
        for t in sorted(person_titles, key=len, reverse=True)
        if t[-1].isalpha()
    )
    titled_name = re.compile(
        rf"\b(?i:{title_alternation})\s+((?:[A-Z][\w'-]+\s+){{0,2}}[A-Z][\w'-]+)"
    )
    roles = frozenset(r.lower() for r in data.get("roles", []))
    by_name: dict[str, list[str]] = {}
    for alias, (canon, _) in aliases.items():
        by_name.setdefault(canon, []).append(alias)
    return ActorTable(aliases, titles, pattern, titled_name, roles, by_name, person_titles)


@dataclass(slots=True)
class ArticleActors:
    """Per-article memory of full names, so a later surname resolves to the same person."""

    table: ActorTable
    surnames: dict[str, str]
    titled: dict[str, str] = field(default_factory=dict)  # "premier" -> "Wen Jiabao"
    # The first word of a full name: the family name in "Wen Jiabao" and "Hu Jintao", which
    # a later sentence uses alone ("Wen rushed to a village"). Read only where the NER model
    # says the word names a person (a sentence-initial "Will" or "Grant" is no one).
    first_words: dict[str, str] = field(default_factory=dict)

    @classmethod
    def new(cls, table: ActorTable | None = None) -> ArticleActors:
        return cls(table or load_actor_table(), {})

    def by_title(self, phrase: str) -> str | None:
        """ "the Premier", "The president": the person this article gave that title."""
        words = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip().lower())
        return self.titled.get(words)

    def _remember_titles(self, text: str, mentions: list[Mention]) -> None:
        for m in mentions:
            # "Bingu wa Mutharika, the president of Malawi, ...": a title in apposition says
            # the name is a person's, whatever the NER model labelled it
            apposed = self._apposed_title(text, m.end)
            if apposed and apposed in self.table.person_titles:
                self.titled.setdefault(apposed, m.name)
            if m.kind != "person":
                continue
            before = text[max(0, m.start - 40) : m.start].lower().rstrip()
            for title in sorted(self.table.titles, key=len, reverse=True):
                if before.endswith(title) and (
                    len(before) == len(title) or not before[-len(title) - 1].isalpha()
                ):
                    # "former President X" no longer holds the title; and "the president"
                    # later on means the first one the article introduced, its subject.
                    if not before[: -len(title)].rstrip().endswith(("former", "ex-", "late")):
                        self.titled.setdefault(title.rstrip("."), m.name)
                    break

    def _apposed_title(self, text: str, end: int) -> str | None:
        """The title of ", the president of Malawi," or ", the country's prime minister,"
        after a name: the first of the next words (or pairs of words) that is one."""
        after = _APPOSED_TITLE.match(text, end)
        if after is None:
            return None
        words = after.group(1).lower().split()
        for k in range(len(words)):
            for phrase in (" ".join(words[k - 1 : k + 1]) if k else "", words[k]):
                if phrase and phrase in self.table.titles:
                    return phrase
        return None

    def find(
        self, sentence: str, entities: list[tuple[int, int, str]] | None = None
    ) -> list[Mention]:
        """Actors mentioned in `sentence`, in order of appearance, without overlaps.

        `entities` are (start, end, label) spans from an NER model (PERSON, ORG, GPE, NORP);
        the alias table wins where both match.
        """
        text = sentence.translate(_APOSTROPHES)
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for m in self.table.pattern.finditer(text):
            hit = self.table.canonical(re.sub(r"^the\s+", "", m.group(0), flags=re.I))
            if hit is None or not _is_name_like(m.group(0)):
                continue
            found.append(Mention(m.start(), m.end(), hit[0], hit[1], known=True))
            taken.append((m.start(), m.end()))
            self._remember(hit[0], hit[1])
        for start, end, label in self._tidy_entities(text, entities or []):
            if any(s < end and start < e for s, e in taken):
                continue
            mention = self._entity(text[start:end], label)
            if mention is not None:
                found.append(Mention(start, end, mention[0], mention[1]))
                taken.append((start, end))
        if entities is None:  # no NER model: a capitalised name after a title is a person
            for m in self.table.titled_name.finditer(text):
                if any(s < m.end(1) and m.start(1) < e for s, e in taken):
                    continue
                name = m.group(1)
                found.append(Mention(m.start(1), m.end(1), name, "person"))
                taken.append((m.start(1), m.end(1)))
                self._remember(name, "person")
        for m in _CAPITALISED.finditer(text):  # surnames seen earlier in the article
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            full = self.surnames.get(m.group(0).lower())
            if full:
                found.append(Mention(m.start(), m.end(), full, "person"))
                taken.append((m.start(), m.end()))
        mentions = _drop_modifiers(sorted(found, key=lambda x: x.start), text)
        self._remember_titles(text, mentions)
        return mentions

    def _tidy_entities(
        self, text: str, entities: list[tuple[int, int, str]]
    ) -> list[tuple[int, int, str]]:
        """Repair the small NER model's usual slips on names: "Bingu | wa | Mutharika" split
        at a lowercase particle is one name; a name right after a person's title
        ("President ...") or ending in a surname this article gave a person is a person."""
        merged: list[tuple[int, int, str]] = []
        for start, end, label in sorted(entities):
            if merged:
                p_start, p_end, p_label = merged[-1]
                gap = text[p_end:start].strip().lower()
                if gap in NAME_PARTICLES and text[p_end:start].count(" ") <= 2:
                    person = "PERSON" in (p_label, label)
                    merged[-1] = (p_start, end, "PERSON" if person else p_label)
                    continue
            merged.append((start, end, label))
        out = []
        for start, end, label in merged:
            before = text[max(0, start - 30) : start].lower().rstrip()
            titled = any(
                before.endswith(t) and (len(before) == len(t) or not before[-len(t) - 1].isalpha())
                for t in self.table.person_titles
            )
            surname = text[start:end].split()[-1].lower()
            if titled or (label != "PERSON" and surname in self.surnames):
                label = "PERSON"
            out.append((start, end, label))
        return out

    def _entity(self, text: str, label: str) -> tuple[str, str] | None:
        hit = self.table.canonical(text)
        if hit:
            return hit
        name = re.sub(r"^the\s+", "", re.sub(r"'s$", "", text.strip()), flags=re.IGNORECASE)
        words = name.split()
        while words and words[0].lower().rstrip(",") in self.table.titles:
            words = words[1:]
        if not words:
            return None
        name = " ".join(words)
        if label == "PERSON":
            if len(words) == 1:
                known = self.surnames.get(words[0].lower()) or self.first_words.get(
                    words[0].lower()
                )
                if known:
                    return known, "person"
            self._remember(name, "person")
            return name, "person"
        if label in {"ORG", "GPE"} and name[:1].isupper():
            return name, "state" if label == "GPE" else "org"
        return None

    def _remember(self, name: str, kind: str) -> None:
        if kind == "person" and " " in name:
            self.surnames.setdefault(name.split()[-1].lower(), name)
            self.first_words.setdefault(name.split()[0].lower(), name)


# Lowercase particles inside personal names ("Bingu wa Mutharika", "Ursula von der Leyen").
NAME_PARTICLES = frozenset(
    {
        "wa",
        "bin",
        "ibn",
        "van",
        "von",
        "de",
        "da",
        "del",
        "der",
        "den",
        "la",
        "le",
        "al",
        "el",
        "dos",
        "das",
        "di",
        "du",
        "von der",
        "van der",
        "van den",
        "de la",
        "bin abdul",
    }
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


def _is_name_like(text: str) -> bool:
    """Short aliases ("us", "un") count only when written as names ("US", "UN")."""
    bare = re.sub(r"^the\s+", "", text, flags=re.I)
    return len(bare) > 3 or bare.isupper() or "." in bare


def _drop_modifiers(mentions: list[Mention], text: str) -> list[Mention]:
    """ "Russian President Vladimir Putin" names Putin; the state before his title only
    describes him, so it is not a second actor of the sentence."""
    out: list[Mention] = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (
            m.kind != "person"
            and nxt is not None
            and nxt.kind == "person"
            and len(text[m.end : nxt.start].split()) <= 3
            and "," not in text[m.end : nxt.start]
            and " and " not in text[m.end : nxt.start]
        ):
            continue
        out.append(m)
    return out
