"""The authoring pages (issue 21): collections, sources (upload, reader, suggestions), facts from passages (form,
preview, save, edit, quotes, removal, history), for the owner, an editor, another signed-in user and a visitor.
A private collection is 404 to all but its owner and editors; an unlisted one is readable with its key; a write
by someone who may only read is 403 (a visitor is sent to log in), and a refused write changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studyapp.authoring.models import DismissedSuggestion
from studyapp.authoring.services import fact_author
from studyapp.cards.models import Card
from studyapp.facts.models import Collection, Event, Person, Source, Visibility, Work
from studyapp.facts.services import collection_create, collection_editor_add, source_create

TEXT = ("Anna Karlova was born in Prague in 1901. She wrote “The Glass River” in March 1931.\n\n"
        "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno. Later Karlova wrote plays.")
BORN = "Anna Karlova was born in Prague in 1901."
PERSON = {"name": "Anna Karlova", "description": "Czech playwright who founded the Free Theatre of Brno.",
          "aliases": "", "roles": "playwright", "weight": "core",
          "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0", "cite-0-source": "a-novel", "cite-0-quote": BORN}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def book(alice, bob):
    """alice's private collection `readings` (bob edits it) with one source `a-novel`."""
    collection = collection_create(owner=alice, title="Readings", description="Our reading group's books.",
                                   visibility=Visibility.PRIVATE)
    collection_editor_add(collection=collection, by=alice, editor=bob)
    source_create(collection=collection, by=alice, title="A novel", text=TEXT, author="J. Doe", year=1990)
    return collection


@pytest.fixture
def anna(book, alice):
    fact, _ = fact_author(collection=book, by=alice, kind="person",
                          fields={"name": "Anna Karlova", "description": PERSON["description"], "weight": "core"},
                          citations=[{"source": "a-novel", "quote": BORN}])
    return fact


def counts():
    return (Collection.objects.count(), Source.objects.count(), Person.objects.count(), Work.objects.count(),
            Event.objects.count(), Card.objects.count())


# --- who may see what ------------------------------------------------------------------------------------------

PAGES = ["/collections/readings/", "/collections/readings/sources/a-novel/",
         "/collections/readings/person/anna-karlova/"]
EDIT_PAGES = ["/collections/readings/sources/new/", "/collections/readings/new/person/",
              "/collections/readings/new/work/", "/collections/readings/new/event/",
              "/collections/readings/person/anna-karlova/remove/",
              "/collections/readings/person/anna-karlova/history/"]


@pytest.mark.django_db
def test_owner_and_editor_open_every_page_and_others_get_404_while_it_is_private(alice, bob, charlie, anna):
    for user in (alice, bob):
        client = client_for(user)
        assert [client.get(url).status_code for url in PAGES + EDIT_PAGES] == [200] * 9
    other = client_for(charlie)
    assert [other.get(url).status_code for url in PAGES + EDIT_PAGES] == [404] * 9
    visitor = Client()
    assert [visitor.get(url).status_code for url in PAGES] == [404] * 3
    # Writing pages send a visitor to log in before anything else is looked at.
    assert [visitor.get(url).status_code for url in EDIT_PAGES] == [302] * 6
    assert visitor.get(EDIT_PAGES[0])["Location"] == "/accounts/login/?next=/collections/readings/sources/new/"


@pytest.mark.django_db
def test_an_unlisted_collection_is_read_with_its_key_but_only_its_editors_change_it(alice, charlie, anna, book):
    book.visibility = Visibility.UNLISTED
    book.save()
    other, visitor = client_for(charlie), Client()
    assert [other.get(url).status_code for url in PAGES] == [200] * 3
    assert [visitor.get(url).status_code for url in PAGES] == [200] * 3
    assert [other.get(url).status_code for url in EDIT_PAGES] == [403] * 6
    overview = other.get(PAGES[0]).content.decode()
    assert 'value="http://testserver/collections/readings/"' in overview  # the link to share
    assert "Add a source" not in overview and 'id="editor-form"' not in overview
    reader = other.get(PAGES[1]).content.decode()
    assert 'id="passage-form"' not in reader and "reader.js" not in reader
    assert 'id="fact-form"' not in other.get(PAGES[2]).content.decode()
    # Unlisted: not in anyone else's list.
    assert "Readings" not in other.get("/collections/").content.decode()


@pytest.mark.django_db
def test_every_write_is_refused_to_a_reader_with_403_and_to_a_visitor_with_a_login_redirect(alice, charlie, anna,
                                                                                             book):
    book.visibility = Visibility.PUBLIC
    book.save()
    writes = [("/collections/readings/details/", {"title": "Mine now"}),
              ("/collections/readings/visibility/", {"visibility": "private"}),
              ("/collections/readings/editors/", {"username": "charlie"}),
              ("/collections/readings/sources/new/", {"title": "T", "text": "Some text."}),
              ("/collections/readings/sources/a-novel/dismiss/", {"kind": "person", "text": "X", "quote": "Y"}),
              ("/collections/readings/new/person/", PERSON),
              ("/collections/readings/person/anna-karlova/", PERSON),
              ("/collections/readings/person/anna-karlova/quote/", {"quote-source": "a-novel", "quote-quote": BORN}),
              ("/collections/readings/person/anna-karlova/remove/", {})]
    before = counts()
    assert [client_for(charlie).post(url, data).status_code for url, data in writes] == [403] * 9
    visitor = [Client().post(url, data) for url, data in writes]
    assert [r.status_code for r in visitor] == [302] * 9
    assert all(r["Location"].startswith("/accounts/login/?next=") for r in visitor)
    assert counts() == before and DismissedSuggestion.objects.count() == 0
    assert Collection.objects.values_list("title", "visibility").get(key="readings") == ("Readings", "public")
    assert not book.editors.filter(username="charlie").exists()


# --- collections -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_collection_is_created_from_the_list_page_and_owned_by_its_creator(alice):
    client = client_for(alice)
    response = client.post("/collections/", {"title": "Russian novels", "description": "Reading group, spring.",
                                              "visibility": "unlisted"})
    assert response.status_code == 302 and response["Location"] == "/collections/russian-novels/"
    collection = Collection.objects.get(key="russian-novels")
    assert (collection.title, collection.description, collection.visibility, collection.owner) == (
        "Russian novels", "Reading group, spring.", "unlisted", alice)
    page = client.get("/collections/").content.decode()
    assert '<a href="/collections/russian-novels/">Russian novels</a>' in page


