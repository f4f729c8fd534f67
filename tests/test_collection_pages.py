"""The explore pages, the study page, stats and quizzes per collection (issue 21): ?collection=KEY shows that
collection (404 unless the visitor may study it), every link keeps it, and without it the Serge base is shown
exactly as before."""

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from studyapp.cards.models import Card
from studyapp.content import load_facts
from studyapp.facts.models import Citation, Collection, Event, Person, Source, Visibility
from studyapp.quiz.models import Quiz
from studyapp.study import services
from tests import factbase
from tests.test_explore import PAGE_QUERIES, SVG

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
KIBALCHICH = "Victor Lvovich Kibalchich"
# The reading group's copy of source 004 keeps its text in the database (as an uploaded source does), with its
# quotes in the opposite order to the fixtures'.
STORED_TEXT = ("Serge died in 1947, in Mexico. Earlier, published as Witness to the German Revolution,1923. "
               "Victor Serge, a rare survivor of Stalin's Terror, wrote on.")


def _group_records():
    records = factbase.records()
    for record in records:
        if record["model"] == "facts.person":
            record["fields"]["name"] = KIBALCHICH
    records += [
        {"model": "facts.event", "fields": {"key": "1789-bastille", "when": "July 1789", "date": "1789-07-01",
                                            "precision": "month", "description": "The Bastille is stormed."}},
        {"model": "facts.citation", "fields": {"source": [factbase.S003], "event": ["1789-bastille"],
                                               "quote": "He was then deported to Orenburg"}},
    ]
    return records


@pytest.fixture
def group(db, tmp_path, bob):
    """The small base in serge, and in bob's public collection `group` ("Reading group"): the same keys, its own
    person's name, an event in 1789, and source 004 with its text stored."""
    load_facts(paths=[factbase.write(tmp_path / "serge.json", factbase.records())], now=NOW)
    load_facts(paths=[factbase.write(tmp_path / "group.json", _group_records())], collection="group", now=NOW,
               about={"title": "Reading group"})
    collection = Collection.objects.get(key="group")
    collection.owner, collection.visibility = bob, Visibility.PUBLIC
    collection.save()
    Source.objects.filter(collection=collection, key=factbase.S004).update(text=STORED_TEXT)
    return collection


def _review(user, card, rating=3, now=None):
    return services.review_submit(user=user, card=card, rating=rating, now=now or timezone.now(),
                                  review_id=uuid.uuid4())


EXPLORE = re.compile(r'href="(/(?:timeline|people|works|events|sources|periods|search)/[^"#]*)')
GROUP_PAGES = ["/timeline/", "/timeline/?person=victor-serge", "/people/", "/works/", "/sources/",
               "/people/victor-serge/", "/works/witness-to-the-german-revolution/",
               "/events/1919-serge-arrives-in-russia/", f"/sources/{factbase.S004}/", "/periods/1910s/",
               "/search/?q=victor"]


def _in(url, key="group"):
    return f"{url}{'&' if '?' in url else '?'}collection={key}"


# --- the pages of one collection ---------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", GROUP_PAGES)
def test_every_explore_page_names_the_collection_and_keeps_it_in_every_link(client, group, alice, url):
    client.force_login(alice)
    response = client.get(_in(url))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>[^<]* · Reading group", html), url
    assert 'id="explore-collection">Collection: <strong>Reading group</strong>' in html
    # Every link inside the page (the site's header and footer, base.html, lead to the Serge base as before).
    links = EXPLORE.findall(html[html.index('<main id="main">'):html.index("</main>")])
    assert links and all(link.endswith("collection=group") for link in links), [
        link for link in links if not link.endswith("collection=group")]
    # the search box and the timeline filter send it too
    assert html.count('<input type="hidden" name="collection" value="group">') == (2 if "timeline" in url else 1)


