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
        "roles": [], "weight": "context", "dispute_note": "",
        "citations": [{**PERSON["citations"][0], "claim": {}}]}}
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
                                   "pages": None, "dispute_note": "", "description": "", "coauthors": [],
                                   "citations": [{"source": "a-novel", "quote": quote, "claim": {}}]}
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
    assert set(paths["/api/collections/{key}/sources/"]["post"]["responses"]) == {"201", "400", "403", "404", "413",
                                                                                "429"}
    required = schema["components"]["schemas"]["PersonInRequest"]["required"]
    assert sorted(required) == ["citations", "description", "name"]
    assert schema["components"]["schemas"]["FactKindEnum"]["enum"] == ["person", "work", "event"]


# --- edits, quotes, previews, history, source changes (issue 21, second half) ----------------------------------

EVENT = {"when": "1936", "date": "1936-01-01", "precision": "year", "people": ["anna-karlova"],
         "description": "Anna Karlova and Pavel Novak found the Free Theatre of Brno.",
         "citations": [{"source": "a-novel", "quote": "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre "
                                                      "of Brno."}]}
EVENT_KEY = "1936-anna-karlova-and-pavel-novak-found-the-free-theatre-of-brno"
FACT_URL = "/api/collections/readings/people/anna-karlova/"


def counts():
    from tests.test_authoring_edits import counts as all_counts

    return all_counts()


@pytest.fixture
def karlova(alice_api, book):
    """alice's person anna-karlova in `readings`, made over the API."""
    response = alice_api.post("/api/collections/readings/people/", PERSON, format="json")
    assert response.status_code == 201
    return response.json()


@pytest.mark.django_db
def test_a_fact_is_read_with_its_fields_citations_and_cards(alice_api, bob_api, karlova):
    response = alice_api.get(FACT_URL)
    assert response.status_code == 200 and response.json() == karlova
    assert alice_api.get("/api/collections/readings/people/nobody/").status_code == 404
    assert alice_api.get("/api/collections/readings/works/anna-karlova/").status_code == 404
    assert bob_api.get(FACT_URL).status_code == 404  # private
    alice_api.patch("/api/collections/readings/", {"visibility": "unlisted"}, format="json")
    assert bob_api.get(FACT_URL).json() == karlova


@pytest.mark.django_db
def test_patch_changes_the_given_fields_keeps_the_rest_and_every_learners_progress(alice_api, bob, karlova):
    from studyapp.study.models import ReviewState
    from studyapp.study.services import review_submit
    from tests.test_authoring_edits import NOW

    card = Card.objects.get(key="readings/person:anna-karlova:person_who")
    review_submit(user=bob, card=card, rating=3, now=NOW, review_id="00000000-0000-4000-8000-000000000001")
    state = ReviewState.objects.values().get(user=bob, card=card)

    response = alice_api.patch(FACT_URL, {"aliases": ["Karlova"], "weight": "core"}, format="json")
    assert response.status_code == 200, response.json()
    fact = response.json()["fact"]
    assert (fact["aliases"], fact["weight"], fact["description"]) == (["Karlova"], "core", PERSON["description"])
    assert fact["citations"] == karlova["fact"]["citations"]
    assert response.json()["cards"] == karlova["cards"] == [
        "readings/person:anna-karlova:person_reverse", "readings/person:anna-karlova:person_who"]
    assert ReviewState.objects.values().get(user=bob, card=card) == state
    # citations, when given, replace them all
    quote = "Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931."
    replaced = alice_api.patch(FACT_URL, {"citations": [{"source": "a-novel", "quote": quote}]}, format="json")
    assert replaced.json()["fact"]["citations"] == [{"source": "a-novel", "quote": quote, "claim": {}}]
    assert replaced.json()["fact"]["aliases"] == ["Karlova"]


