"""Authoring services (issue 21): edits keep every learner's progress, removals retire cards, quotes added to existing
facts (disputes too), the card preview (the save's own cards and rules, nothing kept), source edits and removals;
every refusal changes nothing."""

import datetime as dt
import uuid

import pytest

from studyapp.authoring.services import (
    fact_author,
    fact_edit,
    fact_preview,
    fact_remove,
    quote_add,
    source_edit,
    source_remove,
)
from studyapp.cards.models import Card
from studyapp.facts.models import SERGE, Citation, Collection, Event, Person, Source, Work
from studyapp.facts.services import (
    FactInUse,
    FactNotFound,
    InvalidFact,
    NotAllowed,
    collection_create,
    collection_editor_add,
    fact_values,
    source_create,
)
from studyapp.study.models import ReviewState
from studyapp.study.services import review_submit

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
TEXT = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
        "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno. Some say it was in 1937.\n\n"
        "Anna Karlova was a Czech playwright and theatre director.")
BORN = "Anna Karlova was born in Prague in 1901."
GLASS = "She wrote “The Glass River” in March 1931."
FOUNDED = "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno."
PERSON = {"name": "Anna Karlova", "description": "Czech playwright who founded a theatre in Brno."}
WORK = {"title": "The Glass River", "kind": "novel", "author": "anna-karlova", "year": 1931}
EVENT = {"when": "1936", "date": "1936-01-01", "precision": "year",
         "description": "Anna Karlova and Pavel Novak found the Free Theatre of Brno.", "people": ["anna-karlova"]}


def counts():
    return (Person.objects.count(), Work.objects.count(), Event.objects.count(), Source.objects.count(),
            Citation.objects.count(), Card.objects.count(), Card.objects.filter(retired=True).count(),
            Person.history.count(), Work.history.count(), Event.history.count(), Source.history.count())


@pytest.fixture
def book(alice):
    """alice's private collection `readings`, one source `a-novel`, one person citing it."""
    collection = collection_create(owner=alice, title="Readings")
    source_create(collection=collection, by=alice, title="A novel", text=TEXT)
    fact_author(collection=collection, by=alice, kind="person", fields=PERSON,
                citations=[{"source": "a-novel", "quote": BORN}], now=NOW)
    return collection


def person_cards():
    return ["readings/person:anna-karlova:person_reverse", "readings/person:anna-karlova:person_who"]


@pytest.mark.django_db
def test_an_edit_keeps_the_card_keys_and_every_learners_review_state(book, alice, bob):
    card = Card.objects.get(key="readings/person:anna-karlova:person_who")
    review_submit(user=bob, card=card, rating=3, now=NOW, review_id=uuid.uuid4())
    state = ReviewState.objects.get(user=bob, card=card)
    before = (state.pk, state.card_id, state.reps, state.due, state.stability, state.version)

    fact, keys = fact_edit(collection=book, by=alice, kind="person", key="anna-karlova",
                           fields={**PERSON, "description": "Czech playwright and theatre director."},
                           citations=[{"source": "a-novel", "quote": BORN}], now=NOW + dt.timedelta(days=1))

    assert keys == person_cards()
    card.refresh_from_db()
    assert (card.key, card.retired, card.answer) == (
        "readings/person:anna-karlova:person_who", False, "Czech playwright and theatre director.")
    state.refresh_from_db()
    assert (state.pk, state.card_id, state.reps, state.due, state.stability, state.version) == before
    assert (fact.key, fact.description) == ("anna-karlova", "Czech playwright and theatre director.")
    assert Person.objects.filter(collection=book).count() == 1


@pytest.mark.django_db
def test_an_edit_replaces_the_citations_and_the_references_take_keys_or_natural_keys(book, alice):
    fact_author(collection=book, by=alice, kind="work", fields=WORK, citations=[{"source": "a-novel", "quote": GLASS}])
    fact_edit(collection=book, by=alice, kind="work", key="the-glass-river",
              fields={**WORK, "author": ["anna-karlova"], "year": 1930},
              citations=[{"source": "a-novel", "quote": GLASS}, {"source": "a-novel", "quote": BORN}])
    work = Work.objects.get(collection=book, key="the-glass-river")
    assert (work.year, work.author.key) == (1930, "anna-karlova")
    assert [c.quote for c in work.citations.all()] == [GLASS, BORN]
    assert fact_values(work) == (
        {"title": "The Glass River", "aliases": [], "year": 1930, "kind": "novel", "pages": None, "weight": "context",
         "dispute_note": "", "description": "", "author": "anna-karlova", "coauthors": []},
        [{"source": "a-novel", "quote": GLASS, "claim": {}}, {"source": "a-novel", "quote": BORN, "claim": {}}])