@pytest.mark.django_db
def test_without_the_parameter_the_pages_show_the_serge_base_with_the_links_they_always_had(client, group):
    html = client.get("/people/victor-serge/").content.decode()
    assert "<h1>Victor Serge</h1>" in html and KIBALCHICH not in html
    assert "explore-collection" not in html and "collection=" not in html
    assert client.get("/people/victor-serge/?collection=group").context["person"].name == KIBALCHICH
    assert client.get("/events/1789-bastille/").status_code == 404  # the group's fact is not Serge's
    assert client.get("/events/1789-bastille/?collection=group").status_code == 200
    assert [h.key for h in client.get("/search/?q=kibalchich").context["hits"]] == []
    assert [h.key for h in client.get("/search/?q=kibalchich&collection=group").context["hits"]] == [
        "victor-serge", "witness-to-the-german-revolution"]  # the person, then the work by its author's name
    sources = client.get("/sources/?collection=group").context["sources"]
    assert [s.collection_id for s in sources] == [group.pk] * 4


@pytest.mark.django_db
def test_a_private_collection_is_404_on_every_page_to_all_but_its_owner_and_editors(client, group, alice, bob,
                                                                                     charlie):
    group.visibility = Visibility.PRIVATE
    group.save()
    group.editors.add(charlie)
    for url in GROUP_PAGES:
        assert client.get(_in(url)).status_code == 404, url  # a visitor
        assert client.get(_in(url, "nobody")).status_code == 404, url  # an unknown key alike
    client.force_login(alice)
    assert {client.get(_in(url)).status_code for url in GROUP_PAGES} == {404}
    for user in (bob, charlie):
        client.force_login(user)
        assert {client.get(_in(url)).status_code for url in GROUP_PAGES} == {200}
    group.visibility = Visibility.UNLISTED  # anyone with the key
    group.save()
    client.force_login(alice)
    assert {client.get(_in(url)).status_code for url in GROUP_PAGES} == {200}
    client.logout()
    assert {client.get(_in(url)).status_code for url in GROUP_PAGES} == {200}


@pytest.mark.django_db
def test_another_collections_timeline_is_grouped_by_decade(client, group):
    html = client.get("/timeline/?collection=group").content.decode()
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg"')
    overview = ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])
    assert overview.get("data-first") == "1789" and overview.get("data-last") == "1948"
    rows = [g.get("data-period") for g in overview.iter(f"{SVG}g") if g.get("class") == "row"]
    assert rows == ["1780s", "1910s", "1930s", "1940s"]
    links = {a.get("data-key"): a.get("href") for a in overview.iter(f"{SVG}a")}
    assert links == {key: f"/events/{key}/?collection=group" for key in (
        "1789-bastille", "1919-serge-arrives-in-russia", "exile-to-orenburg", "1947-death-of-victor-serge")}
    assert re.findall(r'data-zoom="([^"]+)"', html) == ["1780s", "1910s", "1930s", "1940s"]
    period = client.get("/periods/1780s/?collection=group")
    assert [e.key for e, _ in period.context["events"]] == ["1789-bastille"]
    assert [p.slug for p in period.context["periods"]] == ["1780s", "1910s", "1930s", "1940s"]
    assert client.get("/periods/1920s/?collection=group").context["events"] == []  # a decade with no event
    assert client.get("/periods/1917-1921/?collection=group").status_code == 404  # Serge's periods are Serge's
    assert client.get("/periods/1780s/").status_code == 404
    event = client.get("/events/1919-serge-arrives-in-russia/?collection=group").content.decode()
    assert 'href="/periods/1910s/?collection=group"' in event
    assert 'href="/timeline/?period=1910s&amp;collection=group#zoom-1910s"' in event


@pytest.mark.django_db
def test_a_stored_source_text_orders_its_quotes_and_no_file_is_named(client, group):
    response = client.get(f"/sources/{factbase.S004}/?collection=group")
    assert [row["citation"].quote for row in response.context["rows"]] == [
        "Serge died in 1947", "published as Witness to the German Revolution,1923",
        "Victor Serge, a rare survivor of Stalin's Terror"]
    assert "File <code>" not in response.content.decode()
    serge = client.get(f"/sources/{factbase.S004}/")
    assert "File <code>" in serge.content.decode()