@pytest.mark.django_db
def test_a_collection_without_a_title_or_with_an_unknown_visibility_is_refused_naming_the_field(alice):
    client = client_for(alice)
    response = client.post("/collections/", {"title": "  ", "visibility": "secret"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {"title": ["This field is required."],
                      "visibility": ["Select a valid choice. secret is not one of the available choices."]}
    assert Collection.objects.exclude(key="serge").count() == 0


@pytest.mark.django_db
def test_a_visitor_sees_public_collections_and_is_asked_to_log_in_to_create_one(alice):
    response = Client().get("/collections/")
    assert response.status_code == 200
    assert [c.key for c in response.context["public"]] == ["serge"]
    assert "Create a collection" not in response.content.decode()
    created = Client().post("/collections/", {"title": "X", "visibility": "public"})
    assert created.status_code == 302 and created["Location"] == "/accounts/login/?next=%2Fcollections%2F"
    assert Collection.objects.count() == 1


@pytest.mark.django_db
def test_the_owner_changes_visibility_and_adds_an_editor_but_an_editor_may_not(alice, bob, charlie, book):
    owner, editor = client_for(alice), client_for(bob)
    assert editor.post("/collections/readings/visibility/", {"visibility": "public"}).status_code == 403
    assert editor.post("/collections/readings/editors/", {"username": "charlie"}).status_code == 403
    response = owner.post("/collections/readings/visibility/", {"visibility": "unlisted"})
    assert response.status_code == 302
    assert Collection.objects.get(key="readings").visibility == "unlisted"
    unknown = owner.post("/collections/readings/editors/", {"username": "nobody"})
    assert unknown.status_code == 400
    assert unknown.context["editor_form"].errors == {"username": ["nobody is called 'nobody'"]}
    assert owner.post("/collections/readings/editors/", {"username": "charlie"}).status_code == 302
    assert sorted(book.editors.values_list("username", flat=True)) == ["bob", "charlie"]
    assert client_for(charlie).get("/collections/readings/sources/new/").status_code == 200


@pytest.mark.django_db
def test_the_overview_lists_sources_facts_with_their_card_counts_and_the_study_links(alice, anna, book):
    response = client_for(alice).get("/collections/readings/")
    page = response.content.decode()
    assert [(row.key, n) for row, n in response.context["groups"][0][1]] == [("anna-karlova", 2)]
    assert response.context["cards"] == 2
    for link in ['href="/study/?collection=readings"', 'href="/quiz/?collection=readings"',
                 'href="/api/export/anki/?collection=readings"',
                 'href="/people/?collection=readings"', 'href="/timeline/?collection=readings"',
                 'href="/collections/readings/sources/a-novel/"', 'href="/collections/readings/person/anna-karlova/"',
                 'href="/collections/readings/sources/new/"']:
        assert link in page, link
    assert "share-url" not in page  # private: no link to share


def _grow(book, alice, n):
    for i in range(n):
        Person.objects.create(collection=book, key=f"p{i}", name=f"Person {i}", description="d")
        Work.objects.create(collection=book, key=f"w{i}", title=f"Work {i}", kind="novel")
        Event.objects.create(collection=book, key=f"e{i}", when="1901", date="1901-01-01", precision="year",
                             description=f"Event {i}")
        source_create(collection=book, by=alice, title=f"Source {i}", text=f"Text {i} of Anna Karlova.")


@pytest.mark.django_db
def test_the_overview_and_the_reader_take_the_same_number_of_queries_whatever_the_collection_holds(
        alice, anna, book, django_assert_num_queries):
    client = client_for(alice)
    client.get("/collections/readings/")  # the session and the user, read once as on every page

    def queries(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = {url: queries(url) for url in PAGES[:2]}
    _grow(book, alice, 6)
    for url, n in small.items():
        with django_assert_num_queries(n):
            assert client.get(url).status_code == 200


# --- sources ---------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_pasted_source_is_stored_as_text_and_opens_in_the_reader(alice, book):
    response = client_for(alice).post("/collections/readings/sources/new/", {
        "title": "Notes", "author": "A. Reader", "year": "2001", "text": "# Notes\n\nShe wrote *The Glass River*.",
        "format": "markdown"})
    assert response.status_code == 302 and response["Location"] == "/collections/readings/sources/notes/"
    source = Source.objects.get(collection=book, key="notes")
    assert (source.title, source.author, source.year, source.text) == (
        "Notes", "A. Reader", 2001, "Notes\n\nShe wrote The Glass River.")


@pytest.mark.django_db
def test_an_uploaded_file_takes_its_format_from_its_name(alice, book):
    upload = SimpleUploadedFile("page.html", b"<p>One<br>two</p><script>x()</script>", content_type="text/html")
    response = client_for(alice).post("/collections/readings/sources/new/", {"title": "Page", "file": upload,
                                                                             "format": "text"})
    assert response.status_code == 302
    assert Source.objects.get(collection=book, key="page").text == "One\ntwo"


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "status", "errors"), [
    ({"title": "", "text": "x"}, 400, {"title": ["This field is required."]}),
    ({"title": "T"}, 400, {"text": ["upload a file or paste the text"]}),
    ({"title": "T", "text": "<p> </p>", "format": "html"}, 400, {"text": ["the source has no text"]}),
    ({"title": "T", "text": "x", "format": "pdf"}, 400,
     {"format": ["Select a valid choice. pdf is not one of the available choices."]}),
    ({"title": "T", "text": "a" * 1_000_001}, 413,
     {"text": ["the source is 1,000,001 bytes; at most 1,000,000: split it in parts"]}),
    ({"title": "T", "file": "x.pdf"}, 400, {"file": ["unknown file type '.pdf': upload .txt, .md or .html"]}),
    ({"title": "T", "file": "latin1.txt"}, 400, {"file": [
        "the source is not UTF-8 (byte 0xe9 at position 3): save it as UTF-8 and upload it again"]}),
    ({"title": "T", "file": "x.txt", "text": "y"}, 400, {"__all__": ["upload a file or paste a text, not both"]}),
])
def test_a_source_that_cannot_be_read_is_refused_naming_the_field_and_nothing_is_stored(alice, book, data, status,
                                                                                       errors):
    files = {"x.pdf": b"%PDF", "latin1.txt": "caf\u00e9".encode("latin-1"), "x.txt": b"x"}
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile(data["file"], files[data["file"]])}
    response = client_for(alice).post("/collections/readings/sources/new/", data)
    assert response.status_code == status
    assert response.context["form"].errors == errors
    assert list(Source.objects.filter(collection=book).values_list("key", flat=True)) == ["a-novel"]


@pytest.mark.django_db
def test_the_add_a_source_page_may_carry_the_source_upload_cap_and_no_more(alice, book, settings):
    """The middleware lets this page's body reach SOURCE_UPLOAD_MAX_BYTES (like the API's), refusing more with 413
    before the view reads it; other pages keep Django's own limits."""
    settings.SOURCE_UPLOAD_MAX_BYTES = 2000
    client = client_for(alice)
    big = client.post("/collections/readings/sources/new/", {"title": "T", "text": "a" * 2500})
    assert big.status_code == 413
    assert big.content.decode() == "Request body too large: at most 2000 bytes."
    assert client.post("/collections/readings/sources/new/", {"title": "T", "text": "a" * 500}).status_code == 302
    assert Source.objects.filter(collection=book).count() == 2


# --- the reader ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_reader_shows_each_paragraph_verbatim_with_its_offset_in_the_stored_text(alice, book):
    response = client_for(alice).get("/collections/readings/sources/a-novel/")
    assert response.context["paragraphs"] == [(0, TEXT.split("\n\n")[0]), (85, TEXT.split("\n\n")[1])]
    assert TEXT[85:].startswith("In 1936")
    page = response.content.decode()
    assert '<p class="para" data-start="85">In 1936 Anna Karlova and Pavel Novak' in page
    assert 'data-max-chars="400" data-max-words="40"' in page
    assert '<script src="/static/authoring/reader.js" defer></script>' in page