@pytest.mark.django_db
def test_a_removed_fact_retires_its_cards_and_coming_back_revives_them_with_progress(book, alice, bob):
    card = Card.objects.get(key="readings/person:anna-karlova:person_who")
    review_submit(user=bob, card=card, rating=3, now=NOW, review_id=uuid.uuid4())
    state = ReviewState.objects.get(user=bob, card=card)

    assert fact_remove(collection=book, by=alice, kind="person", key="anna-karlova", now=NOW) == 2

    assert not Person.objects.filter(collection=book).exists()
    assert list(Card.objects.filter(collection=book).order_by("key").values_list("key", "retired")) == [
        (key, True) for key in person_cards()]
    assert ReviewState.objects.get(pk=state.pk).card_id == card.pk

    fact, keys = fact_author(collection=book, by=alice, kind="person", fields=PERSON,
                             citations=[{"source": "a-novel", "quote": BORN}])
    assert (fact.key, keys) == ("anna-karlova", person_cards())
    card.refresh_from_db()
    assert not card.retired
    revived = ReviewState.objects.get(pk=state.pk)
    assert (revived.card_id, revived.reps, revived.due) == (card.pk, state.reps, state.due)


@pytest.mark.django_db
def test_a_fact_still_referred_to_is_not_removed_and_nothing_changes(book, alice):
    fact_author(collection=book, by=alice, kind="work", fields=WORK, citations=[{"source": "a-novel", "quote": GLASS}])
    fact_author(collection=book, by=alice, kind="event", fields={**EVENT, "works": ["the-glass-river"]},
                citations=[{"source": "a-novel", "quote": FOUNDED}])
    before = counts()
    with pytest.raises(FactInUse) as refused:
        fact_remove(collection=book, by=alice, kind="person", key="anna-karlova")
    assert str(refused.value) == (
        "person 'anna-karlova' is referred to by work 'the-glass-river' (author), event "
        "'1936-anna-karlova-and-pavel-novak-found-the-free-theatre-of-brno' (people): change or remove those first")
    with pytest.raises(FactInUse, match="work 'the-glass-river' is referred to by event '1936-anna"):
        fact_remove(collection=book, by=alice, kind="work", key="the-glass-river")
    assert counts() == before


@pytest.mark.django_db
def test_a_quote_added_to_a_fact_and_a_disputed_claim(book, alice):
    fact, keys = quote_add(collection=book, by=alice, kind="person", key="anna-karlova", source="a-novel",
                           quote="Anna Karlova was a Czech playwright and theatre director.")
    assert keys == person_cards()
    assert [c.quote for c in fact.citations.all()] == [
        BORN, "Anna Karlova was a Czech playwright and theatre director."]
    assert not fact.disputed
    fact_author(collection=book, by=alice, kind="event", fields=EVENT, citations=[{"source": "a-novel",
                                                                                   "quote": FOUNDED}])
    key = "1936-anna-karlova-and-pavel-novak-found-the-free-theatre-of-brno"
    event, _ = quote_add(collection=book, by=alice, kind="event", key=key, source="a-novel",
                         quote="Some say it was in 1937.",
                         claim={"when": "1937", "date": "1937-01-01", "precision": "year"})
    assert event.disputed
    assert [(c.quote, c.claim) for c in event.citations.all()] == [
        (FOUNDED, {}),
        ("Some say it was in 1937.", {"when": "1937", "date": "1937-01-01", "precision": "year", "end": None})]
    card = Card.objects.get(key=f"readings/event:{key}:event_when")
    assert (card.disputed, card.answer) == (
        True, "Sources differ: 1936 (according to A novel) / 1937 (according to A novel)")


@pytest.mark.django_db
def test_refused_quotes_and_claims_name_the_citation_and_change_nothing(book, alice):
    before = counts()
    cases = [
        ({"source": "a-novel", "quote": "Anna Karlova was born in Vienna."},
         "citation 2: quote not found verbatim in source 'a-novel': 'Anna Karlova was born in Vienna.'"),
        ({"source": "a-novel", "quote": BORN}, "citation 2: duplicate citation"),
        ({"source": "a-novel", "quote": GLASS, "claim": {"name": "Anna K."}},
         "citation 2: claim.name: a person claim may state only description"),
        ({"source": "nope", "quote": BORN}, "citation 2: unknown source 'nope'"),
    ]
    for citation, message in cases:
        with pytest.raises(InvalidFact) as refused:
            quote_add(collection=book, by=alice, kind="person", key="anna-karlova", **citation)
        assert (refused.value.field, str(refused.value)) == ("citations", message)
    with pytest.raises(InvalidFact) as refused:
        fact_edit(collection=book, by=alice, kind="person", key="anna-karlova", fields={**PERSON, "weight": "huge"},
                  citations=[{"source": "a-novel", "quote": BORN}])
    assert (refused.value.field, str(refused.value)) == ("weight", "bad weight 'huge': use one of core, context, "
                                                                   "mention")
    with pytest.raises(InvalidFact) as refused:
        fact_edit(collection=book, by=alice, kind="person", key="anna-karlova", fields=PERSON, citations=[])
    assert (refused.value.field, str(refused.value)) == (
        "citations", "person 'anna-karlova' has no citation: every fact cites a source")
    assert counts() == before