@pytest.mark.django_db
def test_mastery_on_a_collections_pages_is_of_that_collections_cards(client, group, alice):
    _review(alice, Card.objects.get(key="group/person:victor-serge:person_who"))
    client.force_login(alice)
    mine = client.get("/people/victor-serge/?collection=group").context["scope_mastery"]
    serge = client.get("/people/victor-serge/").context["scope_mastery"]
    assert (mine.studied, serge.studied) == (1, 0)
    assert mine.not_studied == Card.objects.filter(sibling_key="group/person:victor-serge").count() - 1
    assert serge.not_studied == Card.objects.filter(sibling_key="person:victor-serge").count()
    listed = dict((p.key, m) for p, m in client.get("/people/?collection=group").context["items"])
    assert listed["victor-serge"].studied == 1


# --- "Study this" and "Quiz me on this" in a collection --------------------------------------------------------

@pytest.mark.django_db
def test_study_this_on_a_collections_page_studies_that_collections_cards_and_keeps_both(client, group, alice):
    client.force_login(alice)
    html = client.get("/people/victor-serge/?collection=group").content.decode()
    assert 'href="/study/?scope=person%3Avictor-serge&amp;collection=group"' in html
    assert 'href="/quiz/?scope=person%3Avictor-serge&amp;collection=group"' in html
    page = client.get("/study/?scope=person%3Avictor-serge&collection=group")
    card = page.context["queue"].card
    assert card.sibling_key == "group/person:victor-serge"
    assert page.context["queue"].counts["new"] == Card.objects.filter(sibling_key="group/person:victor-serge").count()
    response = client.post("/study/review/", {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4()),
                                              "version": 0, "scope": "person:victor-serge", "collection": "group"})
    assert response.url == "/study/?collection=group&scope=person%3Avictor-serge"
    assert client.get("/study/?scope=event:1789-bastille").status_code == 404  # not a Serge fact
    assert client.get("/study/?scope=event:1789-bastille&collection=group").context["queue"].card.sibling_key == (
        "group/event:1789-bastille")


@pytest.mark.django_db
def test_quiz_me_on_this_in_a_collection_asks_that_collections_cards(client, group, alice, charlie):
    client.force_login(alice)
    setup = client.get("/quiz/?scope=person:victor-serge&collection=group").content.decode()
    assert 'name="collection" value="group"' in setup and f"Only cards about <strong>{KIBALCHICH}" in setup
    made = client.post("/quiz/", {"deck": "all", "size": 5, "kinds": ["multiple_choice", "typed"], "mode": "all",
                                  "scope": "person:victor-serge", "collection": "group"})
    assert made.status_code == 302
    quiz = Quiz.objects.filter(user=alice).latest("pk")
    assert {q.card.sibling_key for q in quiz.questions.all()} == {"group/person:victor-serge"}
    group.visibility = Visibility.PRIVATE
    group.save()
    assert client.get("/quiz/?collection=group").status_code == 404
    assert client.post("/quiz/", {"deck": "all", "size": 5, "kinds": ["typed"], "mode": "all",
                                  "collection": "group"}).status_code == 404


@pytest.mark.django_db
def test_the_quiz_api_reads_a_scope_within_the_collection_given(group, alice, alice_api):
    made = alice_api.post("/api/quizzes/", {"deck": "all", "size": 5, "kinds": ["typed"], "collection": "group",
                                            "scope": "event:1789-bastille"}, format="json")
    assert made.status_code == 201, made.json()
    quiz = Quiz.objects.get(pk=made.json()["id"])
    assert {q.card.sibling_key for q in quiz.questions.all()} == {"group/event:1789-bastille"}
    serge = alice_api.post("/api/quizzes/", {"deck": "all", "scope": "event:1789-bastille"}, format="json")
    assert serge.status_code == 400 and serge.json()["errors"]["scope"] == ["no event '1789-bastille'"]
    group.visibility = Visibility.PRIVATE
    group.save()
    for scope in ("event:1789-bastille", "event:nothing"):  # 404 first: a private collection's facts stay unseen
        assert alice_api.post("/api/quizzes/", {"deck": "all", "collection": "group", "scope": scope},
                              format="json").status_code == 404