@pytest.mark.django_db
def test_the_reader_offers_suggestions_and_an_accepted_one_opens_its_form_filled_in(alice, book):
    client = client_for(alice)
    suggestions = client.get("/collections/readings/sources/a-novel/").context["suggestions"]
    found = [(s.kind, s.text) for s, _, _ in suggestions]
    assert ("event", "1901") in found and ("person", "Anna Karlova") in found and ("work", "The Glass River") in found
    event = next(s for s, _, _ in suggestions if s.text == "March 1931")
    page = client.get("/collections/readings/new/event/", {
        "source": "a-novel", "quote": event.quote, "when": "March 1931", "date": event.when.date,
        "precision": event.when.precision})
    form, formset = page.context["form"], page.context["formset"]
    assert (form["when"].value(), str(form["date"].value()), form["precision"].value()) == (
        "March 1931", "1931-03-01", "month")
    assert (formset.forms[0]["source"].value(), formset.forms[0]["quote"].value()) == ("a-novel", event.quote)


@pytest.mark.django_db
def test_a_dismissed_suggestion_is_not_shown_again_to_any_editor(alice, bob, book):
    first = client_for(alice).get("/collections/readings/sources/a-novel/").context["suggestions"]
    pavel = next(s for s, _, _ in first if s.text == "Pavel Novak")
    response = client_for(bob).post("/collections/readings/sources/a-novel/dismiss/",
                                    {"kind": "person", "text": "Pavel Novak", "quote": pavel.quote})
    assert response.status_code == 302
    assert response["Location"] == "/collections/readings/sources/a-novel/#suggestions"
    after = client_for(alice).get("/collections/readings/sources/a-novel/").context["suggestions"]
    assert [s.text for s, _, _ in after] == [s.text for s, _, _ in first if s.text != "Pavel Novak"]
    row = DismissedSuggestion.objects.get()
    assert (row.kind, row.text, row.dismissed_by) == ("person", "Pavel Novak", bob)


@pytest.mark.django_db
def test_a_known_person_is_suggested_as_a_quote_for_that_person(alice, anna, book):
    suggestions = client_for(alice).get("/collections/readings/sources/a-novel/").context["suggestions"]
    assert [(s.text, key) for s, key, _ in suggestions if s.kind == "person"][0] == ("Anna Karlova", "anna-karlova")


@pytest.mark.django_db
def test_add_to_an_existing_fact_goes_to_its_quote_form_filled_in(alice, anna, book):
    client = client_for(alice)
    quote = "Later Karlova wrote plays."
    response = client.get("/collections/readings/quote/", {"fact": "person:anna-karlova", "source": "a-novel",
                                                           "quote": quote})
    assert response.status_code == 302
    assert response["Location"] == ("/collections/readings/person/anna-karlova/?source=a-novel&"
                                    "quote=Later+Karlova+wrote+plays.#add-quote")
    page = client.get(response["Location"])
    assert page.context["quote_form"]["quote"].value() == quote
    assert client.get("/collections/readings/quote/", {"fact": "person:nobody"}).status_code == 404


# --- facts -----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_saving_a_new_person_makes_it_and_its_cards_and_shows_its_page(alice, book):
    client = client_for(alice)
    response = client.post("/collections/readings/new/person/", {**PERSON, "save": "1"})
    assert response.status_code == 302 and response["Location"] == "/collections/readings/person/anna-karlova/"
    person = Person.objects.get(collection=book, key="anna-karlova")
    assert (person.name, person.roles, person.weight) == ("Anna Karlova", ["playwright"], "core")
    assert [c.quote for c in person.citations.all()] == [BORN]
    page = client.get(response["Location"])
    assert [c.key for c in page.context["cards"]] == ["readings/person:anna-karlova:person_reverse",
                                                      "readings/person:anna-karlova:person_who"]


@pytest.mark.django_db
def test_a_quote_not_verbatim_is_an_error_on_the_citations_and_nothing_is_written(alice, book):
    before = counts()
    response = client_for(alice).post("/collections/readings/new/person/", {
        **PERSON, "cite-0-quote": "Anna Karlova was born in Prague in 1902.", "save": "1"})
    assert response.status_code == 400
    assert list(response.context["formset"].non_form_errors()) == [
        "citation 1: quote not found verbatim in source 'a-novel': 'Anna Karlova was born in Prague in 1902.'"]
    assert counts() == before


@pytest.mark.django_db
def test_a_quote_over_the_limits_is_refused_before_any_save(alice, book):
    long = " ".join(["word"] * 41)
    response = client_for(alice).post("/collections/readings/new/person/",
                                      {**PERSON, "cite-0-quote": long, "save": "1"})
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors == {
        "quote": ["the quote is 41 words; at most 40: select a shorter passage"]}