@pytest.mark.django_db
def test_only_owners_and_editors_write_unknown_keys_are_not_found_and_serge_is_nobodys(facts, book, alice, bob):
    before = counts()
    writes = [
        lambda who: fact_edit(collection=book, by=who, kind="person", key="anna-karlova", fields=PERSON,
                              citations=[{"source": "a-novel", "quote": BORN}]),
        lambda who: fact_remove(collection=book, by=who, kind="person", key="anna-karlova"),
        lambda who: quote_add(collection=book, by=who, kind="person", key="anna-karlova", source="a-novel",
                              quote=GLASS),
        lambda who: fact_preview(collection=book, by=who, kind="person", fields=PERSON,
                                 citations=[{"source": "a-novel", "quote": BORN}]),
        lambda who: source_edit(collection=book, by=who, key="a-novel", values={"title": "B"}),
        lambda who: source_remove(collection=book, by=who, key="a-novel"),
    ]
    for write in writes:
        with pytest.raises(NotAllowed):
            write(bob)
    assert counts() == before
    for write in (lambda: fact_edit(collection=book, by=alice, kind="work", key="anna-karlova", fields=WORK,
                                    citations=[{"source": "a-novel", "quote": GLASS}]),
                  lambda: fact_remove(collection=book, by=alice, kind="person", key="nobody"),
                  lambda: quote_add(collection=book, by=alice, kind="event", key="nobody", source="a-novel",
                                    quote=BORN),
                  lambda: source_edit(collection=book, by=alice, key="nope", values={"title": "B"}),
                  lambda: source_remove(collection=book, by=alice, key="nope")):
        with pytest.raises(FactNotFound):
            write()
    assert counts() == before
    serge = Collection.objects.get(key=SERGE)
    with pytest.raises(NotAllowed):
        fact_remove(collection=serge, by=alice, kind="person", key="victor-serge")
    assert Person.objects.filter(collection=serge, key="victor-serge").exists()
    # An editor may write.
    collection_editor_add(collection=book, by=alice, editor=bob)
    fact, _ = fact_edit(collection=book, by=bob, kind="person", key="anna-karlova",
                        fields={**PERSON, "aliases": ["Karlova"]}, citations=[{"source": "a-novel", "quote": BORN}])
    assert fact.aliases == ["Karlova"]


@pytest.mark.django_db
def test_the_preview_shows_the_cards_a_save_makes_and_keeps_nothing(book, alice):
    before = counts()
    preview = fact_preview(collection=book, by=alice, kind="work", fields=WORK,
                           citations=[{"source": "a-novel", "quote": GLASS}])
    assert counts() == before
    assert preview.key == "the-glass-river"
    assert preview.cards == [
        {"key": "readings/work:the-glass-river:work_author", "kind": "work_author", "deck": "works",
         "prompt": "Who wrote “The Glass River”?", "answer": "Anna Karlova"},
        {"key": "readings/work:the-glass-river:work_reverse", "kind": "work_reverse", "deck": "works",
         "prompt": "Which novel by Anna Karlova, published in 1931?", "answer": "The Glass River"}]
    # The rules apply as card_report applies them: the reverse prompt names the person, another card's answer.
    assert preview.violations == [{"card": "readings/work:the-glass-river:work_reverse", "rule": "cross_leak",
                                   "message": "the prompt names 'Anna Karlova', the answer of "
                                              "person:anna-karlova:person_reverse"}]
    assert preview.dropped == []
    fact, keys = fact_author(collection=book, by=alice, kind="work", fields=WORK,
                             citations=[{"source": "a-novel", "quote": GLASS}])
    made = Card.objects.filter(collection=book, fact_type="work").order_by("key")
    assert [{"key": c.key, "kind": c.kind, "deck": c.deck, "prompt": c.prompt, "answer": c.answer}
            for c in made] == preview.cards
    # An edit's preview: same keys; a description naming the work breaks a rule.
    edit = fact_preview(collection=book, by=alice, kind="work", key="the-glass-river",
                        fields={**WORK, "description": "The Glass River, her first novel."},
                        citations=[{"source": "a-novel", "quote": GLASS}])
    assert [c["key"] for c in edit.cards] == keys
    assert {"card": "", "rule": "leak", "message": "the description names the work"} in edit.violations
    assert Work.objects.get(collection=book, key="the-glass-river").description == ""