# --- the study page: a choice of collection and deck ------------------------------------------------------------

@pytest.mark.django_db
def test_a_user_studying_two_collections_chooses_one_and_a_deck_within_it(client, group, alice):
    client.force_login(alice)  # alice chose nothing: she studies every public collection, serge and group
    page = client.get("/study/")
    html = page.content.decode()
    assert [(title, url, current) for _, title, url, current in page.context["choices"]["collections"]] == [
        ("All my collections", "/study/", True), ("Reading group", "/study/?collection=group", False),
        ("Victor Serge", "/study/?collection=serge", False)]
    assert 'id="study-choice"' in html and 'href="/study/?deck=works"' in html
    page = client.get("/study/?collection=group&deck=works")
    card = page.context["queue"].card
    assert (card.collection_id, card.deck) == (group.pk, "works")
    assert page.context["queue"].counts["new"] == Card.objects.filter(collection=group, deck="works").count()
    decks = page.context["choices"]["decks"]
    assert [(url, current) for _, _, url, current in decks] == [
        ("/study/?collection=group", False), ("/study/?collection=group&deck=people", False),
        ("/study/?collection=group&deck=works", True), ("/study/?collection=group&deck=events", False)]
    assert 'name="deck" value="works"' in page.content.decode()
    response = client.post("/study/review/", {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4()),
                                              "version": 0, "collection": "group", "deck": "works"})
    assert response.url == "/study/?collection=group&deck=works"
    assert client.get("/study/?deck=planets").status_code == 404


@pytest.mark.django_db
def test_with_one_collection_the_study_page_offers_no_choice(client, group, alice, django_assert_num_queries):
    group.visibility = Visibility.PRIVATE
    group.save()
    client.force_login(alice)
    client.get("/study/")  # the session's first read
    with django_assert_num_queries(5):  # as tests/test_query_budgets.py's budget: no query for the choice
        page = client.get("/study/")
    assert page.context["choices"] is None and 'id="study-choice"' not in page.content.decode()
    assert page.context["queue"].collections == 1
    group.visibility = Visibility.PUBLIC
    group.save()
    with django_assert_num_queries(6):  # two collections: one more, to list them
        page = client.get("/study/")
    assert page.context["queue"].collections == 2


# --- stats ----------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_stats_of_one_collection_count_only_its_cards_and_reviews(client, group, alice, bob):
    now = timezone.now()
    _review(alice, Card.objects.get(key="group/person:victor-serge:person_who"), now=now)
    _review(alice, Card.objects.get(key="person:victor-serge:person_who"), now=now)
    _review(alice, Card.objects.get(key="person:victor-serge:person_reverse"), rating=1, now=now)
    client.force_login(alice)
    everything = client.get("/stats/").context
    assert (everything["reviews30_total"], everything["by_state"]["learning"]) == (3, 3)
    mine = client.get("/stats/?collection=group")
    assert (mine.context["reviews30_total"], mine.context["by_state"]["learning"]) == (1, 1)
    assert [row["period"].slug for row in mine.context["mastery_rows"]] == ["1780s", "1910s", "1920s", "1930s",
                                                                           "1940s"]
    # the person takes part in events of 1919, 1933 and 1947: studied in each of those decades' rows
    assert [row["all"].studied for row in mine.context["mastery_rows"]] == [0, 1, 0, 1, 1]
    html = mine.content.decode()
    assert "<h1>Your stats: Reading group</h1>" in html and 'href="/periods/1910s/?collection=group"' in html
    assert 'href="/stats/?collection=serge"' in html and 'href="/stats/"' in html
    serge = client.get("/stats/?collection=serge").context
    assert (serge["reviews30_total"], serge["by_state"]["learning"]) == (2, 2)
    group.visibility = Visibility.PRIVATE
    group.save()
    assert client.get("/stats/?collection=group").status_code == 404
    client.force_login(bob)
    assert client.get("/stats/?collection=group").context["reviews30_total"] == 0  # alice's reviews are hers


# --- fixed query counts ---------------------------------------------------------------------------------------------

