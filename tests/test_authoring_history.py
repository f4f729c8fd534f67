"""Fact history (issue 21, django-simple-history): who changed which fact when, its citations included; the acting
user recorded for service writes (pages and token-authenticated API alike); fixture loads recorded with no user."""

import datetime as dt

import pytest

from studyapp.authoring.services import fact_author, fact_edit, fact_history, fact_remove, quote_add, source_edit
from studyapp.content import load_facts
from studyapp.facts.loading import fixture_files
from studyapp.facts.models import Person, Source, Work
from studyapp.facts.services import (
    FactNotFound,
    NotAllowed,
    collection_create,
    collection_editor_add,
    collection_update,
    source_create,
)
from tests.conftest import ROOT
from tests.test_authoring_edits import BORN, GLASS, PERSON, TEXT, WORK


@pytest.fixture
def book(alice):
    collection = collection_create(owner=alice, title="Readings")
    source_create(collection=collection, by=alice, title="A novel", text=TEXT)
    return collection


def shape(entries):
    """The history without its times (checked apart: newest first)."""
    assert [e["when"] for e in entries] == sorted((e["when"] for e in entries), reverse=True)
    return [(e["user"], e["action"], e["changes"]) for e in entries]


@pytest.mark.django_db
def test_history_lists_who_created_changed_quoted_and_removed_a_fact_newest_first(book, alice, bob):
    collection_editor_add(collection=book, by=alice, editor=bob)
    fact_author(collection=book, by=alice, kind="person", fields=PERSON, citations=[{"source": "a-novel",
                                                                                    "quote": BORN}])
    fact_edit(collection=book, by=bob, kind="person", key="anna-karlova",
              fields={**PERSON, "description": "Czech playwright.", "aliases": ["Karlova"]},
              citations=[{"source": "a-novel", "quote": BORN}])
    quote_add(collection=book, by=alice, kind="person", key="anna-karlova", source="a-novel", quote=GLASS)
    # Writing the same again changes nothing, so it is not a history row.
    fact_edit(collection=book, by=bob, kind="person", key="anna-karlova",
              fields={**PERSON, "description": "Czech playwright.", "aliases": ["Karlova"]},
              citations=[{"source": "a-novel", "quote": BORN}, {"source": "a-novel", "quote": GLASS}])
    fact_remove(collection=book, by=bob, kind="person", key="anna-karlova")

    entries = fact_history(collection=book, by=alice, kind="person", key="anna-karlova")
    assert shape(entries) == [
        ("bob", "removed", []),
        ("alice", "changed", ["citations"]),
        ("bob", "changed", ["aliases", "description"]),
        ("alice", "created", []),
    ]
    assert all(isinstance(e["when"], dt.datetime) for e in entries)
    # The rows hold the citations as they stood after each write.
    rows = Person.history.filter(collection_id=book.pk, key="anna-karlova").order_by("history_id")
    assert [row.history_citations for row in rows] == [
        [{"source": "a-novel", "quote": BORN, "claim": {}}],
        [{"source": "a-novel", "quote": BORN, "claim": {}}],
        [{"source": "a-novel", "quote": BORN, "claim": {}}, {"source": "a-novel", "quote": GLASS, "claim": {}}],
        None,
    ]


@pytest.mark.django_db
def test_history_names_a_works_references_and_an_events_people(book, alice):
    fact_author(collection=book, by=alice, kind="person", fields=PERSON, citations=[{"source": "a-novel",
                                                                                    "quote": BORN}])
    fact_author(collection=book, by=alice, kind="work", fields={**WORK, "author": None},
                citations=[{"source": "a-novel", "quote": GLASS}])
    fact_edit(collection=book, by=alice, kind="work", key="the-glass-river", fields=WORK,
              citations=[{"source": "a-novel", "quote": GLASS}])
    assert shape(fact_history(collection=book, by=alice, kind="work", key="the-glass-river")) == [
        ("alice", "changed", ["author"]), ("alice", "created", [])]


@pytest.mark.django_db
def test_history_is_for_owners_and_editors_and_an_unknown_key_is_not_found(book, alice, bob):
    fact_author(collection=book, by=alice, kind="person", fields=PERSON, citations=[{"source": "a-novel",
                                                                                    "quote": BORN}])
    collection_update(collection=book, by=alice, values={"visibility": "public"})
    with pytest.raises(NotAllowed):
        fact_history(collection=book, by=bob, kind="person", key="anna-karlova")
    with pytest.raises(FactNotFound):
        fact_history(collection=book, by=alice, kind="person", key="nobody")
    with pytest.raises(FactNotFound):
        fact_history(collection=book, by=alice, kind="work", key="anna-karlova")


@pytest.mark.django_db
def test_source_history_records_the_user_and_a_digest_of_the_text(book, alice):
    source_edit(collection=book, by=alice, key="a-novel", values={"title": "The Novel", "text": TEXT + " End."})
    rows = list(Source.history.filter(key="a-novel").order_by("history_id"))
    assert [(r.history_type, r.history_user, r.title, r.history_text_characters) for r in rows] == [
        ("+", alice, "A novel", len(TEXT)), ("~", alice, "The Novel", len(TEXT) + 5)]
    assert len(rows[1].history_text_sha256) == 64 and rows[0].history_text_sha256 != rows[1].history_text_sha256


@pytest.mark.django_db
def test_a_fixture_load_records_history_with_no_user_and_a_reload_adds_none(db):
    load_facts(paths=fixture_files(ROOT / "fixtures" / "serge"))
    assert Person.history.count() == Person.objects.count()
    assert Work.history.count() == Work.objects.count()
    assert set(Person.history.values_list("history_user", "history_type").distinct()) == {(None, "+")}
    serge = Person.history.get(key="victor-serge")
    assert serge.history_citations == [
        {"source": c.source.key, "quote": c.quote, "claim": c.claim}
        for c in Person.objects.get(key="victor-serge").citations.order_by("position", "pk")]
    load_facts(paths=fixture_files(ROOT / "fixtures" / "serge"))
    assert Person.history.count() == Person.objects.count()