@pytest.mark.django_db
def test_a_new_event_needs_its_date_and_names_each_missing_field(alice, book):
    before = counts()
    response = client_for(alice).post("/collections/readings/new/event/", {
        "when": "1901", "date": "1901-13-01", "precision": "year", "description": "", "weight": "core",
        "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0", "cite-0-source": "a-novel", "cite-0-quote": BORN,
        "save": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"date": ["Enter a valid date."],
                                               "description": ["This field is required."]}
    assert counts() == before


@pytest.mark.django_db
def test_preview_shows_the_cards_a_new_fact_would_make_and_keeps_nothing(alice, book):
    before = counts()
    response = client_for(alice).post("/collections/readings/new/person/", {**PERSON, "preview": "1"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [(c["key"], c["answer"]) for c in preview.cards] == [
        ("readings/person:anna-karlova:person_reverse", "Anna Karlova"),
        ("readings/person:anna-karlova:person_who", PERSON["description"])]
    assert preview.cards[1]["prompt"] == "Who was Anna Karlova?"
    assert preview.violations == []
    page = response.content.decode()
    assert 'id="preview"' in page and "It breaks no card rule." in page
    assert '<span class="tag">People</span> <span class="tag">Who was X?</span>' in page
    assert counts() == before


EVENT = {"when": "1936", "date": "1936-01-01", "precision": "year", "weight": "core",
         "description": "Anna Karlova and Pavel Novak found the Free Theatre of Brno.",
         "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0", "cite-0-source": "a-novel",
         "cite-0-quote": "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno."}


@pytest.mark.django_db
def test_preview_names_a_rule_the_fact_breaks_and_save_is_still_the_editors_choice(alice, book):
    """A description stating the year gives the answer of "When did ... happen?" away."""
    description = "In 1936 Anna Karlova and Pavel Novak found a theatre."
    response = client_for(alice).post("/collections/readings/new/event/",
                                      {**EVENT, "description": description, "preview": "1"})
    assert response.status_code == 200
    assert response.context["preview"].violations == [
        {"card": "", "rule": "leak", "message": f"the description states a year: {description!r}",
         "text": "The description states a year, so the card asking when it happened gives its own answer away. "
                 "Take the year out of the description."},
        {"card": "readings/event:1936-in-1936-anna-karlova-and-pavel-novak-found-a-theatre:event_when",
         "rule": "leak", "message": "the prompt states an accepted answer: 1936, the year(s) 1936",
         "text": "This card's prompt contains its own answer (“1936”). Reword the description so it does not "
                 "contain “1936”, or accept it."}]
    page = response.content.decode()
    assert "Card rules it breaks" in page
    assert ('<li data-rule="leak">The description states a year, so the card asking when it happened gives its own '
            'answer away. Take the year out of the description.</li>') in page
    assert "the prompt states an accepted answer" not in page
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_editing_a_fact_keeps_its_key_and_its_card_keys(alice, bob, anna, book):
    keys = sorted(Card.objects.filter(collection=book, retired=False).values_list("key", flat=True))
    response = client_for(bob).post("/collections/readings/person/anna-karlova/", {
        **PERSON, "cite-INITIAL_FORMS": "1", "description": "Czech playwright, founder of a theatre in Brno.",
        "save": "1"})
    assert response.status_code == 302 and response["Location"] == "/collections/readings/person/anna-karlova/"
    person = Person.objects.get(collection=book, key="anna-karlova")
    assert person.description == "Czech playwright, founder of a theatre in Brno."
    assert sorted(Card.objects.filter(collection=book, retired=False).values_list("key", flat=True)) == keys
    assert Card.objects.get(key="readings/person:anna-karlova:person_who").answer == person.description


@pytest.mark.django_db
def test_an_edit_keeps_the_fields_the_form_does_not_show_and_clears_what_it_blanks(alice, anna, book):
    pavel, _ = fact_author(collection=book, by=alice, kind="person",
                           fields={"name": "Pavel Novak", "description": "Czech actor who co-founded a theatre."},
                           citations=[{"source": "a-novel", "quote": "Anna Karlova and Pavel Novak founded"}])
    work, _ = fact_author(collection=book, by=alice, kind="work",
                          fields={"title": "The Glass River", "kind": "novel", "author": "anna-karlova",
                                  "coauthors": [["pavel-novak"]], "dispute_note": "Dated 1931 by the novel.",
                                  "pages": 212},
                          citations=[{"source": "a-novel", "quote": "She wrote “The Glass River” in March 1931."}])
    response = client_for(alice).post(f"/collections/readings/work/{work.key}/", {
        "title": "The Glass River", "kind": "novel", "author": "", "year": "1931", "description": "",
        "aliases": "", "weight": "context", "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "1",
        "cite-0-source": "a-novel", "cite-0-quote": "She wrote “The Glass River” in March 1931.", "save": "1"})
    assert response.status_code == 302
    work.refresh_from_db()
    assert (work.year, work.author, work.dispute_note, work.pages) == (1931, None, "Dated 1931 by the novel.", 212)
    assert [p.key for p in work.coauthors.all()] == ["pavel-novak"]


@pytest.mark.django_db
def test_an_edit_that_fails_names_the_field_and_changes_nothing(alice, anna, book):
    response = client_for(alice).post("/collections/readings/person/anna-karlova/", {
        **PERSON, "cite-INITIAL_FORMS": "1", "cite-0-quote": "not in the text", "save": "1"})
    assert response.status_code == 400
    assert list(response.context["formset"].non_form_errors()) == [
        "citation 1: quote not found verbatim in source 'a-novel': 'not in the text'"]
    assert Person.objects.get(collection=book, key="anna-karlova").description == PERSON["description"]


@pytest.mark.django_db
def test_a_quote_is_added_and_a_differing_claim_makes_the_fact_disputed(alice, book):
    client = client_for(alice)
    client.post("/collections/readings/new/event/", {**EVENT, "save": "1"})
    event = Event.objects.get(collection=book)
    response = client.post(f"/collections/readings/event/{event.key}/quote/", {
        "quote-source": "a-novel", "quote-quote": "She wrote “The Glass River” in March 1931.",
        "quote-claim_when": "1931", "quote-claim_date": "1931-01-01", "quote-claim_precision": "year"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.disputed is True
    assert [c.claim for c in event.citations.order_by("position")] == [
        {}, {"when": "1931", "date": "1931-01-01", "precision": "year", "end": None}]


@pytest.mark.django_db
def test_a_quote_not_in_the_source_is_refused_on_the_quote_field(alice, anna, book):
    response = client_for(alice).post("/collections/readings/person/anna-karlova/quote/",
                                      {"quote-source": "a-novel", "quote-quote": "Not there."})
    assert response.status_code == 400
    assert response.context["quote_form"].errors == {
        "quote": ["citation 2: quote not found verbatim in source 'a-novel': 'Not there.'"]}
    assert anna.citations.count() == 1


@pytest.mark.django_db
def test_removing_a_fact_retires_its_cards_and_a_fact_in_use_is_refused_with_the_reason(alice, anna, book):
    client = client_for(alice)
    client.post("/collections/readings/new/work/", {
        "title": "The Glass River", "kind": "novel", "author": "anna-karlova", "weight": "core",
        "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0", "cite-0-source": "a-novel",
        "cite-0-quote": "She wrote “The Glass River” in March 1931.", "save": "1"})
    assert Work.objects.get(collection=book).author == anna
    refused = client.post("/collections/readings/person/anna-karlova/remove/")
    assert refused.status_code == 409
    assert refused.context["error"] == ("person 'anna-karlova' is referred to by work 'the-glass-river' (author): "
                                        "change or remove those first")
    assert "change or remove those first" in refused.content.decode()
    assert Person.objects.filter(collection=book).count() == 1
    client.post("/collections/readings/work/the-glass-river/remove/")
    response = client.post("/collections/readings/person/anna-karlova/remove/")
    assert response.status_code == 302 and response["Location"] == "/collections/readings/"
    assert not Person.objects.filter(collection=book).exists()
    assert Card.objects.filter(collection=book, fact_key="anna-karlova", retired=False).count() == 0
    assert Card.objects.filter(collection=book, fact_key="anna-karlova", retired=True).count() == 2


@pytest.mark.django_db
def test_the_history_says_who_changed_what_and_stays_after_removal(alice, bob, anna, book):
    client_for(bob).post("/collections/readings/person/anna-karlova/", {
        **PERSON, "cite-INITIAL_FORMS": "1", "description": "Czech playwright.", "save": "1"})
    history = client_for(alice).get("/collections/readings/person/anna-karlova/history/").context["history"]
    assert [(h["user"], h["action"]) for h in history][:2] == [("bob", "changed"), ("alice", "created")]
    assert "description" in history[0]["changes"]
    client_for(alice).post("/collections/readings/person/anna-karlova/remove/")
    after = client_for(alice).get("/collections/readings/person/anna-karlova/history/")
    assert after.status_code == 200 and after.context["history"][0]["action"] == "removed"
    assert client_for(alice).get("/collections/readings/person/nobody/history/").status_code == 404


@pytest.mark.django_db
def test_a_blank_extra_citation_is_left_out_and_a_second_one_is_kept(alice, book):
    client = client_for(alice)
    blank = {**PERSON, "cite-TOTAL_FORMS": "2", "cite-1-source": "a-novel", "cite-1-quote": "", "save": "1"}
    assert client.post("/collections/readings/new/person/", blank).status_code == 302
    assert Person.objects.get(key="anna-karlova").citations.count() == 1
    second = {**blank, "cite-1-quote": "Later Karlova wrote plays."}
    assert client.post("/collections/readings/new/person/", second).status_code == 302
    assert [c.quote for c in Person.objects.get(key="anna-karlova-2").citations.order_by("position")] == [
        BORN, "Later Karlova wrote plays."]


# --- editing sources, editors ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_source_is_renamed_and_a_new_text_must_keep_every_quote_citing_it(alice, anna, book):
    client = client_for(alice)
    assert client.get("/collections/readings/sources/a-novel/edit/").status_code == 200
    renamed = client.post("/collections/readings/sources/a-novel/edit/",
                          {"title": "A novel, 2nd ed.", "author": "J. Doe", "year": "1991"})
    assert renamed.status_code == 302 and renamed["Location"] == "/collections/readings/sources/a-novel/"
    source = Source.objects.get(collection=book, key="a-novel")
    assert (source.title, source.year, source.text) == ("A novel, 2nd ed.", 1991, TEXT)
    refused = client.post("/collections/readings/sources/a-novel/edit/",
                          {"title": "A novel", "text": "Another text entirely."})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "text": ["quotes of person 'anna-karlova' are not in the new text: change those facts first"]}
    assert Source.objects.get(collection=book, key="a-novel").text == TEXT
    kept = client.post("/collections/readings/sources/a-novel/edit/", {"title": "A novel", "text": BORN})
    assert kept.status_code == 302 and Source.objects.get(collection=book, key="a-novel").text == BORN


@pytest.mark.django_db
def test_a_cited_source_is_not_removed_and_an_uncited_one_is(alice, charlie, anna, book):
    client = client_for(alice)
    refused = client.post("/collections/readings/sources/a-novel/remove/")
    assert refused.status_code == 409
    assert refused.context["remove_error"] == (
        "source 'a-novel' is cited by person 'anna-karlova': remove those citations first")
    source_create(collection=book, by=alice, title="Spare", text="Nothing cited.")
    assert client_for(charlie).post("/collections/readings/sources/spare/remove/").status_code == 404
    response = client.post("/collections/readings/sources/spare/remove/")
    assert response.status_code == 302 and response["Location"] == "/collections/readings/"
    assert list(Source.objects.filter(collection=book).values_list("key", flat=True)) == ["a-novel"]


@pytest.mark.django_db
def test_the_owner_removes_an_editor_who_then_gets_404_and_an_editor_may_leave(alice, bob, charlie, book):
    collection_editor_add(collection=book, by=alice, editor=charlie)
    assert client_for(bob).post("/collections/readings/editors/charlie/remove/").status_code == 403
    response = client_for(alice).post("/collections/readings/editors/bob/remove/")
    assert response.status_code == 302 and response["Location"] == "/collections/readings/"
    assert client_for(bob).get("/collections/readings/").status_code == 404
    left = client_for(charlie).post("/collections/readings/editors/charlie/remove/")
    assert left.status_code == 302 and left["Location"] == "/collections/"
    assert list(book.editors.all()) == []
    assert client_for(alice).post("/collections/readings/editors/nobody/remove/").status_code == 404


@pytest.mark.django_db
def test_an_editor_changes_the_title_and_description_and_a_blank_title_is_refused(bob, charlie, book):
    response = client_for(bob).post("/collections/readings/details/", {"title": "Readings 2026",
                                                                        "description": "Spring term."})
    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.title, book.description, book.key) == ("Readings 2026", "Spring term.", "readings")
    blank = client_for(bob).post("/collections/readings/details/", {"title": " ", "description": "x"})
    assert blank.status_code == 400 and blank.context["details_form"].errors == {"title": ["This field is required."]}
    assert client_for(charlie).post("/collections/readings/details/", {"title": "Mine"}).status_code == 404
    book.refresh_from_db()
    assert book.title == "Readings 2026"


@pytest.mark.django_db
@pytest.mark.parametrize(("extra", "errors"), [
    ({"end": "1935-01-01"}, {"end": ["The end of a span comes after its start."]}),
    ({"date": "1936-03-05"}, {"date": ["For a year, the date is its first day (YYYY-01-01): 1936-01-01 here."]}),
])
def test_a_rule_of_the_fact_base_is_shown_on_the_field_it_names(alice, book, extra, errors):
    response = client_for(alice).post("/collections/readings/new/event/", {**EVENT, **extra, "save": "1"})
    assert response.status_code == 400
    assert response.context["form"].errors == errors
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_serge_collection_has_an_overview_but_nobody_writes_to_it(facts, alice):
    client = client_for(alice)
    response = client.get("/collections/serge/")
    assert response.status_code == 200
    groups = {kind.key: rows for kind, rows in response.context["groups"]}
    assert ("victor-serge", Card.objects.filter(collection__key="serge", fact_type="person",
                                                fact_key="victor-serge", retired=False).count()) in [
        (row.key, n) for row, n in groups["person"]]
    assert response.context["can_edit"] is False and "Add a source" not in response.content.decode()
    source = Source.objects.filter(collection__key="serge").first()
    reader = client.get(f"/collections/serge/sources/{source.key}/")
    assert reader.status_code == 200 and "This source's text is not stored here." in reader.content.decode()
    assert client.get("/collections/serge/sources/new/").status_code == 403
    assert client.post("/collections/serge/new/person/", PERSON).status_code == 403


@pytest.mark.django_db
def test_the_list_puts_own_edited_and_public_collections_apart(alice, bob, charlie, book):
    collection_create(owner=charlie, title="Charlie's public one", visibility=Visibility.PUBLIC)
    public_edited = collection_create(owner=charlie, title="Public, edited by bob", visibility=Visibility.PUBLIC)
    collection_editor_add(collection=public_edited, by=charlie, editor=bob)
    collection_create(owner=charlie, title="Charlie's unlisted one", visibility=Visibility.UNLISTED)
    lists = client_for(bob).get("/collections/").context
    assert [[c.key for c in lists[name]] for name in ("mine", "edited", "public")] == [
        [], ["public-edited-by-bob", "readings"], ["charlies-public-one", "serge"]]
    mine = client_for(alice).get("/collections/").context["mine"]
    assert [c.key for c in mine] == ["readings"]


# --- handing over and deleting a collection --------------------------------------------------------------------

@pytest.mark.django_db
def test_the_owner_hands_the_collection_to_an_editor_and_only_the_owner_may(alice, bob, charlie, book):
    assert client_for(bob).post("/collections/readings/owner/", {"username": "bob"}).status_code == 403
    assert client_for(alice).post("/collections/readings/owner/", {"username": "charlie"}).status_code == 302
    book.refresh_from_db()
    assert book.owner == alice  # charlie edits nothing here: refused with a message, nothing changed
    response = client_for(alice).post("/collections/readings/owner/", {"username": "bob"})
    assert (response.status_code, response["Location"]) == (302, "/collections/readings/")
    book.refresh_from_db()
    assert (book.owner, [e.username for e in book.editors.all()]) == (bob, ["alice"])
    assert client_for(charlie).post("/collections/readings/owner/", {"username": "alice"}).status_code == 404


@pytest.mark.django_db
def test_the_owner_deletes_a_collection_after_a_confirmation_that_counts_what_goes(alice, bob, anna, book):
    assert client_for(bob).get("/collections/readings/delete/").status_code == 403  # an editor
    page = client_for(alice).get("/collections/readings/delete/")
    assert page.status_code == 200
    assert " ".join(page.content.decode().split()).count(
        "Its 1 source, 1 fact and 2 cards go with it") == 1
    assert Collection.objects.filter(key="readings").exists()  # a GET deletes nothing
    response = client_for(alice).post("/collections/readings/delete/")
    assert (response.status_code, response["Location"]) == (302, "/collections/")
    assert not Collection.objects.filter(key="readings").exists()
    assert (Source.objects.filter(collection_id=book.pk).count(), Card.objects.filter(collection_id=book.pk).count()) \
        == (0, 0)


@pytest.mark.django_db
def test_a_shared_collection_other_learners_studied_is_not_deleted_and_the_page_says_why(alice, charlie, anna, book):
    import datetime as dt
    import uuid

    from studyapp.study.services import review_submit

    client_for(alice).post("/collections/readings/visibility/", {"visibility": "unlisted"})
    card = Card.objects.get(key="readings/person:anna-karlova:person_who")
    review_submit(user=charlie, card=card, rating=3, now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
                  review_id=uuid.uuid4())
    before = counts()
    response = client_for(alice).post("/collections/readings/delete/")
    assert response.status_code == 409
    assert response.context["error"] == ("1 other learner has studied its cards: make it private first "
                                         "(they then lose it), then delete it")
    assert counts() == before


# --- usability test 21 -------------------------------------------------------------------------------------------

MARCH = "She wrote “The Glass River” in March 1931."
FOUNDED = "In 1936 Anna Karlova and Pavel Novak founded the Free Theatre of Brno."


def _event(client, book):
    client.post("/collections/readings/new/event/", {**EVENT, "save": "1"})
    return Event.objects.get(collection=book)


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "claim"), [
    ({"quote-claim_when": "1931"}, {"when": "1931", "date": "1931-01-01", "precision": "year", "end": None}),
    ({"quote-claim_date": "1931-01-01"}, {"when": "1931", "date": "1931-01-01", "precision": "year", "end": None}),
    ({"quote-claim_when": "1931", "quote-claim_date": "1931-01-01"},
     {"when": "1931", "date": "1931-01-01", "precision": "year", "end": None}),
    ({"quote-claim_when": "March 1931"},
     {"when": "March 1931", "date": "1931-03-01", "precision": "month", "end": None}),
    ({"quote-claim_when": "1931 to 1933"},
     {"when": "1931 to 1933", "date": "1931-01-01", "precision": "year", "end": "1933-12-31"}),
])
def test_a_dispute_with_when_or_date_and_precision_same_takes_the_rest_from_them(alice, book, given, claim):
    """Finding 1: "(same)" is the fact's precision (or what "when" reads as); a missing when or date is filled."""
    client = client_for(alice)
    event = _event(client, book)
    response = client.post(f"/collections/readings/event/{event.key}/quote/", {
        "quote-source": "a-novel", "quote-quote": MARCH, "quote-claim_precision": "", **given})
    assert response.status_code == 302
    assert [c.claim for c in event.citations.order_by("position")] == [{}, claim]


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "errors"), [
    ({"quote-claim_when": "spring, long ago"},
     {"claim_date": ["The date could not be read from “spring, long ago”: give its first day as YYYY-MM-DD "
                     "(for example 1840-01-01)."]}),
    ({"quote-claim_when": "1931", "quote-claim_date": "1931-03-05"},
     {"claim_date": ["For a year, the date is its first day (YYYY-01-01): 1931-01-01 here."]}),
    ({"quote-claim_precision": "year"},
     {"claim_when": ["Give the date this source states (for example 1840), or leave the date fields empty."]}),
])
def test_a_dispute_date_that_cannot_be_worked_out_is_a_plain_error_on_its_field(alice, book, given, errors):
    client = client_for(alice)
    event = _event(client, book)
    response = client.post(f"/collections/readings/event/{event.key}/quote/", {
        "quote-source": "a-novel", "quote-quote": MARCH, **given})
    assert response.status_code == 400
    assert response.context["quote_form"].errors == errors
    assert event.citations.count() == 1