def _grow(collection):
    """Many more people, events and citations in the collection."""
    source = Source.objects.get(collection=collection, key=factbase.S004)
    serge = Person.objects.get(collection=collection, key="victor-serge")
    for i in range(30):
        person = Person.objects.create(key=f"extra-{i}", name=f"Extra {i}", description=f"Someone {i}.",
                                       collection=collection)
        event = Event.objects.create(key=f"extra-event-{i}", when="1915", date=dt.date(1915, 1, 1), precision="year",
                                     description=f"Serge does thing {i}.", collection=collection)
        event.people.set([serge, person])
        for fact in ({"person": person}, {"event": event}):
            Citation.objects.create(source=source, quote="Serge died in 1947", position=100 + i, **fact)
    from studyapp.cards.services import sync_cards

    sync_cards(collection=collection, now=NOW)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_collections_pages_make_one_query_more_than_serges_whatever_its_size(client, group, alice, signed_in,
                                                                               django_assert_num_queries):
    """One more than the Serge page's (tests/test_explore.py): the collection, looked up by its key; a period page
    one more again, for the decades its navigation lists (Serge's periods are fixed)."""
    _review(alice, Card.objects.get(key="group/person:victor-serge:person_who"))
    if signed_in:
        client.force_login(alice)
    serge_urls = {url: url.replace("/periods/1910s/", "/periods/1917-1921/").replace(
        "/search/?q=victor", "/search/?q=serge") for url in GROUP_PAGES}
    for grown in (False, True):
        if grown:
            _grow(group)
        for url, serge_url in serge_urls.items():
            queries = PAGE_QUERIES[serge_url][0 if signed_in else 1] + (2 if "/periods/" in url else 1)
            with django_assert_num_queries(queries, info=f"{url}, grown: {grown}"):
                response = client.get(_in(url))
            assert response.status_code == 200, url
    if signed_in:
        with django_assert_num_queries(PAGE_QUERIES["/stats/"][0] + 1):
            assert client.get("/stats/?collection=group").status_code == 200


# --- the export page -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_export_page_offers_each_collection_studied_and_exports_the_one_chosen(client, group, alice):
    client.force_login(alice)
    page = client.get("/export/")
    html = page.content.decode()
    assert [c.key for c in page.context["collections"]] == ["group", "serge"]
    assert '<input type="radio" name="collection" value="" checked> All my collections' in html
    assert '<input type="radio" name="collection" value="group"> Reading group' in html
    every = Card.objects.active().filter(deck="people").count()
    assert f'People <span class="muted">· {every} cards</span>' in html
    mine = Card.objects.active().filter(collection=group, deck="people").count()
    one = client.get("/export/?collection=group").content.decode()
    assert f'People <span class="muted">· {mine} cards</span>' in one and mine < every
    assert '<input type="radio" name="collection" value="group" checked> Reading group' in one
    response = client.get("/export/anki/", {"deck": "all", "collection": "group"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="group')
    assert response["X-Export-Cards"] == str(Card.objects.active().filter(collection=group).count())
    csv = client.get("/export/csv/", {"deck": "people", "collection": "serge"})
    assert csv["X-Export-Cards"] == str(Card.objects.active().filter(collection__key="serge", deck="people").count())
    everything = client.get("/export/anki/", {"deck": "all"})
    assert everything["X-Export-Cards"] == str(Card.objects.active().count())  # both collections, as before


@pytest.mark.django_db
def test_the_export_page_keeps_the_404_rule_and_names_a_bad_key(client, group, alice):
    group.visibility = Visibility.PRIVATE
    group.save()
    client.force_login(alice)
    assert "export-collections" not in client.get("/export/").content.decode()  # one collection: no choice
    assert client.get("/export/?collection=group").status_code == 404
    assert client.get("/export/anki/", {"collection": "group"}).status_code == 404
    assert client.get("/export/csv/", {"collection": "nobody"}).status_code == 404
    bad = client.get("/export/anki/", {"collection": "Not a key"})
    assert bad.status_code == 400 and "collection: not a collection key" in bad.content.decode()
