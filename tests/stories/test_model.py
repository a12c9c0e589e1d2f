"""The story model on hand-made facts: affinity, components, link kinds, titles."""

from __future__ import annotations

import random
from datetime import date, timedelta

from timeline.stories.model import (
    Facts,
    Pool,
    affinity,
    components,
    infer_links,
    link_kind,
    neighbours,
    same_actor,
    story_title,
    topic_words,
)

D0 = date(2024, 3, 4)


def fact(
    ident: int,
    day: int,
    type_: str,
    title: str,
    agents: tuple[str, ...] = (),
    others: tuple[str, ...] = (),
    linked: tuple[int, ...] = (),
    articles: int = 1,
) -> Facts:
    names = frozenset(agents) | frozenset(others)
    return Facts(
        id=ident,
        start=D0 + timedelta(days=day),
        end=D0 + timedelta(days=day),
        type=type_,
        title=title,
        agents=frozenset(agents),
        actors=names,
        words=topic_words([title], names=names),
        articles=articles,
        linked=frozenset(linked),
    )


THREAT = fact(1, 0, "THREATEN", "FNV Havens threatens a port strike over wages", ("FNV Havens",))
REJECT = fact(
    2, 2, "REJECT", "VRTO rejects the port wage demand", ("VRTO",), ("FNV Havens",), articles=2
)
MEETING = fact(3, 4, "CONSULT", "FNV Havens and VRTO meet over port wages", ("FNV Havens", "VRTO"))
# Same days, other topic and people: must stay a story of its own.
QUAKE = fact(4, 1, "DISASTER", "An earthquake strikes Yushu county", ("Yushu",))
QUAKE_TOLL = fact(5, 2, "DEATH", "The Yushu earthquake toll rises", ("Yushu County",))
LATE = fact(6, 30, "CONSULT", "FNV Havens and VRTO meet over port wages", ("FNV Havens", "VRTO"))


def test_topic_words_drop_stopwords_names_and_inflections() -> None:
    words = topic_words(["Putin says Moscow is open to talks on the truces"], names=["Putin"])
    assert words == {"moscow", "open", "talk", "truc"}
    assert topic_words(["strike", "strikes", "striking"]) == {"strik"}


def test_same_actor_matches_short_forms_only() -> None:
    assert same_actor("Wen", "Wen Jiabao")
    assert same_actor("FNV Havens", "Dockworkers union FNV Havens")
    assert not same_actor("United States", "United Kingdom")
    assert not same_actor("Havens", "FNV Havens Rotterdam")


def test_affinity_needs_people_and_words_and_decays_with_time() -> None:
    assert affinity(THREAT, REJECT) > affinity(THREAT, MEETING) > 0
    assert affinity(THREAT, QUAKE) == 0.0  # nothing shared
    assert affinity(MEETING, LATE) == 0.0  # a month apart
    one_actor_only = fact(7, 0, "STATEMENT", "FNV Havens elects a new board", ("FNV Havens",))
    assert affinity(THREAT, one_actor_only) == 0.0  # one shared name, no shared topic


def test_components_are_order_independent() -> None:
    events = [THREAT, REJECT, MEETING, QUAKE, QUAKE_TOLL, LATE]
    expected = [[1, 2, 3], [4, 5], [6]]
    for seed in range(5):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert [[f.id for f in g] for g in components(shuffled)] == expected


def test_a_connective_joins_events_whatever_the_gap() -> None:
    late = fact(6, 30, "CONSULT", "Talks resume", linked=(1,))
    threat = fact(1, 0, "THREATEN", "FNV Havens threatens a strike", ("FNV Havens",), linked=(6,))
    assert [[f.id for f in g] for g in components([late, threat])] == [[1, 6]]


def test_links_from_order_and_types() -> None:
    links = {(x.source, x.target, x.kind) for x in infer_links([MEETING, THREAT, REJECT])}
    assert links == {(2, 1, "responds_to"), (3, 2, "follows")}
    truce = fact(8, 0, "CEASEFIRE", "Russia declares an Easter truce", ("Russia",))
    attack = fact(9, 1, "ASSAULT", "Russia shells Kharkiv during the Easter truce", ("Russia",))
    assert link_kind(truce, attack) == "violates"
    visit = fact(10, 0, "CONSULT", "Wen visits quake village", ("Wen Jiabao",))
    remark = fact(11, 0, "STATEMENT", "Wen says the quake village will be rebuilt", ("Wen Jiabao",))
    assert link_kind(visit, remark) == "elaborates"


def test_connected_steps_get_no_inferred_link() -> None:
    threat = fact(1, 0, "THREATEN", "FNV Havens threatens a port strike", ("FNV Havens",))
    reply = fact(
        2, 2, "REJECT", "VRTO rejects the port strike threat", ("VRTO",), ("FNV Havens",), (1,)
    )
    assert infer_links([threat, reply]) == []


def test_story_title_is_the_most_reported_event() -> None:
    assert story_title([THREAT, REJECT, MEETING]) == REJECT.title


def test_a_pool_reaches_every_neighbour_the_full_comparison_finds() -> None:
    """`Pool.within_reach` leaves out only events that cannot be joined: the neighbours
    among them are the neighbours among all (random events on few days, people and words,
    connectives both ways)."""
    rng = random.Random(5)
    people = ["FNV Havens", "Havens", "VRTO", "Yushu", "Yushu County", "Wen Jiabao", "Wen"]
    vocab = "port strike wages truce talks earthquake toll quake aid convoy border vote".split()
    events = []
    for i in range(1, 200):
        words = " ".join(rng.sample(vocab, rng.randrange(0, 4)))
        actors = tuple(rng.sample(people, rng.randrange(0, 3)))
        links = tuple(rng.sample(range(1, 200), 1)) if rng.random() < 0.05 else ()
        events.append(fact(i, rng.randrange(12), "STATEMENT", words, actors, (), links))
    pool = Pool(events)
    found = 0
    for event in events:
        reached = pool.within_reach(event)
        assert {f.id for f in neighbours(event, reached)} == {
            f.id for f in neighbours(event, events)
        }
        found += len(neighbours(event, reached))
        assert len(reached) < len(events)  # it does leave some out
    assert found > 100