@pytest.mark.django_db
def test_refused_patches_are_403_404_or_400_naming_the_field_and_change_nothing(alice_api, bob_api, karlova):
    alice_api.patch("/api/collections/readings/", {"visibility": "unlisted"}, format="json")
    before = counts()
    assert bob_api.patch(FACT_URL, {"name": "X Y"}, format="json").status_code == 403
    assert alice_api.patch("/api/collections/readings/people/nobody/", {"name": "X Y"},
                           format="json").status_code == 404
    assert alice_api.patch(f"/api/collections/{SERGE}/people/victor-serge/", {"name": "X"},
                           format="json").status_code == 403
    for body, message in [
        ({"weight": "huge"}, 'weight: "huge" is not a valid choice.'),
        ({"citations": [{"source": "a-novel", "quote": "Not in it."}]},
         "citations: citation 1: quote not found verbatim in source 'a-novel': 'Not in it.'"),
        ({"citations": [{"source": "a-novel", "quote": PERSON["citations"][0]["quote"],
                         "claim": {"description": ["x"]}}]},
         "citations: citation 1: claim.description: must be a non-empty string"),
        ({"name": ""}, "name: This field may not be blank."),
    ]:
        response = alice_api.patch(FACT_URL, body, format="json")
        assert (response.status_code, response.json()["detail"]) == (400, message)
    assert counts() == before


@pytest.mark.django_db
def test_delete_retires_the_cards_and_a_fact_referred_to_is_409(alice_api, bob_api, karlova):
    made = alice_api.post("/api/collections/readings/events/", EVENT, format="json")
    assert made.status_code == 201
    before = counts()
    refused = alice_api.delete(FACT_URL)
    assert refused.status_code == 409
    assert refused.json() == {"detail": f"person 'anna-karlova' is referred to by event '{EVENT_KEY}' (people): "
                                        f"change or remove those first"}
    assert bob_api.delete(FACT_URL).status_code == 404
    assert counts() == before
    gone = alice_api.delete(f"/api/collections/readings/events/{EVENT_KEY}/")
    assert gone.status_code == 200 and gone.json() == {"kind": "event", "key": EVENT_KEY, "retired": 1}
    assert alice_api.delete(FACT_URL).json() == {"kind": "person", "key": "anna-karlova", "retired": 2}
    assert alice_api.get(FACT_URL).status_code == 404
    assert not Card.objects.filter(collection__key="readings", retired=False).exists()


