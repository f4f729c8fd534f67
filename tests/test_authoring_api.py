"""Authoring over the API (issue 21): sources with their text, people/works/events citing them verbatim, their cards
made at once and studied in that collection, suggestions; the collections API's 404/403 rules on every endpoint."""

import pytest
from rest_framework.test import APIClient

from studyapp.cards.models import Card
from studyapp.facts.models import SERGE, Citation, Person, Source

TEXT = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
        "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno. Later Karlova wrote plays.")


@pytest.fixture
def book(alice_api):
    """alice's private collection `readings` with one source, key `a-novel`."""
    key = alice_api.post("/api/collections/", {"title": "Readings", "visibility": "private"}, format="json").json()
    assert key["key"] == "readings"
    response = alice_api.post("/api/collections/readings/sources/",
                              {"title": "A novel", "text": TEXT, "author": "J. Doe", "year": 1990}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


PERSON = {"name": "Anna Karlova", "description": "Czech playwright who founded the Free Theatre of Brno.",
          "citations": [{"source": "a-novel", "quote": "Anna Karlova was born in Prague in 1901."}]}


@pytest.mark.django_db
def test_a_source_is_created_listed_and_read_with_its_text(alice_api, book):
    assert book == {"key": "a-novel", "title": "A novel", "author": "J. Doe", "year": 1990, "characters": len(TEXT)}
    again = alice_api.post("/api/collections/readings/sources/", {"title": "A novel", "text": "More."}, format="json")
    assert again.status_code == 201 and again.json() == {"key": "a-novel-2", "title": "A novel", "author": "",
                                                         "year": None, "characters": 5}
    listed = alice_api.get("/api/collections/readings/sources/").json()
    assert [s["key"] for s in listed] == ["a-novel", "a-novel-2"] and "text" not in listed[0]
    one = alice_api.get("/api/collections/readings/sources/a-novel/").json()
    assert one == {**book, "text": TEXT}
    assert Source.objects.get(collection__key="readings", key="a-novel").text == TEXT
    assert alice_api.get("/api/collections/readings/sources/nope/").status_code == 404


@pytest.mark.django_db
def test_a_source_in_markdown_or_html_is_stored_as_text_and_the_size_cap_is_413(alice_api, book):
    md = alice_api.post("/api/collections/readings/sources/",
                        {"title": "Notes", "text": "# Notes\n\nShe wrote *The Glass River*.", "format": "markdown"},
                        format="json")
    assert md.status_code == 201
    assert alice_api.get("/api/collections/readings/sources/notes/").json()["text"] == \
        "Notes\n\nShe wrote The Glass River."
    html = alice_api.post("/api/collections/readings/sources/",
                          {"title": "Page", "text": "<p>One<br>two</p><script>x()</script>", "format": "html"},
                          format="json")
    assert alice_api.get(f"/api/collections/readings/sources/{html.json()['key']}/").json()["text"] == "One\ntwo"
    big = alice_api.post("/api/collections/readings/sources/", {"title": "Big", "text": "a" * 1_000_001},
                         format="json")
    assert big.status_code == 413
    assert big.json()["detail"] == "text: the source is 1,000,001 bytes; at most 1,000,000: split it in parts"
    blank = alice_api.post("/api/collections/readings/sources/", {"title": "Blank", "text": "<p> </p>",
                                                                  "format": "html"}, format="json")
    assert blank.status_code == 400 and blank.json()["detail"] == "text: the source has no text"
    bad = alice_api.post("/api/collections/readings/sources/", {"title": "X", "text": "x", "format": "pdf"},
                         format="json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("format: ")
    assert Source.objects.filter(collection__key="readings").count() == 3


@pytest.mark.django_db
def test_roles_private_is_404_and_a_reader_who_may_not_change_it_gets_403(alice_api, bob_api, charlie_api, book):
    urls = ["/api/collections/readings/sources/", "/api/collections/readings/sources/a-novel/",
            "/api/collections/readings/sources/a-novel/suggestions/"]
    writes = [("/api/collections/readings/sources/", {"title": "T", "text": "Some text."}),
              ("/api/collections/readings/people/", PERSON),
              ("/api/collections/readings/works/", {"title": "The Glass River", "citations": PERSON["citations"]}),
              ("/api/collections/readings/events/", {"when": "1901", "date": "1901-01-01", "precision": "year",
                                                     "description": "Anna Karlova is born.",
                                                     "citations": PERSON["citations"]})]
    assert [bob_api.get(url).status_code for url in urls] == [404, 404, 404]
    assert [bob_api.post(url, body, format="json").status_code for url, body in writes] == [404, 404, 404, 404]
    alice_api.patch("/api/collections/readings/", {"visibility": "unlisted"}, format="json")
    assert [bob_api.get(url).status_code for url in urls] == [200, 200, 200]
    refused = [bob_api.post(url, body, format="json") for url, body in writes]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert refused[0].json() == {"detail": "only the collection's owner and editors change it"}
    assert charlie_api.post(*writes[0], format="json").status_code == 403
    alice_api.post("/api/collections/readings/editors/", {"username": "charlie"}, format="json")
    assert charlie_api.post(*writes[0], format="json").status_code == 201
    assert [charlie_api.post(url, body, format="json").status_code for url, body in writes[1:]] == [201] * 3
    assert APIClient().get(urls[0]).status_code in (401, 403)
    # Nobody writes to the built-in Serge collection over the API.
    assert alice_api.post(f"/api/collections/{SERGE}/sources/", writes[0][1], format="json").status_code == 403


@pytest.mark.django_db
def test_a_verbatim_quote_makes_a_person_and_its_cards_studied_in_that_collection(alice_api, alice, bob_api, book):
    response = alice_api.post("/api/collections/readings/people/", PERSON, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    cards = list(Card.objects.filter(collection__key="readings", fact_key="anna-karlova", retired=False)
                 .order_by("key").values_list("key", flat=True))
    assert body == {"kind": "person", "key": "anna-karlova", "cards": cards, "fact": {
        "key": "anna-karlova", "name": "Anna Karlova", "aliases": [], "description": PERSON["description"],
        "roles": [], "weight": "context", "citations": PERSON["citations"]}}
    assert cards == ["readings/person:anna-karlova:person_reverse", "readings/person:anna-karlova:person_who"]
    card = Card.objects.get(key=cards[1])
    assert (card.fact_type, card.deck, card.answer) == ("person", "people", PERSON["description"])
    studied = alice_api.get("/api/study/next/?collection=readings")
    assert studied.status_code == 200 and studied.json()["key"] in cards
    assert bob_api.get("/api/study/next/?collection=readings").status_code == 404
    # The same name again gets its own key; the citation is stored as given.
    second = alice_api.post("/api/collections/readings/people/", PERSON, format="json").json()
    assert second["key"] == "anna-karlova-2"
    assert Citation.objects.filter(person__collection__key="readings").count() == 2


@pytest.mark.django_db
def test_a_quote_not_verbatim_in_its_source_is_400_naming_citations_and_writes_nothing(alice_api, book):
    for quote, message in [
        ("Anna Karlova was born in Prague in 1902.",
         "citations: citation 1: quote not found verbatim in source 'a-novel': "
         "'Anna Karlova was born in Prague in 1902.'"),
        ("anna karlova was born in Prague in 1901.",
         "citations: citation 1: quote not found verbatim in source 'a-novel': "
         "'anna karlova was born in Prague in 1901.'"),
    ]:
        response = alice_api.post("/api/collections/readings/people/",
                                  {**PERSON, "citations": [{"source": "a-novel", "quote": quote}]}, format="json")
        assert response.status_code == 400 and response.json()["detail"] == message
        assert list(response.json()["errors"]) == ["citations"]
    unknown = alice_api.post("/api/collections/readings/people/",
                             {**PERSON, "citations": [{"source": "nope", "quote": "x"}]}, format="json")
    assert unknown.json()["detail"] == "citations: citation 1: unknown source 'nope'"
    none = alice_api.post("/api/collections/readings/people/", {**PERSON, "citations": []}, format="json")
    assert none.status_code == 400 and list(none.json()["errors"]) == ["citations"]
    assert not Person.objects.filter(collection__key="readings").exists()
    assert not Card.objects.filter(collection__key="readings").exists()


@pytest.mark.django_db
def test_works_and_events_are_validated_like_fixtures_and_refer_to_the_collections_keys(alice_api, book):
    alice_api.post("/api/collections/readings/people/", PERSON, format="json")
    quote = "She wrote “The Glass River” in March 1931."
    work = alice_api.post("/api/collections/readings/works/",
                          {"title": "The Glass River", "kind": "novel", "author": "anna-karlova", "year": 1931,
                           "citations": [{"source": "a-novel", "quote": quote}]}, format="json")
    assert work.status_code == 201, work.json()
    assert work.json()["fact"] == {"key": "the-glass-river", "title": "The Glass River", "aliases": [],
                                   "kind": "novel", "year": 1931, "author": "anna-karlova", "weight": "context",
                                   "citations": [{"source": "a-novel", "quote": quote}]}
    assert work.json()["cards"] and all(k.startswith("readings/work:the-glass-river:") for k in work.json()["cards"])
    nobody = alice_api.post("/api/collections/readings/works/",
                            {"title": "X", "author": "nobody", "citations": [{"source": "a-novel", "quote": quote}]},
                            format="json")
    assert nobody.status_code == 400 and nobody.json()["detail"] == "author: unknown person 'nobody'"
    event_quote = "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno."
    event = {"when": "1936", "date": "1936-01-01", "precision": "year",
             "description": "Anna Karlova and Pavel Novak found the Free Theatre of Brno.", "people": ["anna-karlova"],
             "citations": [{"source": "a-novel", "quote": event_quote}]}
    made = alice_api.post("/api/collections/readings/events/", event, format="json")
    assert made.status_code == 201, made.json()
    assert made.json()["key"] == "1936-anna-karlova-and-pavel-novak-found-the-free-theatre-of-brno"
    assert made.json()["fact"]["people"] == ["anna-karlova"] and made.json()["fact"]["end"] is None
    bad_date = alice_api.post("/api/collections/readings/events/", {**event, "date": "1936-03-01"}, format="json")
    assert bad_date.status_code == 400 and bad_date.json()["detail"] == "date: a year must start on YYYY-01-01"


@pytest.mark.django_db
def test_suggestions_are_candidates_with_verbatim_quotes_knowing_the_collections_names(alice_api, book):
    url = "/api/collections/readings/sources/a-novel/suggestions/"
    before = alice_api.get(url)
    assert before.status_code == 200
    born, glass, founded = ("Anna Karlova was born in Prague in 1901.", "She wrote “The Glass River” in March 1931.",
                            "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno.")
    found = [
        {"kind": "person", "text": "Anna Karlova", "quote": born},
        {"kind": "event", "text": "1901", "quote": born},
        {"kind": "work", "text": "The Glass River", "quote": glass},
        {"kind": "event", "text": "March 1931", "quote": glass},
        {"kind": "event", "text": "1936", "quote": founded},
        {"kind": "person", "text": "Pavel Novak", "quote": founded},
        {"kind": "person", "text": "Free Theatre", "quote": founded},
        {"kind": "work", "text": "Free Theatre of Brno", "quote": founded},
    ]
    assert before.json() == found
    # Once the collection knows Anna Karlova by her alias "Karlova", the lone surname is found too.
    made = alice_api.post("/api/collections/readings/people/", {**PERSON, "aliases": ["Karlova"]}, format="json")
    assert made.status_code == 201
    after = alice_api.get(url).json()
    assert after == [*found, {"kind": "person", "text": "Karlova", "quote": "Later Karlova wrote plays."}]
    assert all(row["quote"] in TEXT and row["text"] in row["quote"] for row in after)
    assert alice_api.get("/api/collections/readings/sources/nope/suggestions/").status_code == 404


@pytest.mark.django_db
def test_long_titles_get_distinct_keys_cut_to_80_characters(alice_api, book):
    """Found by make fuzz: the third source of one 300-character title collided with the second (a 500)."""
    keys = [alice_api.post("/api/collections/readings/sources/", {"title": "0" * 300, "text": "0"},
                           format="json").json()["key"] for _ in range(3)]
    assert keys == ["0" * 80, "0" * 78 + "-2", "0" * 78 + "-3"]


@pytest.mark.django_db
def test_the_schema_documents_the_authoring_endpoints(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths["/api/collections/{key}/sources/"]) >= {"get", "post"}
    assert set(paths["/api/collections/{key}/sources/{source}/"]) >= {"get"}
    assert set(paths["/api/collections/{key}/sources/{source}/suggestions/"]) >= {"get"}
    for kind in ("people", "works", "events"):
        post = paths[f"/api/collections/{{key}}/{kind}/"]["post"]
        assert set(post["responses"]) == {"201", "400", "403", "404"}
    assert set(paths["/api/collections/{key}/sources/"]["post"]["responses"]) == {"201", "400", "403", "404", "413"}
    required = schema["components"]["schemas"]["PersonInRequest"]["required"]
    assert sorted(required) == ["citations", "description", "name"]
    assert schema["components"]["schemas"]["FactKindEnum"]["enum"] == ["person", "work", "event"]
