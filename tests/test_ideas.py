"""Ideas (issue 14): what someone thought, argued or named, as the sources state it, and the card each makes."""

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command

from studyapp.cards import generation as g
from studyapp.cards import rules
from studyapp.cards.models import Card
from studyapp.content import load_facts
from studyapp.facts.loading import FixtureError
from studyapp.facts.models import Citation, Collection, Idea, Person
from studyapp.facts.services import FactInUse, fact_delete
from studyapp.quiz import building
from studyapp.quiz.selectors import fact_pool
from tests import factbase
from tests.conftest import SOURCES_DIR
from tests.test_card_rules import event

CHEKA_QUOTE = ("Serge wrote in his Portrait de Staline that the gravest error committed by the Bolsheviks was the "
               "establishment of the Cheka")
CHEKA = {"model": "facts.idea", "fields": {
    "key": "serge-gravest-error", "holder": ["victor-serge"], "weight": "core",
    "question": "Which Bolshevik institution did Victor Serge call their gravest error?",
    "answer": "The Cheka", "aliases": ["Cheka", "the Extraordinary Commission"]}}
CHEKA_CITE = {"model": "facts.citation", "fields": {"source": [factbase.S003], "idea": ["serge-gravest-error"],
                                                    "quote": CHEKA_QUOTE}}


def _records(*extra):
    return [*factbase.records(), *extra]


def _load(tmp_path, records, **kwargs):
    return load_facts(paths=[factbase.write(tmp_path / "base.json", records)], **kwargs)


@pytest.fixture
def with_idea(db, tmp_path):
    return _load(tmp_path, _records(CHEKA, CHEKA_CITE))


def test_an_idea_loads_with_its_holder_and_quote_and_makes_one_people_card(with_idea):
    assert with_idea.created == {"sources": 4, "people": 1, "works": 1, "events": 3, "ideas": 1}
    idea = Idea.objects.get(key="serge-gravest-error")
    assert (idea.holder.key, idea.weight, idea.disputed) == ("victor-serge", "core", False)
    assert [(c.source.key, c.quote) for c in idea.citations.all()] == [(factbase.S003, CHEKA_QUOTE)]
    card = Card.objects.get(key="idea:serge-gravest-error:idea")
    assert (card.fact_type, card.fact_key, card.kind, card.deck, card.sibling_key) == (
        "idea", "serge-gravest-error", "idea", "people", "idea:serge-gravest-error")
    assert card.prompt == "Which Bolshevik institution did Victor Serge call their gravest error?"
    assert (card.answer, card.accepted) == ("The Cheka", ["The Cheka", "Cheka", "the Extraordinary Commission"])
    assert card.citations == [{"source": factbase.S003, "title": "Victor Serge’s World and Ours", "quote": CHEKA_QUOTE}]
    assert (card.weight, card.topics) == ("core", [])


def test_reloading_keeps_the_card_and_removing_the_idea_retires_it(with_idea, tmp_path):
    card = Card.objects.get(key="idea:serge-gravest-error:idea")
    edited = json.loads(json.dumps(CHEKA))
    edited["fields"]["question"] = "Which institution of 1918 did Victor Serge call the Bolsheviks' gravest error?"
    _load(tmp_path, _records(edited, CHEKA_CITE))
    card.refresh_from_db()
    assert (card.prompt, card.retired) == (edited["fields"]["question"], False)
    report = _load(tmp_path, factbase.records())
    assert report.deleted == {"ideas": 1}
    card.refresh_from_db()
    assert card.retired is True
    assert Citation.objects.filter(idea__isnull=False).count() == 0