@pytest.mark.django_db
def test_the_preview_says_why_a_card_kind_is_not_made(book, alice):
    one_word = fact_preview(collection=book, by=alice, kind="person",
                            fields={"name": "Karlova", "description": "A Czech playwright."},
                            citations=[{"source": "a-novel", "quote": BORN}])
    assert [c["kind"] for c in one_word.cards] == ["person_reverse"]
    assert one_word.dropped == [{"kind": "person_who", "reason": "a one-word name is asked only the other way round "
                                                                 "(“Who was Natalia?” could be anyone)"}]
    mention = fact_preview(collection=book, by=alice, kind="event", fields={**EVENT, "weight": "mention"},
                           citations=[{"source": "a-novel", "quote": FOUNDED}])
    assert mention.cards == [] and mention.dropped == [
        {"kind": "event_when", "reason": "weighted mention: a mention gets no cards of its own"},
        {"kind": "event_reverse", "reason": "weighted mention: a mention gets no cards of its own"}]
    year = fact_preview(collection=book, by=alice, kind="event", fields=EVENT,
                        citations=[{"source": "a-novel", "quote": FOUNDED}])
    assert [c["kind"] for c in year.cards] == ["event_when"]
    assert year.dropped == [{"kind": "event_reverse", "reason": "only a day is asked the other way round (a month or "
                                                                 "a year holds too many happenings)"}]
    with pytest.raises(InvalidFact) as refused:
        fact_preview(collection=book, by=alice, kind="event", fields={**EVENT, "date": "1936-02-01"},
                     citations=[{"source": "a-novel", "quote": FOUNDED}])
    assert (refused.value.field, str(refused.value)) == ("date", "a year must start on YYYY-01-01")


@pytest.mark.django_db
def test_a_source_edit_keeps_every_quote_and_updates_the_cards_title(book, alice):
    fact_author(collection=book, by=alice, kind="work", fields={**WORK, "weight": "core"},
                citations=[{"source": "a-novel", "quote": GLASS}])
    before = counts()
    with pytest.raises(InvalidFact) as refused:
        source_edit(collection=book, by=alice, key="a-novel", values={"text": "She wrote “The Glass River”."})
    assert (refused.value.field, str(refused.value)) == (
        "text", "quotes of person 'anna-karlova', work 'the-glass-river' are not in the new text: change those "
                "facts first")
    for values, field in [({"title": ""}, "title"), ({"year": "1990"}, "year"), ({"kind": "x"}, "kind"),
                          ({"author": "x" * 201}, "author")]:
        with pytest.raises(InvalidFact) as refused:
            source_edit(collection=book, by=alice, key="a-novel", values=values)
        assert refused.value.field == field
    assert counts() == before
    source = source_edit(collection=book, by=alice, key="a-novel",
                         values={"title": "The Novel", "year": 1990, "text": TEXT + "\n\nThe end."})
    assert (source.title, source.year, source.text.endswith("The end.")) == ("The Novel", 1990, True)
    card = Card.objects.get(key="readings/work:the-glass-river:work_author")
    assert card.citations == [{"source": "a-novel", "title": "The Novel", "quote": GLASS}]


@pytest.mark.django_db
def test_a_source_is_removed_only_when_nothing_cites_it(book, alice):
    other = source_create(collection=book, by=alice, title="Notes", text="Nothing cited.")
    before = counts()
    with pytest.raises(FactInUse) as refused:
        source_remove(collection=book, by=alice, key="a-novel")
    assert str(refused.value) == "source 'a-novel' is cited by person 'anna-karlova': remove those citations first"
    assert counts() == before
    source_remove(collection=book, by=alice, key=other.key)
    assert list(Source.objects.filter(collection=book).values_list("key", flat=True)) == ["a-novel"]


@pytest.mark.django_db
def test_another_collections_cards_carry_no_serge_period_topics(book, alice):
    fact_author(collection=book, by=alice, kind="event", fields=EVENT, citations=[{"source": "a-novel",
                                                                                    "quote": FOUNDED}], now=NOW)
    # 1936 is in the Serge base's "1936-1947" period; this collection's cards have no periods at all.
    assert {tuple(topics) for topics in Card.objects.filter(collection=book).values_list("topics", flat=True)} == {()}