@pytest.mark.django_db
def test_a_new_event_with_when_only_works_out_its_date_and_precision(alice, book):
    """Finding 6: "1936" alone is 1936-01-01, a year; "March 1931" a month (the precision select left at year)."""
    client = client_for(alice)
    response = client.post("/collections/readings/new/event/", {**EVENT, "date": "", "save": "1"})
    assert response.status_code == 302
    event = Event.objects.get(collection=book)
    assert (event.when, str(event.date), event.precision, event.end) == ("1936", "1936-01-01", "year", None)
    response = client.post("/collections/readings/new/event/", {
        **EVENT, "when": "March 1931", "date": "", "description": "Anna Karlova writes a novel.",
        "cite-0-quote": MARCH, "save": "1"})
    assert response.status_code == 302
    event = Event.objects.get(collection=book, when="March 1931")
    assert (str(event.date), event.precision) == ("1931-03-01", "month")


@pytest.mark.django_db
def test_a_new_event_from_a_passage_is_filled_in_from_its_first_date(alice, book):
    form = client_for(alice).get("/collections/readings/new/event/", {"source": "a-novel", "quote": MARCH}) \
        .context["form"]
    assert {name: form[name].value() for name in ("when", "date", "precision", "end")} == {
        "when": "March 1931", "date": "1931-03-01", "precision": "month", "end": None}
    source_create(collection=book, by=alice, title="Chronicle", text="The theatre played from 1936 to 1938 in Brno.")
    form = client_for(alice).get("/collections/readings/new/event/", {
        "source": "chronicle", "quote": "The theatre played from 1936 to 1938 in Brno."}).context["form"]
    assert {name: form[name].value() for name in ("when", "date", "precision", "end")} == {
        "when": "1936 to 1938", "date": "1936-01-01", "precision": "year", "end": "1938-12-31"}