@pytest.mark.parametrize("change, field, message", [
    (lambda r: r[0]["fields"].update(holder=["nobody"]), "holder", "unknown person 'nobody'"),
    (lambda r: r[0]["fields"].pop("answer"), "answer", "missing required field"),
    (lambda r: r[0]["fields"].update(question="  "), "question", "must be a non-empty str"),
    (lambda r: r[0]["fields"].update(answer="x" * 301), "answer", "301 characters; at most 300"),
    (lambda r: r[1]["fields"].update(claim={"answer": "The GPU"}), "claim",
     "this idea's citation may state no claim: a differing view is an idea of its own"),
    (lambda r: r.pop(1), "key", "idea 'serge-gravest-error' has no citation: every fact cites a source"),
])
def test_a_bad_idea_is_refused_naming_its_field_and_nothing_is_written(db, tmp_path, change, field, message):
    ideas = [json.loads(json.dumps(CHEKA)), json.loads(json.dumps(CHEKA_CITE))]
    change(ideas)
    with pytest.raises(FixtureError) as error:
        load_facts(paths=[factbase.write(tmp_path / "base.json", _records(*ideas))])
    assert (error.value.field, error.value.message) == (field, message)
    assert Idea.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="needs ../shared/sources")
def test_an_ideas_quote_is_checked_verbatim_against_its_source(db, tmp_path):
    cite = json.loads(json.dumps(CHEKA_CITE))
    cite["fields"]["quote"] = "the gravest error committed by the Mensheviks"
    with pytest.raises(FixtureError) as error:
        load_facts(paths=[factbase.write(tmp_path / "base.json", _records(CHEKA, cite))], sources_dir=SOURCES_DIR)
    assert error.value.field == "quote"
    assert error.value.message == ("quote not found verbatim in 003_862357227f09bacf.txt: "
                                   "'the gravest error committed by the Mensheviks'")
    assert Idea.objects.count() == 0


def test_export_facts_gives_ideas_a_key_of_their_own(with_idea):
    out = io.StringIO()
    call_command("export_facts", "--collection", "serge", stdout=out)
    exported = json.loads(out.getvalue())
    assert list(exported) == ["sources", "people", "works", "events", "ideas"]
    assert exported["ideas"] == [{
        "holder": "Victor Serge", "question": "Which Bolshevik institution did Victor Serge call their gravest error?",
        "answer": "The Cheka", "aliases": ["Cheka", "the Extraordinary Commission"],
        "citations": [{"source": factbase.S003, "quote": CHEKA_QUOTE}]}]


def _idea(key, question, answer, aliases=(), weight="core"):
    return g.IdeaFact(key=key, question=question, answer=answer, aliases=tuple(aliases), weight=weight,
                      versions=(g.Version(values={}, cites=(g.Cite("s.txt", "S", "a quote"),)),), holder="Victor Serge")


def test_an_idea_whose_question_echoes_a_word_of_its_answer_breaks_the_leak_rule():
    leaky = _idea("leaky", "What did Serge call the Cheka's creation, the gravest error?", "The Cheka")
    fair = _idea("fair", "Which Bolshevik institution did Serge call their gravest error?", "The Cheka")
    specs = g.generate_cards([], [], [], [leaky, fair])
    found = [(v.card, v.rule) for v in rules.violations(specs, [], [], [], [leaky, fair])]
    assert found == [("idea:leaky:idea", "leak")]


def test_another_cards_prompt_stating_an_ideas_answer_gives_it_away():
    idea = _idea("cheka", "Which Bolshevik institution did Serge call their gravest error?", "The Cheka", ["Cheka"])
    work = g.WorkFact(key="portrait", title="Portrait of Stalin", aliases=(), kind="non-fiction", year=1940,
                      author="Victor Serge", author_aliases=(), weight="core",
                      description="Book in which he called the Cheka an inquisition",
                      versions=(g.Version(values={"year": 1940}, cites=(g.Cite("s.txt", "S", "a quote"),)),))
    specs = g.generate_cards([], [work], [], [idea])
    found = [(v.card, v.rule, v.message) for v in rules.violations(specs, [], [work], [], [idea])]
    assert found == [("work:portrait:work_reverse", "cross_leak", "the prompt names 'The Cheka', the answer of "
                                                                  "idea:cheka:idea")]