@pytest.mark.django_db
def test_a_quote_is_added_to_a_fact_and_a_claim_makes_it_disputed(alice_api, karlova):
    made = alice_api.post("/api/collections/readings/events/", EVENT, format="json").json()
    url = f"/api/collections/readings/events/{EVENT_KEY}/citations/"
    response = alice_api.post(url, {"source": "a-novel", "quote": "Later Karlova wrote plays.",
                                    "claim": {"description": "Karlova writes plays."}}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["fact"]["citations"] == [
        {**EVENT["citations"][0], "claim": {}},
        {"source": "a-novel", "quote": "Later Karlova wrote plays.", "claim": {"description": "Karlova writes plays."}}]
    assert response.json()["cards"] == made["cards"]
    before = counts()
    bad = alice_api.post(url, {"source": "a-novel", "quote": "Later Karlova wrote poems."}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["citations"]
    nope = alice_api.post("/api/collections/readings/events/nope/citations/",
                          {"source": "a-novel", "quote": "Later Karlova wrote plays."}, format="json")
    assert nope.status_code == 404
    assert counts() == before


@pytest.mark.django_db
def test_the_preview_shows_the_cards_and_rules_and_saves_nothing(alice_api, bob_api, karlova):
    before = counts()
    work = {"title": "The Glass River", "kind": "novel", "year": 1931,
            "citations": [{"source": "a-novel", "quote": "She wrote “The Glass River” in March 1931."}]}
    response = alice_api.post("/api/collections/readings/works/preview/", work, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"key": "the-glass-river", "cards": [], "violations": [], "dropped": [
        {"kind": "work_author", "reason": "no author given"},
        {"kind": "work_reverse", "reason": "needs a description, or an author and one year"}]}
    edit = alice_api.post("/api/collections/readings/people/preview/", {"key": "anna-karlova", "weight": "mention"},
                          format="json")
    assert edit.status_code == 200 and edit.json()["cards"] == []
    assert [d["kind"] for d in edit.json()["dropped"]] == ["person_who", "person_reverse"]
    bad = alice_api.post("/api/collections/readings/works/preview/", {**work, "kind": "poem"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["kind"]
    assert alice_api.post("/api/collections/readings/people/preview/", {"key": "nobody"},
                          format="json").status_code == 404
    assert bob_api.post("/api/collections/readings/works/preview/", work, format="json").status_code == 404
    # Found by make fuzz: a form body with an empty key (read as no key) was a 500.
    form = alice_api.post("/api/collections/readings/people/preview/",
                          {"name": "0", "description": "0", "key": ""}, format="multipart")
    assert (form.status_code, form.json()["detail"]) == (400, "citations: This field is required.")
    assert counts() == before
    # "preview" is never a fact's key, so the preview's path never hides a fact.
    named = alice_api.post("/api/collections/readings/people/",
                           {**PERSON, "name": "Preview", "description": "A person called Preview."}, format="json")
    assert named.json()["key"] == "preview-2"


@pytest.mark.django_db
def test_history_over_the_api_names_the_token_user_and_is_for_editors(alice_api, bob_api, charlie_api, karlova):
    alice_api.post("/api/collections/readings/editors/", {"username": "charlie"}, format="json")
    charlie_api.patch(FACT_URL, {"aliases": ["Karlova"]}, format="json")
    response = alice_api.get(f"{FACT_URL}history/")
    assert response.status_code == 200
    assert [(e["user"], e["action"], e["changes"]) for e in response.json()] == [
        ("charlie", "changed", ["aliases"]), ("alice", "created", [])]
    alice_api.patch("/api/collections/readings/", {"visibility": "unlisted"}, format="json")
    assert bob_api.get(f"{FACT_URL}history/").status_code == 403
    assert alice_api.get("/api/collections/readings/people/nobody/history/").status_code == 404


@pytest.mark.django_db
def test_a_source_is_changed_keeping_its_quotes_and_removed_only_when_uncited(alice_api, bob_api, karlova):
    url = "/api/collections/readings/sources/a-novel/"
    before = counts()
    lost = alice_api.patch(url, {"text": "Something else."}, format="json")
    assert lost.status_code == 400 and lost.json()["detail"] == (
        "text: quotes of person 'anna-karlova' are not in the new text: change those facts first")
    assert alice_api.patch(url, {"text": "a" * 1_000_001}, format="json").status_code == 413
    # A new text past the rest of the API's 64 KiB body limit reaches the view (which refuses it for its quotes).
    longer = alice_api.patch(url, {"text": "b" * 100_000}, format="json")
    assert (longer.status_code, longer.json()["detail"]) == (400, lost.json()["detail"])
    assert bob_api.patch(url, {"title": "B"}, format="json").status_code == 404
    assert alice_api.patch("/api/collections/readings/sources/nope/", {"title": "B"}, format="json").status_code == 404
    cited = alice_api.delete(url)
    assert cited.status_code == 409 and cited.json() == {
        "detail": "source 'a-novel' is cited by person 'anna-karlova': remove those citations first"}
    assert counts() == before
    changed = alice_api.patch(url, {"title": "The Novel", "text": f"<p>{TEXT}</p>", "format": "html"}, format="json")
    assert changed.status_code == 200 and changed.json() == {
        "key": "a-novel", "title": "The Novel", "author": "J. Doe", "year": 1990,
        "characters": len(Source.objects.get(key="a-novel").text)}
    card = Card.objects.get(key="readings/person:anna-karlova:person_who")
    assert card.citations[0]["title"] == "The Novel"
    other = alice_api.post("/api/collections/readings/sources/", {"title": "Notes", "text": "Uncited."},
                           format="json").json()
    assert alice_api.delete(f"/api/collections/readings/sources/{other['key']}/").status_code == 204
    assert list(Source.objects.filter(collection__key="readings").values_list("key", flat=True)) == ["a-novel"]


@pytest.mark.django_db
def test_the_schema_documents_the_edit_endpoints(api_client):
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for kind in ("people", "works", "events"):
        fact = paths[f"/api/collections/{{key}}/{kind}/{{fact}}/"]
        assert set(fact) >= {"get", "patch", "delete"}
        assert set(fact["delete"]["responses"]) == {"200", "403", "404", "409"}
        assert set(fact["patch"]["responses"]) == {"200", "400", "403", "404"}
        assert set(paths[f"/api/collections/{{key}}/{kind}/{{fact}}/citations/"]["post"]["responses"]) == {
            "201", "400", "403", "404"}
        assert set(paths[f"/api/collections/{{key}}/{kind}/preview/"]) >= {"post"}
        assert set(paths[f"/api/collections/{{key}}/{kind}/{{fact}}/history/"]) >= {"get"}
    source = paths["/api/collections/{key}/sources/{source}/"]
    assert set(source) >= {"get", "patch", "delete"}
    assert set(source["delete"]["responses"]) == {"204", "403", "404", "409"}