@pytest.mark.django_db
def test_the_fact_page_shows_a_date_claim_and_a_span_as_they_read(alice, book):
    """Findings 22 and 23: "1931 (year)", never "end None"; a span once."""
    client = client_for(alice)
    event = _event(client, book)
    client.post(f"/collections/readings/event/{event.key}/quote/", {
        "quote-source": "a-novel", "quote-quote": MARCH, "quote-claim_when": "1931"})
    page = client.get(f"/collections/readings/event/{event.key}/").content.decode()
    assert '<span class="tag disputed">this source says 1931 (year)</span>' in page
    assert "None" not in page
    client.post("/collections/readings/new/event/", {
        **EVENT, "when": "1936 to 1938", "date": "", "description": "The theatre plays in Brno.", "save": "1"})
    span = Event.objects.get(collection=book, when="1936 to 1938")
    assert span.end.isoformat() == "1938-12-31"
    page = client.get(f"/collections/readings/event/{span.key}/").content.decode()
    assert '<span class="when">1936 to 1938</span>' in page and "(to 1938" not in page


@pytest.mark.django_db
def test_save_messages_say_what_happened_without_jargon(alice, anna, book):
    client = client_for(alice)
    response = client.post("/collections/readings/person/anna-karlova/", {
        **PERSON, "cite-INITIAL_FORMS": "1", "description": "Czech playwright and founder of a theatre.",
        "save": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Saved. Its cards were updated; everyone's progress on them is kept."]


@pytest.mark.django_db
def test_suggestions_already_facts_say_so_instead_of_accept(alice, anna, book):
    """Finding 3: a date an event has, and a known person's quote they already cite, are not offered again."""
    client = client_for(alice)
    _event(client, book)
    response = client.get("/collections/readings/sources/a-novel/")
    rows = {(s.kind, s.text, s.quote): (known, already) for s, known, already in response.context["suggestions"]}
    event = Event.objects.get(collection=book)
    assert rows[("event", "1936", FOUNDED)] == (None, ("event", event.key, fact_label_of(event)))
    assert rows[("person", "Anna Karlova", BORN)] == ("anna-karlova", ("person", "anna-karlova", "Anna Karlova"))
    assert rows[("event", "March 1931", MARCH)] == (None, None)
    page = response.content.decode()
    assert (f'Already a fact: <a href="/collections/readings/event/{event.key}/">') in page
    assert f"&amp;quote={BORN.replace(' ', '%20')}#add-quote" not in page


def fact_label_of(event):
    return f"{event.when}: {event.description}"


@pytest.mark.django_db
def test_a_dismissed_suggestion_says_so_and_undo_brings_it_back(alice, book):
    """Finding 25."""
    client = client_for(alice)
    posted = {"kind": "person", "text": "Pavel Novak", "quote": FOUNDED}
    client.post("/collections/readings/sources/a-novel/dismiss/", posted)
    page = client.get("/collections/readings/sources/a-novel/").content.decode()
    assert "Suggestion dismissed: Pavel Novak." in page and 'id="undo-dismiss"' in page
    assert "Suggestion dismissed" not in client.get("/collections/readings/sources/a-novel/").content.decode()
    response = client.post("/collections/readings/sources/a-novel/dismiss/undo/", posted)
    assert response.status_code == 302 and response.url == "/collections/readings/sources/a-novel/#suggestions"
    assert DismissedSuggestion.objects.count() == 0
    texts = [s.text for s, _, _ in client.get("/collections/readings/sources/a-novel/").context["suggestions"]]
    assert "Pavel Novak" in texts
    assert client_for(make_other()).post("/collections/readings/sources/a-novel/dismiss/undo/", posted) \
        .status_code == 404


def make_other():
    from django.contrib.auth import get_user_model
    return get_user_model().objects.create_user("dora", password="a long password 21")


@pytest.mark.django_db
def test_preview_posts_to_its_own_fragment_and_its_heading_takes_focus(alice, book):
    """Findings 8 and 12: "Preview cards" goes to #preview; the heading is focusable (preview.js focuses it)."""
    client = client_for(alice)
    page = client.get("/collections/readings/new/event/?source=a-novel").content.decode()
    assert ('formaction="/collections/readings/new/event/?source=a-novel#preview">Preview cards</button>') in page
    assert "authoring/preview.js" in page
    page = client.post("/collections/readings/new/event/", {**EVENT, "preview": "1"}).content.decode()
    assert '<h2 id="preview-title" tabindex="-1">' in page and 'id="preview"' in page


@pytest.mark.django_db
def test_cards_it_does_not_make_are_named_without_internal_names(alice, book):
    page = client_for(alice).post("/collections/readings/new/event/", {**EVENT, "preview": "1"}).content.decode()
    assert ('<li data-kind="event_reverse">“What happened then?” (the date asked for the event): only a day is asked '
            'the other way round (a month or a year holds too many happenings)</li>') in page
    assert "event_reverse:" not in page


@pytest.mark.django_db
def test_the_unlisted_help_says_who_may_read_and_who_may_study(alice, book):
    """Finding 11: anyone with the link reads it, signed in or not; signing in lets them study it."""
    book.visibility = Visibility.UNLISTED
    book.save()
    page = client_for(alice).get("/collections/readings/").content.decode()
    assert ("It is not listed anywhere, but anyone who has this link can read the collection (its sources, facts "
            "and quotes), signed in or not; signing in lets them study it.") in page
    assert Client().get("/collections/readings/").status_code == 200


@pytest.mark.django_db
def test_the_collections_list_puts_a_space_after_the_visibility_badge(alice, book):
    page = client_for(alice).get("/collections/").content.decode()
    assert '<span class="tag">private</span> <span class="dispute-sources">Our reading group' in page


@pytest.mark.django_db
def test_the_remove_button_and_cancel_are_apart(alice, anna, book):
    page = client_for(alice).get("/collections/readings/person/anna-karlova/remove/").content.decode()
    assert '<p class="form-actions"><button type="submit" class="danger">Remove</button>' in page


# --- sign-up keeps the share link; studying someone else's collection (finding 2) -------------------------------

def _signup(client, query=""):
    from tests.conftest import PASSWORD
    return client.post(f"/accounts/signup/{query}", {"username": "dora", "email": "", "password1": PASSWORD,
                                                     "password2": PASSWORD})


@pytest.mark.django_db
def test_the_login_pages_sign_up_link_carries_next_and_sign_up_goes_back_there(alice, book):
    book.visibility = Visibility.UNLISTED
    book.save()
    page = Client().get("/accounts/login/", {"next": "/study/?collection=readings"}).content.decode()
    assert '<a href="/accounts/signup/?next=/study/%3Fcollection%3Dreadings">Sign up</a>' in page
    client = Client()
    form = client.get("/accounts/signup/", {"next": "/study/?collection=readings"}).content.decode()
    assert '<input type="hidden" name="next" value="/study/?collection=readings">' in form
    response = _signup(client, "?next=/study/%3Fcollection%3Dreadings")
    assert response.status_code == 302 and response.url == "/study/?collection=readings"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/study/", "javascript:alert(1)"])
def test_sign_up_ignores_a_next_to_another_site(target):
    client = Client()
    assert 'name="next"' not in client.get("/accounts/signup/", {"next": target}).content.decode()
    response = client.post("/accounts/signup/", {"username": "dora", "email": "", "next": target,
                                                 "password1": "a long password 21", "password2": "a long password 21"})
    assert response.status_code == 302 and response.url == "/study/"


@pytest.mark.django_db
def test_after_sign_up_a_line_points_to_collections_and_the_landing_page_has_it(client):
    response = _signup(client)
    response = client.get(response.url)
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == ('Teaching or reading with others? <a href="/collections/">Build your own collection from '
                         'your texts</a>.')
    page = Client().get("/").content.decode()
    assert '<a href="/collections/">Build your own collection from your texts</a>' in page


def _studies(user):
    from studyapp.accounts.models import StudySettings
    return StudySettings.objects.get(user=user).collections


@pytest.mark.django_db
def test_a_reader_adds_an_unlisted_collection_to_their_studies_keeping_the_public_ones(alice, charlie, book):
    """An empty choice is every public collection: adding one keeps those (their keys) and adds it."""
    book.visibility = Visibility.UNLISTED
    book.save()
    public = list(Collection.objects.public().order_by("title", "key").values_list("key", flat=True))
    client = client_for(charlie)
    page = client.get("/collections/readings/").content.decode()
    assert '<input type="hidden" name="study" value="add"><button type="submit" class="secondary">Add to my ' \
           'studies</button>' in page
    response = client.post("/collections/readings/study/", {"study": "add"}, follow=True)
    assert _studies(charlie) == [*public, "readings"]
    assert [str(m) for m in response.context["messages"]] == ["“Readings” is now one of the collections you study."]
    assert "Remove from my studies" in response.content.decode()
    listed = client.get("/collections/")
    assert [c.key for c in listed.context["studied"]] == sorted([*public, "readings"],
                                                                key=lambda k: Collection.objects.get(key=k).title)
    assert 'id="studied-collections"' in listed.content.decode()
    client.post("/collections/readings/study/", {"study": "remove"})
    assert _studies(charlie) == public


@pytest.mark.django_db
def test_removing_the_only_chosen_collection_names_the_public_ones_instead_of_an_empty_choice(alice, charlie, book):
    from studyapp.accounts.services import settings_update
    book.visibility = Visibility.UNLISTED
    book.save()
    settings_update(user=charlie, values={"collections": ["readings"]})
    public = list(Collection.objects.public().order_by("title", "key").values_list("key", flat=True))
    response = client_for(charlie).post("/collections/readings/study/", {"study": "remove"}, follow=True)
    assert _studies(charlie) == public
    names = ", ".join(Collection.objects.public().order_by("title").values_list("title", flat=True))
    assert [str(m) for m in response.context["messages"]] == [
        f"You no longer study “Readings”. You now study the public collections: {names}."]


@pytest.mark.django_db
def test_removing_the_last_collection_there_is_is_refused(alice, charlie, book):
    from studyapp.accounts.services import settings_update
    Collection.objects.public().update(visibility=Visibility.UNLISTED)
    book.visibility = Visibility.UNLISTED
    book.save()
    settings_update(user=charlie, values={"collections": ["readings"]})
    response = client_for(charlie).post("/collections/readings/study/", {"study": "remove"}, follow=True)
    assert _studies(charlie) == ["readings"]
    assert [str(m) for m in response.context["messages"]] == [
        "“Readings” is the only collection you study: add another one before you remove it."]


@pytest.mark.django_db
def test_editors_visitors_and_private_collections_get_no_study_button(alice, bob, charlie, book):
    assert "my studies" not in client_for(alice).get("/collections/readings/").content.decode()
    assert "my studies" not in client_for(bob).get("/collections/readings/").content.decode()
    assert client_for(charlie).post("/collections/readings/study/", {"study": "add"}).status_code == 404
    book.visibility = Visibility.UNLISTED
    book.save()
    assert "my studies" not in Client().get("/collections/readings/").content.decode()
    assert Client().post("/collections/readings/study/", {"study": "add"}).status_code == 302
    assert _studies(alice) == []


@pytest.mark.django_db
def test_the_quiz_page_says_it_quizzes_the_collection_and_how_many_questions_it_can_make(alice, anna, book):
    """Finding 10: one question per fact, so a small collection makes a shorter quiz than asked."""
    page = client_for(alice).get("/quiz/", {"collection": "readings"}).content.decode()
    assert ('<p class="scope-note" id="quiz-collection">This quiz asks about the collection <strong>Readings</strong> '
            'only. It has 1 fact with cards, and a quiz asks about each fact at most once, so it has at most 1 '
            'question here (a “Put in order” question uses several events).') in page
    assert 'id="quiz-collection"' not in client_for(alice).get("/quiz/").content.decode()


@pytest.mark.django_db
def test_a_work_by_a_known_person_explains_the_cross_leak_in_plain_words(alice, anna, book):
    """Finding 5: the rule's code stays in data-rule; the text says what it means and what to change."""
    response = client_for(alice).post("/collections/readings/new/work/", {
        "title": "The Glass River", "kind": "novel", "author": "anna-karlova", "year": "1931",
        "description": "A novel about a river town.", "aliases": "", "weight": "core",
        "cite-TOTAL_FORMS": "1", "cite-INITIAL_FORMS": "0", "cite-0-source": "a-novel", "cite-0-quote": MARCH,
        "preview": "1"})
    rules = {v["rule"]: v["text"] for v in response.context["preview"].violations}
    page = response.content.decode()
    assert rules["cross_leak"] == (
        "This card's prompt names “Anna Karlova”, which another card asks for: a learner who sees one learns the "
        "other's answer. Reword the description so it does not name “Anna Karlova”, or accept it.")
    assert '<li data-rule="cross_leak">This card' in page
    assert "cross_leak (" not in page


# --- what the hostile probe found in the pages ------------------------------------------------------------------

@pytest.mark.django_db
def test_a_quote_spanning_a_line_break_posted_with_crlf_is_found_in_the_stored_text(alice, book):
    source_create(collection=book, by=alice, title="A poem", text="Poem line one\nPoem line two is here.\n\nEnd.")
    response = client_for(alice).post("/collections/readings/new/person/", {
        **PERSON, "cite-0-source": "a-poem", "cite-0-quote": "Poem line one\r\nPoem line two is here.", "save": "1"})
    assert response.status_code == 302
    assert Person.objects.get(collection=book).citations.get().quote == "Poem line one\nPoem line two is here."


@pytest.mark.django_db
@pytest.mark.parametrize("quote, error", [
    ("in 1901. She wrote “The Glass River” in March 1931.\n\nIn 1936",
     "a quote is one passage within one paragraph: select less"),
    ("Prague", "a quote of one word proves nothing: select the words that state the fact"),
])
def test_a_quote_across_paragraphs_or_of_one_word_is_refused_on_the_quote(alice, book, quote, error):
    before = counts()
    response = client_for(alice).post("/collections/readings/new/person/", {
        **PERSON, "cite-0-quote": quote, "save": "1"})
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["quote"] == [error]
    assert counts() == before


@pytest.mark.django_db
def test_the_same_new_fact_sent_twice_is_saved_once(alice, book):
    client = client_for(alice)
    first = client.post("/collections/readings/new/person/", {**PERSON, "save": "1"})
    second = client.post("/collections/readings/new/person/", {**PERSON, "save": "1"})
    assert first["Location"] == second["Location"] == "/collections/readings/person/anna-karlova/"
    assert list(Person.objects.filter(collection=book).values_list("key", flat=True)) == ["anna-karlova"]


@pytest.mark.django_db
def test_add_to_a_fact_without_a_fact_never_builds_a_link_from_the_query_string(alice, book):
    for key in ("readings", "serge"):
        response = client_for(alice).get(f"/collections/{key}/quote/?source=a/b&quote=x")
        assert (response.status_code, response["Location"]) == (302, f"/collections/{key}/")
    response = client_for(alice).get("/collections/readings/quote/?source=a-novel")
    assert response["Location"] == "/collections/readings/sources/a-novel/"


@pytest.mark.django_db
def test_the_owner_is_told_they_own_it_when_adding_themself_as_editor(alice, book):
    response = client_for(alice).post("/collections/readings/editors/", {"username": "alice"})
    assert response.status_code == 400
    assert response.context["editor_form"].errors["username"] == ["you own this collection: owners edit it already"]


@pytest.mark.django_db
def test_an_empty_post_to_the_source_edit_page_is_400(alice, book):
    assert client_for(alice).post("/collections/readings/sources/a-novel/edit/", {}).status_code == 400


# --- the caps, on the pages ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_pages_say_when_a_cap_is_reached_and_write_nothing(alice, bob, book, settings):
    settings.AUTHORING_MAX_COLLECTIONS_PER_USER = 1
    settings.AUTHORING_MAX_SOURCES_PER_COLLECTION = 1
    before = counts()
    response = client_for(alice).post("/collections/", {"title": "Another", "visibility": "private"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "you own 1 collections, the most one user may: delete one you no longer need, or hand it to an editor, "
        "before you create another"]
    response = client_for(alice).post("/collections/readings/sources/new/", {
        "title": "Second", "text": "More text here.", "format": "text"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "this collection holds 1 sources, the most a collection may: remove one it no longer needs, or start "
        "another collection"]
    assert counts() == before
    bobs = collection_create(owner=bob, title="Bob's own")
    collection_editor_add(collection=bobs, by=bob, editor=alice)  # alice may not take it: she owns 1 already
    response = client_for(bob).post(f"/collections/{bobs.key}/owner/", {"username": "alice"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["alice already owns 1 collections, the most one user may"]
    bobs.refresh_from_db()
    assert bobs.owner == bob
