"""The `facts` fixture copies the rows of one real load into each test: the same base as loading it there."""

import datetime as dt

from studyapp.cards.models import Card
from studyapp.content import load_facts
from studyapp.facts.loading import fixture_files
from studyapp.facts.models import Citation, Collection, Event, Idea, Person, Source, Work
from studyapp.quiz.selectors import fact_pool
from tests.conftest import ROOT


def test_loading_the_fixtures_again_over_the_copied_base_changes_nothing(facts):
    report = load_facts(paths=fixture_files(ROOT / "fixtures" / "serge"))
    counts = (Source.objects.count(), Person.objects.count(), Work.objects.count(), Event.objects.count(),
              Idea.objects.count(), Citation.objects.count(), Card.objects.active().count())
    assert (report.created, report.updated, report.deleted) == ({}, {}, {})
    assert report.cards == {"created": 0, "updated": 0, "retired": 0, "unchanged": counts[-1]}
    assert facts.created == {"sources": counts[0], "people": counts[1], "works": counts[2], "events": counts[3],
                             "ideas": counts[4]}
    assert facts.cards == report.cards | {"created": counts[-1], "unchanged": 0}


def test_rows_written_after_the_copy_get_new_primary_keys(facts):
    """The copy keeps the loaded primary keys; new rows (of the copied tables) are numbered after them."""
    models = (Card, Source, Citation, Event, Event.people.through)
    highest = {model: model.objects.order_by("-pk").values_list("pk", flat=True).first() for model in models}
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    card = Card.objects.create(key="person:nobody:person_who", fact_type="person", fact_key="nobody",
                               sibling_key="person:nobody", kind="person_who", deck="people", prompt="?", answer="!",
                               created_at=now, updated_at=now, collection=Collection.objects.get(key="serge"))
    source = Source.objects.create(key="new.txt", title="New", collection=card.collection)
    serge = Person.objects.get(key="victor-serge")
    citation = Citation.objects.create(source=source, person=serge, quote="new")
    event = Event.objects.create(key="new-event", when="1920", date=dt.date(1920, 1, 1), precision="year",
                                 description="Something new.", collection=card.collection)
    event.people.add(serge)
    new = (card, source, citation, event, Event.people.through.objects.get(event=event))
    assert [row.pk > highest[type(row)] for row in new] == [True] * len(new)


def test_the_quiz_pool_is_read_from_the_copied_base(facts):
    pool = fact_pool()
    assert (len(pool.people), len(pool.works), len(pool.events)) == (
        Person.objects.count(), Work.objects.count(), Event.objects.count())
