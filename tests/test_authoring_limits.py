"""Limits on what authoring takes (issue 21 hostile probe, findings 5, 7, 11 and 15):

- #5: an HTML (or Markdown with raw HTML) source of any nesting depth within the 1 MB cap is read, on the upload
  page, the API's create and the source edit (it was a RecursionError, a 500, from about 1,000 levels).
- #7: event dates (and ends, and a claim's) lie between the years 100 and 2999 (facts.loading.MIN_YEAR, MAX_YEAR):
  a date of year 1 broke other users' quizzes and a period page. At the edges allowed, quizzes, timelines and
  period pages work; a decade slug outside them is 404.
- #11: caps on the collections a user owns, the sources of a collection and their characters
  (settings.AUTHORING_MAX_*), and a per-user rate on source uploads over the API.
- #15: a claim's values keep the limits of the fields they state differently.
"""

import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from studyapp.cards import distractors as d
from studyapp.facts.loading import MAX_YEAR, MIN_YEAR
from studyapp.facts.models import Collection, Event, Person, Source
from studyapp.facts.services import OverLimit, collection_create, source_create

TEXT = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
        "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno. Later Karlova wrote plays.")
BORN = "Anna Karlova was born in Prague in 1901."
CITE = [{"source": "a-novel", "quote": BORN}]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def make_book(api, key="readings", visibility="private"):
    response = api.post("/api/collections/", {"title": key.title(), "visibility": visibility}, format="json")
    assert response.status_code == 201 and response.json()["key"] == key
    source = api.post(f"/api/collections/{key}/sources/", {"title": "A novel", "text": TEXT}, format="json")
    assert source.status_code == 201, source.json()
    return key


@pytest.fixture
def book(alice_api):
    """alice's private collection `readings` with one source `a-novel` holding TEXT."""
    return make_book(alice_api)


def event(date, *, when, description, end=None, precision="year", **more):
    body = {"when": when, "date": date, "precision": precision, "description": description, "weight": "core",
            "citations": CITE, **more}
    return {**body, "end": end} if end else body


# --- #5: any nesting depth ---------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_html_is_read_on_the_api_create_and_edit(alice_api, book, depth):
    created = alice_api.post("/api/collections/readings/sources/",
                             {"title": "Deep", "text": "<div>" * depth + "x", "format": "html"}, format="json")
    assert created.status_code == 201, created.content[:300]
    assert created.json()["characters"] == 1
    markdown = alice_api.post("/api/collections/readings/sources/",
                              {"title": "Deep notes", "text": "<div>" * depth + "x", "format": "markdown"},
                              format="json")
    assert markdown.status_code == 201 and markdown.json()["characters"] == 1
    # A PATCH body is at most 64 KiB (settings.API_MAX_BODY_BYTES): 20,000 levels at most there.
    edited = alice_api.patch("/api/collections/readings/sources/deep/", {
        "text": "<b>" * min(depth, 20_000) + "Anna Karlova wrote plays.", "format": "html"}, format="json")
    assert edited.status_code == 200, edited.content[:300]
    assert Source.objects.get(collection__key="readings", key="deep").text == "Anna Karlova wrote plays."


@pytest.mark.django_db
def test_a_cited_sources_deep_html_edit_keeps_its_quotes(alice_api, book):
    person = {"name": "Anna Karlova", "description": "Czech playwright.", "citations": CITE}
    assert alice_api.post("/api/collections/readings/people/", person, format="json").status_code == 201
    edited = alice_api.patch("/api/collections/readings/sources/a-novel/",
                             {"text": "<b>" * 1_200 + f"<p>{BORN}</p>", "format": "html"}, format="json")
    assert edited.status_code == 200, edited.json()
    assert Source.objects.get(collection__key="readings", key="a-novel").text == BORN


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_uploads_are_read_on_the_pages(alice, alice_api, book, depth):
    client = client_for(alice)
    for name in ("d.html", "d.md"):
        upload = SimpleUploadedFile(name, b"<div>" * depth + b"x")
        response = client.post("/collections/readings/sources/new/", {"title": f"Deep {name}", "file": upload})
        assert response.status_code == 302, response.content[:300]
    assert sorted(Source.objects.filter(collection__key="readings").values_list("key", "text")) == [
        ("a-novel", TEXT), ("deep-dhtml", "x"), ("deep-dmd", "x")]
    edit = client.post("/collections/readings/sources/deep-dhtml/edit/", {
        "title": "Deep d.html", "file": SimpleUploadedFile("e.html", b"<span>" * depth + b"y")})
    assert edit.status_code == 302, edit.content[:300]
    assert Source.objects.get(collection__key="readings", key="deep-dhtml").text == "y"