def test_a_prompt_stating_another_cards_month_gives_it_away_but_a_bare_year_does_not():
    barcelona = event("barcelona", "July 1917", dt.date(1917, 7, 1), "month", "Serge joins the fighting in Barcelona.")
    spain = event("spain", "1917", dt.date(1917, 1, 1), "year", "Serge goes to neutral Spain.")
    idea = _idea("anarchism", "After the fighting in Barcelona in July 1917, why did Serge turn from anarchism?",
                 "He found it unprepared for power")
    year = _idea("year", "What did Serge conclude in Spain in 1917 about the syndicalists?", "Naive")
    specs = g.generate_cards([], [], [barcelona, spain], [idea, year])
    found = [(v.card, v.rule, v.message) for v in rules.violations(specs, [], [], [barcelona, spain], [idea, year])
             if v.rule == "cross_leak"]
    assert found == [("idea:anarchism:idea", "cross_leak",
                      "the prompt names 'July 1917', the answer of event:barcelona:event_when")]


def test_mentions_make_no_idea_card_and_core_ideas_come_before_context_ones():
    ideas = [_idea("a-context", "Question one?", "Answer one", weight="context"),
             _idea("b-mention", "Question two?", "Answer two", weight="mention"),
             _idea("c-core", "Question three?", "Answer three")]
    specs = g.generate_cards([], [], [], ideas)
    assert [(s.key, s.intro_rank) for s in specs] == [("idea:c-core:idea", 1), ("idea:a-context:idea", 2)]


def test_an_idea_is_quizzed_typed_only(with_idea):
    card = Card.objects.get(key="idea:serge-gravest-error:idea")
    pool = fact_pool(card.collection_id)
    questions = building.build_questions([card], pool, size=5, kinds=building.QUESTION_KINDS, rng=random.Random(1))
    assert [(q.kind, q.prompt, q.solution["accepted"]) for q in questions] == [
        ("typed", "Which Bolshevik institution did Victor Serge call their gravest error?",
         ["The Cheka", "Cheka", "the Extraordinary Commission"])]
    for kind in (building.MULTIPLE_CHOICE, building.TRUE_FALSE, building.ORDER):
        assert building.build_questions([card], pool, size=5, kinds=[kind], rng=random.Random(1)) == []


def test_the_holders_page_lists_the_idea_and_the_source_page_links_to_it(client, with_idea):
    person = client.get("/people/victor-serge/").content.decode()
    assert '<h2>Ideas and judgements</h2>' in person
    assert ('<li id="idea-serge-gravest-error">' in person
            and "Which Bolshevik institution did Victor Serge call their gravest error? <strong>The Cheka</strong>"
            in person)
    assert f"“{CHEKA_QUOTE}”" in person
    source = client.get(f"/sources/{factbase.S003}/").content.decode()
    assert '<span class="tag">idea</span>' in source
    assert 'href="/people/victor-serge/#idea-serge-gravest-error"' in source


def test_a_person_holding_an_idea_cannot_be_removed(with_idea):
    serge_base = Collection.objects.get(key="serge")
    owner = _owner(serge_base)
    with pytest.raises(FactInUse) as error:
        fact_delete(collection=serge_base, by=owner, kind="person", key="victor-serge")
    assert "idea 'serge-gravest-error' (holder)" in str(error.value)


def _owner(collection):
    from tests.conftest import make_user

    user = make_user("owner")
    collection.owner = user
    collection.save()
    return user


def test_search_finds_an_idea_by_its_answer_and_links_to_its_place_on_the_holders_page(client, with_idea):
    from studyapp.facts.selectors import search

    hits = [h for h in search("extraordinary commission") if h.kind == "idea"]
    assert [(h.key, h.anchor, h.label, h.detail, h.matched) for h in hits] == [
        ("victor-serge", "serge-gravest-error",
         "Which Bolshevik institution did Victor Serge call their gravest error?", "The Cheka",
         "the Extraordinary Commission")]
    assert [h.anchor for h in search("gravest error") if h.kind == "idea"] == ["serge-gravest-error"]
    html = client.get("/search/", {"q": "cheka"}).content.decode()
    assert ('<a href="/people/victor-serge/#idea-serge-gravest-error">Which Bolshevik institution did Victor Serge '
            'call their gravest error?</a>') in html

