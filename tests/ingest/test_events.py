"""Event rules on small, made-up sentences (no seed wording): one behaviour per test."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.analysis import analyse
from ingest.article import ArticleInput
from ingest.events import Candidate
from ingest.lexicon import inflections, load_lexicon
from ingest.merge import StoredEvent, same_happening, summarise

DCT = date(2024, 3, 13)  # a Wednesday


def mentions(text: str, dct: date | None = DCT, spacy: bool = True) -> list[Candidate]:
    """Every mention of the text: main ones and, with spaCy, the clause-level ones."""
    return analyse(ArticleInput("t.txt", text, published=dct), use_spacy=spacy).candidates


def events(text: str, dct: date | None = DCT, spacy: bool = True) -> list[Candidate]:
    """The main mentions (each sentence's main happening, and happenings dated in their own
    words): what these rules are about."""
    return [m for m in mentions(text, dct, spacy) if m.primary or m.dating.time_text]


@pytest.mark.parametrize("spacy", [True, False], ids=["spacy", "alias-table"])
def test_reported_speech_is_dated_by_its_own_weekday(spacy: bool) -> None:
    (e,) = events(
        "Chancellor Olaf Scholz said on Monday that Germany would send more aid.", spacy=spacy
    )
    assert (e.dating.start, e.dating.end, e.dating.inferred) == (
        date(2024, 3, 11),
        date(2024, 3, 11),
        False,
    )
    assert e.modality == "announced"
    assert e.dating.time_text and "Monday" in e.dating.time_text


def test_planned_content_takes_the_future_date() -> None:
    (e,) = events(
        "The foreign minister confirmed that a delegation will visit Beijing on Friday for talks."
    )
    assert e.dating.start == date(2024, 3, 15)
    assert e.modality == "planned"


def test_undated_statement_takes_the_publication_date_marked_inferred() -> None:
    (e,) = events("President Emmanuel Macron said France is ready to discuss the proposal.")
    assert (e.dating.start, e.dating.inferred) == (DCT, True)
    assert e.agents == ["Emmanuel Macron"]


def test_negated_and_hypothetical_main_verbs_report_nothing() -> None:
    assert events("Macron did not respond to the remarks made by the delegation.") == []
    assert events("Critics argue that the deal could collapse at any moment.") == []


def test_event_noun_with_its_own_date_is_its_own_event() -> None:
    found = events("There have been no talks since Iraq's August 1990 invasion of Kuwait.")
    assert [(c.type, c.dating.start, c.dating.end) for c in found] == [
        ("ASSAULT", date(1990, 8, 1), date(1990, 8, 31))
    ]


def test_unknown_verb_with_a_date_still_reports_a_happening() -> None:
    found = events("The European Central Bank raised its key rate by a quarter point on Thursday.")
    assert len(found) == 1
    assert found[0].dating.start == date(2024, 3, 7)
    assert "European" in found[0].title


def test_pronoun_subject_takes_the_previous_agent() -> None:
    found = events(
        "Prime Minister Keir Starmer said on Tuesday that Britain backs the plan. "
        "He added that Britain would host a summit."
    )
    assert [c.agents for c in found] == [["Keir Starmer"], ["Keir Starmer"]]


def test_despite_the_truce_dates_an_undated_report_by_the_truce() -> None:
    found = events(
        "Israel and Hamas agreed to a truce declared over the weekend. "
        "Despite the truce, the army reported heavy shelling by Hamas fighters."
    )
    agreement, report = found
    assert (agreement.dating.start, agreement.dating.end) == (date(2024, 3, 9), date(2024, 3, 10))
    assert (report.dating.start, report.dating.end) == (date(2024, 3, 9), date(2024, 3, 10))
    assert report.links == [(0, "elaborates")]
    assert report.agents == ["Army"]


@pytest.mark.parametrize("spacy", [True, False], ids=["spacy", "alias-table"])
def test_a_pluperfect_takes_the_day_the_narrative_named_even_in_a_clause(spacy: bool) -> None:
    # "on March 2" dates the clause "was pulled over" (not the sentence's main verb with the
    # model): event dating reads the article's one reference time, so the day still holds.
    found = mentions(
        "Williams was pulled over around 1:30 a.m. on March 2, but was arrested on suspicion "
        "of drunk driving. He had refused a breath test.",
        spacy=spacy,
    )
    (refused,) = [m for m in found if m.trigger == "refused"]
    assert (refused.dating.start, refused.dating.inferred) == (date(2024, 3, 2), False)
    assert refused.dating.time_text is None  # borrowed: no words of its sentence said it


def test_a_plans_day_is_not_where_the_narrative_of_happenings_stands() -> None:
    found = mentions(
        "Rebels attacked the town on Monday. The minister had planned to visit the town on "
        "Tuesday. Then the rebels left the town."
    )
    (visit,) = [m for m in found if m.trigger == "visit"]
    assert (visit.modality, visit.dating.start) == ("planned", date(2024, 3, 12))
    (left,) = [m for m in found if m.trigger == "left"]
    assert (left.dating.start, left.dating.inferred) == (date(2024, 3, 11), False)  # Monday


@pytest.mark.parametrize("spacy", [True, False], ids=["spacy", "alias-table"])
def test_a_trailing_report_is_dated_now_but_the_narrative_goes_on(spacy: bool) -> None:
    found = mentions(
        "Rebels attacked the town on Monday. Then the rebels left the town, he said. "
        "Then they burned the bridge.",
        spacy=spacy,
    )
    (said,) = [m for m in found if m.trigger == "said"]
    assert (said.dating.start, said.dating.inferred) == (DCT, True)  # said now, not Monday
    (burned,) = [m for m in found if m.trigger == "burned"]
    assert (burned.dating.start, burned.dating.inferred) == (date(2024, 3, 11), False)


def test_no_publication_date_leaves_relative_dates_unresolved() -> None:
    (e,) = events(
        "Chancellor Olaf Scholz said on Monday that Germany would send more aid.", dct=None
    )
    assert e.dating.start is None


def test_inflections_cover_regular_and_irregular_forms() -> None:
    forms = inflections("stop", {})
    assert {"stops", "stopped", "stopping"} <= forms
    assert {"tried", "tries"} <= inflections("try", {})
    assert load_lexicon().words["said"].type == "REPORT"
    assert load_lexicon().words["won"].type == "WIN"


def _candidate(quote: str, agents: list[str], day: date, type_: str = "CONSULT") -> Candidate:
    from ingest.events import Dating

    return Candidate(
        0, quote, type_, "announced", quote, agents, agents, Dating(day, day, "day", False), "talks"
    )


def test_merge_needs_same_day_and_shared_agent() -> None:
    lex = load_lexicon()
    stored = StoredEvent(
        1, "CONSULT", DCT, DCT, frozenset({"Olaf Scholz"}), ("Scholz offered talks.",)
    )
    assert same_happening(
        _candidate("Scholz proposes negotiations.", ["Olaf Scholz"], DCT), stored, lex
    )
    other_day = date(2024, 3, 12)
    assert not same_happening(
        _candidate("Scholz proposes negotiations.", ["Olaf Scholz"], other_day), stored, lex
    )
    assert not same_happening(
        _candidate("Macron proposes negotiations.", ["Emmanuel Macron"], DCT), stored, lex
    )
    assert not same_happening(
        _candidate("Scholz attacks.", ["Olaf Scholz"], DCT, "ASSAULT"), stored, lex
    )


def test_event_fields_do_not_depend_on_source_order() -> None:
    from ingest.merge import SourceFacts

    a = SourceFacts(DCT, DCT, "day", True, "STATEMENT", "announced", "A", "a")
    b = SourceFacts(
        date(2024, 3, 11), date(2024, 3, 11), "day", False, "CONSULT", "announced", "B", "b"
    )
    c = SourceFacts(
        date(2024, 3, 9), date(2024, 3, 12), "week", False, "CONSULT", "announced", "C", "c"
    )
    assert summarise([a, b, c]) == summarise([c, b, a]) == b


def test_merge_is_loose_on_names_and_inferred_days_but_not_explicit_ones() -> None:
    from ingest.events import Dating

    lex = load_lexicon()
    stored = StoredEvent(
        1, "CONSULT", DCT, DCT, frozenset({"Olaf Scholz"}), ("Scholz offered talks.",)
    )
    surname = _candidate("Scholz proposes negotiations.", ["Scholz"], DCT)
    assert same_happening(surname, stored, lex)
    next_day = date(2024, 3, 14)
    late = _candidate("Scholz proposes negotiations.", ["Olaf Scholz"], next_day)
    assert not same_happening(late, stored, lex)  # both explicit: different days
    late.dating = Dating(next_day, next_day, "day", True)
    assert same_happening(late, stored, lex)  # the next day's undated report
    copy = _candidate("Scholz offered talks .", ["Germany"], DCT)
    assert same_happening(copy, stored, lex)  # a verbatim copy, whoever is named


def test_link_kind_comes_from_the_event_itself_not_the_phrase_it_follows() -> None:
    found = events(
        "Israel and Hamas agreed to a truce declared over the weekend. "
        "Despite the truce, the army reported dozens of violations by Hamas fighters. "
        "Netanyahu said on Monday he was open to talks, following the truce that both sides "
        "accused each other of violating."
    )
    kinds = {c.title.split()[0]: [k for _, k in c.links] for c in found if c.links}
    assert kinds["Army"] == ["violates"]
    assert kinds["Netanyahu"] == ["follows"]


def test_a_statement_joins_a_typed_event_of_the_same_agent_only_on_similar_wording() -> None:
    lex = load_lexicon()
    stored = StoredEvent(
        1,
        "CONSULT",
        DCT,
        DCT,
        frozenset({"Wen Jiabao"}),
        ("Wen Jiabao arrived in Yushu to visit victims.",),
    )
    similar = _candidate(
        "Wen Jiabao rushed to Yushu to visit quake victims.", ["Wen Jiabao"], DCT, "OTHER"
    )
    unrelated = _candidate("Wen Jiabao praised the rescue teams.", ["Wen Jiabao"], DCT, "STATEMENT")
    other_family = _candidate(
        "Wen Jiabao rushed to Yushu to visit victims.", ["Wen Jiabao"], DCT, "ASSAULT"
    )
    assert same_happening(similar, stored, lex)
    assert not same_happening(unrelated, stored, lex)
    assert not same_happening(other_family, stored, lex)  # two typed families never mix


def test_every_event_type_comes_from_the_ontology() -> None:
    """Internal trigger classes (REPORT, OCCUR) never leak out as event types."""
    import tomllib

    from ingest.lexicon import DATA
    from ingest.sources.files import read_articles
    from tests.conftest import ROOT

    data = tomllib.loads((DATA / "event_types.toml").read_text())
    allowed = set(data["types"]) | {data["statement"]["type"], data["fallback"]["type"]}
    paths = sorted((ROOT / "tests" / "data").rglob("*.txt")) + sorted(
        (ROOT / "seeds").glob("*.txt")
    )
    seen = set()
    for path in paths:
        for article in read_articles(path, max_bytes=5_000_000):
            assert isinstance(article, ArticleInput)
            seen |= {c.type for c in analyse(article).candidates}
    assert seen <= allowed, seen - allowed


def test_names_split_by_the_model_at_a_particle_are_one_person() -> None:
    from ingest.actors import ArticleActors

    actors = ArticleActors.new()
    text = "President Bingu wa Mutharika was sworn in on Friday."
    (m,) = actors.find(text, [(10, 15, "PERSON"), (19, 28, "GPE")])
    assert (m.name, m.kind) == ("Bingu wa Mutharika", "person")
    later = "Mr Mutharika said corruption is evil."
    assert [x.name for x in actors.find(later, [(3, 12, "GPE")])] == ["Bingu wa Mutharika"]


def test_an_event_noun_takes_the_date_of_the_verb_it_is_the_object_of_as_inferred() -> None:
    found = mentions("Leaders of the G7 met in Hiroshima on Friday for a summit.")
    summit = next(m for m in found if m.trigger == "summit")
    friday = date(2024, 3, 8)
    assert (summit.dating.start, summit.dating.end, summit.dating.inferred) == (
        friday,
        friday,
        True,
    )
    assert summit.dating.time_text is None  # no words of its own said when


def test_an_event_noun_under_a_statement_stays_undated() -> None:
    found = mentions("Putin said on Monday that Moscow is open to talks with Kyiv.")
    talks = [m for m in found if m.trigger == "talks"]
    assert all(m.dating.start is None for m in talks)  # "open to talks" says nothing of when


def test_a_participle_continuing_a_statement_is_the_same_statement() -> None:
    found = mentions(
        "Kremlin spokesman Dmitry Peskov elaborated on the comments on Monday, telling reporters "
        "that the talks would go on."
    )
    reporting = [m for m in found if m.trigger in {"elaborated", "telling"}]
    assert [m.trigger for m in reporting] == ["elaborated"]
    assert any(m.trigger == "elaborated" and m.primary for m in found)


def test_a_relative_clause_on_an_event_noun_tells_of_that_happening() -> None:
    """'a failed Easter truce that both sides accused each other of violating': the truce is
    the mention, the clause (whose verb lacks the object the noun fills) none of its own."""
    found = mentions(
        "Putin has hinted at bilateral negotiations, following a failed Easter truce that both "
        "sides accused each other of violating."
    )
    triggers = [m.trigger for m in found]
    assert "truce" in triggers and "accused" not in triggers


def test_a_relative_clause_with_objects_of_its_own_reports_its_own_act() -> None:
    """The parser attaches 'the Bank of England raised its key interest rate' to 'increase':
    a clause whose verb has its own object is a happening of its own."""
    found = mentions(
        "The decision comes a day after the U.S. Federal Reserve approved the biggest rate "
        "increase in more than two decades and on the day that the Bank of England raised its "
        "key interest rate to the highest level in 13 years."
    )
    assert "raised" in [m.trigger for m in found]


def test_a_dateline_names_no_actor_of_the_lead() -> None:
    (e, *_) = mentions("LIMA, Peru - Rescuers pulled 40 people from the rubble on Tuesday.")
    assert "LIMA" not in e.actors and "Peru" not in e.actors


def test_one_day_after_dates_its_clause_a_day_before_the_day_named() -> None:
    """ "Tuesday, one day after a storm killed 12": the storm's toll is Monday's."""
    found = mentions(
        "Crews cleared roads in the port city Tuesday, one day after a storm killed 12 people."
    )
    (kill,) = [m for m in found if m.trigger == "killed"]
    assert (kill.dating.start, kill.dating.inferred) == (date(2024, 3, 11), False)
    assert kill.type == "DISASTER" and kill.agents == []  # the storm is what happened


def test_a_definite_event_noun_subject_dates_its_effect_by_the_happening_reported() -> None:
    """ "The storm killed 12 and injured 40": the storm the lead dated; one happening, whose
    coordinated effects are no mentions of their own."""
    found = mentions(
        "Crews cleared roads Tuesday, a day after a storm hit the coast. "
        "The storm killed 12 people and injured 40 others."
    )
    second = [m for m in found if m.sentence_index == 1]
    (kill,) = [m for m in second if m.trigger == "killed"]
    assert (kill.dating.start, kill.dating.inferred) == (date(2024, 3, 11), False)
    assert not [m for m in second if m.trigger == "injured"]
    (hit,) = [m for m in found if m.trigger == "hit"]
    assert hit.type == "DISASTER" and hit.dating.start == date(2024, 3, 11)


def test_a_family_name_alone_is_the_person_named_in_full_before() -> None:
    found = mentions(
        "Premier Li Qiang arrived in the city on Tuesday. After landing, Li visited a hospital."
    )
    assert any(m.agents == ["Li Qiang"] for m in found if m.sentence_index == 1)


def test_a_relative_clause_in_the_subject_names_no_agent() -> None:
    """ "X, who postponed his visit to Brunei and Myanmar next week, flew to ...": the
    states of the relative clause are no agents of the flight, nor of the postponing."""
    found = mentions(
        "Premier Li Qiang, who decided to postpone his visit to Brunei, Indonesia, and "
        "Myanmar next week, flew to the flooded province Tuesday evening."
    )
    (fly,) = [m for m in found if m.trigger == "flew"]
    assert fly.agents == ["Li Qiang"] and fly.type == "TRAVEL"
    (decided,) = [m for m in found if m.trigger == "decided"]
    assert decided.agents == ["Li Qiang"]


def test_a_gerund_after_a_preposition_is_done_by_its_clauses_subject() -> None:
    found = mentions(
        "Premier Li Qiang promised help after flying to the flooded province Tuesday afternoon."
    )
    (fly,) = [m for m in found if m.trigger == "flying"]
    assert (fly.agents, fly.type, fly.dating.start) == (["Li Qiang"], "TRAVEL", date(2024, 3, 12))


def test_a_verb_coordinated_with_a_purpose_infinitive_is_not_the_main_happening() -> None:
    """ "arrived Tuesday ... to check on rescue work and meet survivors": the arrival is what
    the sentence reports; the meeting is its purpose, a clause-level mention."""
    found = mentions(
        "Premier Li Qiang arrived Tuesday in the northern province to check on rescue work and "
        "meet survivors."
    )
    (main,) = [m for m in found if m.primary]
    assert (main.trigger, main.type, main.dating.start) == ("arrived", "TRAVEL", date(2024, 3, 12))
    (meet,) = [m for m in found if m.trigger == "meet"]
    assert not meet.primary and meet.agents == ["Li Qiang"]