# --- #7: event dates between the years 100 and 2999 ----------------------------------------------------------

def test_the_year_bounds_leave_room_for_every_shift_of_a_date():
    assert (MIN_YEAR, MAX_YEAR) == (100, 2999)
    assert MIN_YEAR - 40 >= dt.MINYEAR and MAX_YEAR + 40 <= dt.MAXYEAR  # decade distractors move up to 40 years


RANGE_MESSAGE = "is out of range: use a date between the years 100 and 2999"


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "field", "message"), [
    (event("0001-01-01", when="year one", description="Odd year one happened."), "date",
     f"date 0001-01-01 {RANGE_MESSAGE}"),
    (event("0099-01-01", when="99", description="Something happened in 99."), "date",
     f"date 0099-01-01 {RANGE_MESSAGE}"),
    (event("3000-01-01", when="3000", description="Something will happen."), "date",
     f"date 3000-01-01 {RANGE_MESSAGE}"),
    (event("1936-01-01", when="1936", description="A theatre opened.", end="9999-12-31"), "end",
     f"end 9999-12-31 {RANGE_MESSAGE}"),
    (event("1936-01-01", when="1936", description="A theatre opened.", end="3000-01-01"), "end",
     f"end 3000-01-01 {RANGE_MESSAGE}"),
    (event("1936-01-01", when="1936", description="A theatre opened.",
           citations=[{**CITE[0], "claim": {"when": "year one", "date": "0001-01-01", "precision": "year"}}]),
     "citations", f"citation 1: claim.date: date 0001-01-01 {RANGE_MESSAGE}"),
    (event("1936-01-01", when="1936", description="A theatre opened.",
           citations=[{**CITE[0], "claim": {"when": "1936 on", "date": "1936-01-01", "precision": "year",
                                            "end": "9999-12-31"}}]),
     "citations", f"citation 1: claim.end: end 9999-12-31 {RANGE_MESSAGE}"),
])
def test_an_event_date_outside_the_years_100_to_2999_is_400_naming_the_field(alice_api, book, body, field, message):
    response = alice_api.post("/api/collections/readings/events/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert response.json()["detail"] == f"{field}: {message}"
    assert not Event.objects.filter(collection__key="readings").exists()


@pytest.mark.django_db
def test_a_quote_claiming_a_date_out_of_range_and_an_edit_to_one_are_refused(alice_api, book):
    created = alice_api.post("/api/collections/readings/events/",
                             event("1936-01-01", when="1936", description="A theatre opened."), format="json")
    assert created.status_code == 201
    url = f"/api/collections/readings/events/{created.json()['key']}/"
    quote = alice_api.post(f"{url}citations/", {"source": "a-novel", "quote": "Later Karlova wrote plays.", "claim": {
        "when": "2999 or later", "date": "3001-01-01", "precision": "year"}}, format="json")
    assert quote.status_code == 400
    assert quote.json()["errors"] == {"citations": [f"citation 2: claim.date: date 3001-01-01 {RANGE_MESSAGE}"]}
    patch = alice_api.patch(url, {"date": "0010-01-01"}, format="json")
    assert patch.status_code == 400 and patch.json()["errors"] == {"date": [f"date 0010-01-01 {RANGE_MESSAGE}"]}
    assert Event.objects.get(collection__key="readings").date == dt.date(1936, 1, 1)


@pytest.mark.django_db
def test_the_event_page_form_refuses_year_one_on_the_date_field(alice, book):
    response = client_for(alice).post("/collections/readings/new/event/", {
        "when": "year one", "date": "0001-01-01", "precision": "year", "description": "Odd year one happened.",
        "weight": "core", "aliases": "", "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0",
        "cite-0-source": "a-novel", "cite-0-quote": BORN})
    assert response.status_code == 400
    assert f"date 0001-01-01 {RANGE_MESSAGE}" in response.content.decode()
    assert not Event.objects.exists()


EDGE_EVENTS = [
    event("0100-01-01", when="100", description="A Roman road was paved near the river."),
    event("0100-01-01", when="the 100s", precision="decade", description="Traders crossed the hills every spring."),
    event("0100-02-01", when="February 100", precision="month", description="A bridge was opened to carts."),
    event("0100-01-01", when="100 to 2999", end="2999-12-31", description="The old stone well was in use."),
    event("2999-01-01", when="2999", description="The last archive of the city was sealed."),
    event("2990-01-01", when="the 2990s", precision="decade", description="Colonists left for the outer moons."),
    event("2999-12-31", when="31 December 2999", precision="day", description="A clock tower struck its final hour."),
    event("2998-01-01", when="2998 to 2999", end="2999-12-31", description="A long winter froze the harbour."),
]


@pytest.fixture
def edges(alice_api):
    """alice's public collection `edges`: events at the earliest and latest dates allowed (decades, spans, a day)."""
    make_book(alice_api, "edges", visibility="public")
    for body in EDGE_EVENTS:
        response = alice_api.post("/api/collections/edges/events/", body, format="json")
        assert response.status_code == 201, response.json()
    return "edges"


@pytest.mark.django_db
def test_quizzes_over_events_at_the_years_100_and_2999_are_made_for_everyone(alice_api, bob_api, edges):
    asked = [bob_api.post("/api/quizzes/", {"collection": "edges", "deck": "events", "size": 20}, format="json")
             for _ in range(8)]
    assert [r.status_code for r in asked] == [201] * 8, [r.content[:300] for r in asked if r.status_code != 201]
    # bob studies every public collection (the default), the probe's 500s: a quiz over all of them.
    everything = [bob_api.post("/api/quizzes/", {"deck": "events", "size": 20}, format="json").status_code
                  for _ in range(8)]
    assert everything == [201] * 8
    period = bob_api.post("/api/quizzes/", {"collection": "edges", "deck": "all", "size": 5, "scope": "period:100s"},
                          format="json")
    assert period.status_code == 201, period.json()
    assert bob_api.post("/api/quizzes/", {"collection": "edges", "deck": "all", "scope": "period:0000s"},
                        format="json").status_code == 400


@pytest.mark.django_db
def test_every_date_distractor_at_the_edges_is_a_real_date():
    """The distractors of every edge event, with many seeds: never a ValueError, never an option out of range."""
    cases = [(dt.date(100, 1, 1), "year", None), (dt.date(100, 1, 1), "decade", None),
             (dt.date(100, 1, 1), "year", dt.date(2999, 12, 31)), (dt.date(2990, 1, 1), "decade", None),
             (dt.date(2999, 12, 31), "day", None), (dt.date(2996, 2, 29), "day", None),
             # Python's own edges, which the loader refuses: still no error here.
             (dt.date(1, 1, 1), "year", None), (dt.date(1, 1, 1), "decade", None), (dt.date(9999, 12, 31), "day", None),
             (dt.date(9990, 1, 1), "decade", None), (dt.date(1, 1, 1), "year", dt.date(9999, 12, 31))]
    for date, precision, end in cases:
        for seed in range(20):
            options = d.dates(date, precision, avoid_years=(), rng=random.Random(seed), n=3, end=end)
            assert d.format_date(date, precision, end) not in options
    assert d.shift_date(dt.date(1, 1, 1), -1) is None and d.shift_date(dt.date(9999, 1, 1), 1) is None
    assert d.shift_date(dt.date(2000, 2, 29), 1) == dt.date(2001, 2, 28)


@pytest.mark.django_db
def test_timeline_period_and_event_pages_work_at_the_edges_and_bad_decades_are_404(bob, edges):
    client = client_for(bob)
    for url in ("/timeline/?collection=edges", "/periods/100s/?collection=edges", "/periods/2990s/?collection=edges",
                "/periods/1930s/?collection=edges", "/quiz/?collection=edges", "/study/?collection=edges"):
        assert client.get(url).status_code == 200, url
    period = client.get("/periods/100s/?collection=edges").content.decode()
    assert "A Roman road was paved near the river." in period
    for key in Event.objects.filter(collection__key="edges").values_list("key", flat=True):
        assert client.get(f"/events/{key}/?collection=edges").status_code == 200, key
    # A decade outside the years events may have is empty, like any decade without events; one whose years
    # Python's dates do not hold (the 0s: year 0), or not written as the pages write it, is 404 (it was a 500).
    for slug in ("10s", "90s", "3000s", "9990s"):
        assert client.get(f"/periods/{slug}/?collection=edges").status_code == 200, slug
    for slug in ("0000s", "0s", "00s", "0100s", "00100s", "10000s", "1935s", "100", "s"):
        assert client.get(f"/periods/{slug}/?collection=edges").status_code == 404, slug


# --- #15: a claim's values keep their fields' limits -----------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("url", "body", "message"), [
    ("people", {"name": "Anna Karlova", "description": "Czech playwright.",
                "citations": [{**CITE[0], "claim": {"description": "x" * 5000}}]},
     "citation 1: claim.description: 5,000 characters; at most 2,000"),
    ("people", {"name": "Anna Karlova", "description": "Czech playwright.",
                "citations": [{**CITE[0], "claim": {"description": "x" * 2001}}]},
     "citation 1: claim.description: 2,001 characters; at most 2,000"),
    ("events", event("1936-01-01", when="1936", description="A theatre opened.", citations=[
        {**CITE[0], "claim": {"description": "y" * 2001}}]),
     "citation 1: claim.description: 2,001 characters; at most 2,000"),
    ("events", event("1936-01-01", when="1936", description="A theatre opened.", citations=[
        {**CITE[0], "claim": {"when": "w" * 101, "date": "1937-01-01", "precision": "year"}}]),
     "citation 1: claim.when: 101 characters; at most 100"),
    ("works", {"title": "The Glass River", "citations": [{**CITE[0], "claim": {"year": 10_000}}]},
     "citation 1: claim.year: must be a whole number from 0 to 9999"),
    ("works", {"title": "The Glass River", "citations": [{**CITE[0], "claim": {"year": -1}}]},
     "citation 1: claim.year: must be a whole number from 0 to 9999"),
])
def test_a_claim_over_its_fields_limit_is_400_naming_the_claim_field(alice_api, book, url, body, message):
    response = alice_api.post(f"/api/collections/readings/{url}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"citations": [message]}
    assert not Person.objects.filter(collection__key="readings").exists()


@pytest.mark.django_db
def test_a_claim_at_its_fields_limit_is_kept_and_a_quote_over_it_is_refused(alice_api, book):
    at_limit = alice_api.post("/api/collections/readings/people/", {
        "name": "Anna Karlova", "description": "Czech playwright.",
        "citations": [CITE[0], {"source": "a-novel", "quote": "Later Karlova wrote plays.",
                                "claim": {"description": "z" * 2000}}]}, format="json")
    assert at_limit.status_code == 201, at_limit.json()
    over = alice_api.post("/api/collections/readings/people/anna-karlova/citations/", {
        "source": "a-novel", "quote": "She wrote “The Glass River” in March 1931.",
        "claim": {"description": "z" * 2001}}, format="json")
    assert over.status_code == 400
    assert over.json()["errors"] == {"citations": ["citation 3: claim.description: 2,001 characters; at most 2,000"]}
    assert Person.objects.get(collection__key="readings").citations.count() == 2


# --- #11: caps on collections, sources and their text; a rate on uploads ---------------------------------------

def test_the_caps_are_settings_with_the_documented_defaults(settings):
    assert settings.AUTHORING_MAX_COLLECTIONS_PER_USER == 50
    assert settings.AUTHORING_MAX_SOURCES_PER_COLLECTION == 200
    assert settings.AUTHORING_MAX_COLLECTION_TEXT_CHARS == 20_000_000
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["source_upload"] == "60/hour"


COLLECTIONS_FULL = ("you own 50 collections, the most one user may: delete one you no longer need, or hand it to "
                    "an editor, before you create another")


@pytest.mark.django_db
def test_a_user_owns_at_most_50_collections_and_deleting_one_frees_a_place(alice_api, bob_api):
    codes = [alice_api.post("/api/collections/", {"title": f"Shelf {n}", "visibility": "private"},
                            format="json").status_code for n in range(51)]
    assert codes == [201] * 50 + [400]
    refused = alice_api.post("/api/collections/", {"title": "One more", "visibility": "public"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"detail": COLLECTIONS_FULL, "errors": {"non_field_errors": [COLLECTIONS_FULL]}}
    assert Collection.objects.filter(owner__username="alice").count() == 50
    assert bob_api.post("/api/collections/", {"title": "Bob's", "visibility": "private"},
                        format="json").status_code == 201
    assert alice_api.delete("/api/collections/shelf-0/").status_code == 204
    assert alice_api.post("/api/collections/", {"title": "One more", "visibility": "private"},
                          format="json").status_code == 201


@pytest.mark.django_db
def test_a_collection_is_not_handed_to_an_editor_who_owns_as_many_as_one_may(alice_api, bob_api, bob, settings):
    settings.AUTHORING_MAX_COLLECTIONS_PER_USER = 2
    alice_api.post("/api/collections/", {"title": "Gift", "visibility": "private"}, format="json")
    alice_api.post("/api/collections/gift/editors/", {"username": "bob"}, format="json")
    for title in ("B1", "B2"):
        assert bob_api.post("/api/collections/", {"title": title, "visibility": "private"},
                            format="json").status_code == 201
    handed = alice_api.patch("/api/collections/gift/", {"owner": "bob"}, format="json")
    assert handed.status_code == 400
    assert handed.json()["errors"] == {"owner": ["bob already owns 2 collections, the most one user may"]}
    assert Collection.objects.get(key="gift").owner.username == "alice"
    with pytest.raises(OverLimit) as error:
        collection_create(owner=bob, title="B3")
    assert error.value.field is None


SOURCES_FULL = ("this collection holds 3 sources, the most a collection may: remove one it no longer needs, or start "
                "another collection")


@pytest.mark.django_db
def test_a_collection_holds_at_most_so_many_sources(alice_api, alice, book, settings):
    settings.AUTHORING_MAX_SOURCES_PER_COLLECTION = 3
    codes = [alice_api.post("/api/collections/readings/sources/", {"title": f"Part {n}", "text": "Some text."},
                            format="json").status_code for n in range(3)]
    assert codes == [201, 201, 400]
    refused = alice_api.post("/api/collections/readings/sources/", {"title": "More", "text": "Text."}, format="json")
    assert refused.json() == {"detail": SOURCES_FULL, "errors": {"non_field_errors": [SOURCES_FULL]}}
    assert Source.objects.filter(collection__key="readings").count() == 3
    assert alice_api.delete("/api/collections/readings/sources/part-0/").status_code == 204
    assert alice_api.post("/api/collections/readings/sources/", {"title": "More", "text": "Text."},
                          format="json").status_code == 201


@pytest.mark.django_db
def test_the_default_cap_of_200_sources(alice):
    collection = collection_create(owner=alice, title="Course")
    for n in range(200):
        source_create(collection=collection, by=alice, title=f"Reading {n}", text="A text.")
    with pytest.raises(OverLimit, match="^this collection holds 200 sources, the most a collection may"):
        source_create(collection=collection, by=alice, title="One more", text="A text.")


@pytest.mark.django_db
def test_a_collections_stored_text_is_capped_on_create_and_on_a_longer_edit(alice_api, alice, book, settings):
    settings.AUTHORING_MAX_COLLECTION_TEXT_CHARS = len(TEXT) + 100
    assert alice_api.post("/api/collections/readings/sources/", {"title": "Sixty", "text": "s" * 60},
                          format="json").status_code == 201
    over = alice_api.post("/api/collections/readings/sources/", {"title": "Big", "text": "b" * 41}, format="json")
    assert over.status_code == 400
    message = (f"this text has 41 characters and the collection's other sources {len(TEXT) + 60}: a collection holds "
               f"at most {len(TEXT) + 100}: shorten it, remove a source the collection no longer needs, or start "
               f"another collection")
    assert over.json()["errors"] == {"text": [message]}
    assert alice_api.post("/api/collections/readings/sources/", {"title": "Forty", "text": "f" * 40},
                          format="json").status_code == 201
    # An edit counts the new text in place of the old: shorter or as long always passes, longer only within the cap.
    assert alice_api.patch("/api/collections/readings/sources/sixty/", {"text": "t" * 60},
                           format="json").status_code == 200
    longer = alice_api.patch("/api/collections/readings/sources/sixty/", {"text": "t" * 61}, format="json")
    assert longer.status_code == 400 and list(longer.json()["errors"]) == ["text"]
    assert alice_api.patch("/api/collections/readings/sources/forty/", {"text": "f" * 10},
                           format="json").status_code == 200
    assert alice_api.patch("/api/collections/readings/sources/sixty/", {"text": "t" * 90},
                           format="json").status_code == 200
    assert Source.objects.get(collection__key="readings", key="sixty").text == "t" * 90
    # The page's source edit shows the message on the text.
    page = client_for(alice).post("/collections/readings/sources/forty/edit/",
                                  {"title": "Forty", "text": "f" * 11})
    assert page.status_code == 400
    assert "a collection holds at most" in page.content.decode()
    assert Source.objects.get(collection__key="readings", key="forty").text == "f" * 10


@pytest.mark.django_db
def test_source_uploads_over_the_api_are_rate_limited_per_user(alice_api, bob_api, book, monkeypatch):
    # 4: the fixture's upload is one.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"source_upload": "4/hour"})
    posts = [alice_api.post("/api/collections/readings/sources/", {"title": f"T{n}", "text": "Text."},
                            format="json").status_code for n in range(2)]
    text_edit = alice_api.patch("/api/collections/readings/sources/t0/", {"text": "Other text."}, format="json")
    assert posts + [text_edit.status_code] == [201, 201, 200]
    refused = alice_api.post("/api/collections/readings/sources/", {"title": "T9", "text": "Text."}, format="json")
    assert refused.status_code == 429 and "Retry-After" in refused
    assert alice_api.patch("/api/collections/readings/sources/t0/", {"text": "Again."},
                           format="json").status_code == 429
    # Reading and changing a title are not uploads; another user has their own allowance.
    assert alice_api.patch("/api/collections/readings/sources/t0/", {"title": "Renamed"},
                           format="json").status_code == 200
    assert alice_api.get("/api/collections/readings/sources/").status_code == 200
    make_book(bob_api, "bobs")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["null", "[]", '"text"', "7"])
def test_a_source_patch_whose_body_is_not_an_object_is_400(alice_api, book, body):
    """make fuzz: a PATCH of `null` was a 500 in the upload throttle's check for a new text."""
    response = alice_api.generic("PATCH", "/api/collections/readings/sources/a-novel/", body,
                                 content_type="application/json")
    assert response.status_code == 400
