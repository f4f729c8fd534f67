"""Exploring the facts (issue 11): timeline, fact and source pages, search, mastery, and 'Study this'/'Quiz me'."""

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import fsrs
import pytest
from django.utils import timezone

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.facts import timeline
from studyapp.facts.models import Citation, Event, Person, Source, Work
from studyapp.facts.selectors import fold, parse_scope, period_facts, search, source_page
from studyapp.quiz.models import Quiz
from studyapp.study import scheduling, services
from studyapp.study.mastery import Mastery, mastery_for, summarise
from studyapp.study.models import ReviewState
from tests import factbase
from tests.test_study import expected_fsrs_in_study_days, study_date

SVG = "{http://www.w3.org/2000/svg}"


def _review(user, card, rating, now):
    return services.review_submit(user=user, card=card, rating=rating, now=now, review_id=uuid.uuid4())


@pytest.fixture
def small(db, tmp_path):
    """The small fact base of tests/factbase.py (4 sources, 1 person, 1 work, 3 events, one disputed)."""
    from studyapp.content import load_facts

    path = tmp_path / "small.json"
    factbase.write(path, factbase.records())
    return load_facts(paths=[path])


def _overview(html):
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg"')
    return html[start:html.index("</svg>", start) + len("</svg>")]


# --- the timeline -------------------------------------------------------------------------------------

def test_timeline_svg_is_well_formed_xml_holding_every_event(client, facts):
    html = client.get("/timeline/").content.decode()
    root = ET.fromstring(_overview(html))
    links = root.findall(f".//{SVG}a")
    keys = [a.get("data-key") for a in links]
    assert sorted(keys) == sorted(Event.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) > 50  # every event once; the real base has plenty
    assert all(a.get("href") == f"/events/{a.get('data-key')}/" for a in links)
    assert root.get("data-first") == "1881"
    marks = [timeline.mark_of(e) for e in Event.objects.all()]
    assert int(root.get("data-last")) == max(m.end.year for m in marks) + 1


def test_a_span_is_drawn_to_its_stated_end(facts):
    spans = [e for e in Event.objects.exclude(end=None) if len(list(e.versions())) == 1]
    assert spans, "the real base has events with an end date"
    for event in spans:
        mark = timeline.mark_of(event)
        assert (mark.start, mark.end) == (event.date, event.end), event.key
        assert mark.end > timeline.end_of(event.date, event.precision), event.key  # longer than its start alone


def test_every_zoomed_period_is_well_formed_and_the_periods_hold_every_event_once(client, facts):
    html = client.get("/timeline/").content.decode()
    svgs = []
    at = 0
    while (start := html.find('<svg xmlns="http://www.w3.org/2000/svg"', at)) >= 0:
        end = html.index("</svg>", start) + len("</svg>")
        svgs.append(ET.fromstring(html[start:end]))
        at = end
    zoomed = [svg for svg in svgs if svg.get("data-period")]
    assert [svg.get("data-period") for svg in zoomed] == [p.slug for p in timeline.PERIODS
                                                          if any(svg.get("data-period") == p.slug for svg in zoomed)]
    keys = [a.get("data-key") for svg in zoomed for a in svg.findall(f".//{SVG}a")]
    assert sorted(keys) == sorted(Event.objects.values_list("key", flat=True))


def test_a_disputed_date_is_a_range_naming_both_sources(client, small):
    html = client.get("/timeline/").content.decode()
    root = ET.fromstring(_overview(html))
    mark = next(a for a in root.iter(f"{SVG}a") if a.get("data-key") == "1919-serge-arrives-in-russia")
    assert "disputed" in mark.get("class")
    bar = mark.find(f"{SVG}rect")
    # The overview draws each period on its own row and year scale (issue 19).
    marks = [timeline.mark_of(e) for e in Event.objects.all()]
    period = timeline.BY_SLUG[mark.get("data-period")]
    first, last = timeline.period_span(period, [m for m in marks if m.period == period.slug])
    year = (timeline.WIDTH - 2 * timeline.MARGIN - 8) / (last - first)
    assert float(bar.get("width")) == pytest.approx(year * (1 + 31 / 365), abs=0.5)  # 1918 to the end of January 1919
    title = mark.find(f"{SVG}title").text
    assert "1918 (Discussion of Memoirs of a Revolutionary)" in title
    assert "January 1919 (Victor Serge biography)" in title


def test_periods_follow_the_issue_with_1936_in_one_period_only():
    assert [p.label for p in timeline.PERIODS] == ["before 1917", "1917–1921", "1922–1935", "1936–1947",
                                                   "after 1947"]
    assert [timeline.slug_for_year(y) for y in (1881, 1916, 1917, 1921, 1922, 1935, 1936, 1947, 1948)] == [
        "before-1917", "before-1917", "1917-1921", "1917-1921", "1922-1935", "1922-1935", "1936-1947",
        "1936-1947", "after-1947"]


def test_end_of_a_date_follows_its_precision():
    assert timeline.end_of(dt.date(1933, 3, 1), "month") == dt.date(1933, 3, 31)
    assert timeline.end_of(dt.date(1920, 1, 1), "decade") == dt.date(1929, 12, 31)
    assert timeline.end_of(dt.date(1947, 1, 1), "year") == dt.date(1947, 12, 31)
    assert timeline.end_of(dt.date(1947, 11, 17), "day") == dt.date(1947, 11, 17)


def test_timeline_filters_by_person_and_by_work(client, facts):
    person = Person.objects.get(key="victor-serge")
    html = client.get("/timeline/?person=victor-serge").content.decode()
    keys = {a.get("data-key") for a in ET.fromstring(_overview(html)).iter(f"{SVG}a")}
    assert keys == set(person.events.values_list("key", flat=True)) and 0 < len(keys) < Event.objects.count()
    work = Work.objects.filter(events__isnull=False).first()
    html = client.get(f"/timeline/?work={work.key}").content.decode()
    keys = {a.get("data-key") for a in ET.fromstring(_overview(html)).iter(f"{SVG}a")}
    assert keys == set(work.events.values_list("key", flat=True))
    assert client.get("/timeline/?person=nobody").status_code == 404


def test_timeline_zoom_is_a_static_script_not_inline(client, small):
    html = client.get("/timeline/").content.decode()
    # The hashed name appears once collectstatic has written a manifest (make serve does).
    assert re.search(r'<script src="/static/facts/timeline(\.[0-9a-f]{12})?\.js" defer></script>', html)
    assert "<script>" not in html and "onclick" not in html


# --- pages and slugs ----------------------------------------------------------------------------------

def test_slugs_are_the_fact_keys_and_stable_across_a_reload(client, small, tmp_path):
    from studyapp.content import load_facts

    urls = ["/people/victor-serge/", "/works/witness-to-the-german-revolution/",
            "/events/1919-serge-arrives-in-russia/", f"/sources/{factbase.S001}/", "/periods/1917-1921/"]
    before = [client.get(url).status_code for url in urls]
    path = tmp_path / "again.json"
    records = factbase.records()
    records[4]["fields"]["name"] = "Victor Serge (Kibalchich)"  # an edit of the text, not of the key
    factbase.write(path, records)
    load_facts(paths=[path])
    after = client.get("/people/victor-serge/")
    assert before == [200] * 5 and after.status_code == 200
    assert "Victor Serge (Kibalchich)" in after.content.decode()
    assert client.get("/people/no-such-person/").status_code == 404
    assert client.get("/events/no-such-event/").status_code == 404
    assert client.get("/periods/1900-1910/").status_code == 404


def test_person_page_shows_aliases_linked_facts_and_every_citation(client, small):
    html = client.get("/people/victor-serge/").content.decode()
    assert "Also known as Serge" in html
    assert 'href="/works/witness-to-the-german-revolution/"' in html
    assert 'href="/events/exile-to-orenburg/"' in html
    for quote in Citation.objects.filter(person__key="victor-serge").values_list("quote", flat=True):
        assert quote.replace("'", "&#x27;") in html
    assert f'href="/sources/{factbase.S004}/"' in html


def test_work_and_event_pages_show_their_links_and_both_versions_of_a_disputed_date(client, small):
    work = client.get("/works/witness-to-the-german-revolution/").content.decode()
    assert 'href="/people/victor-serge/"' in work and "1923" in work
    event = client.get("/events/1919-serge-arrives-in-russia/").content.decode()
    assert "sources differ on the date" in event
    assert "<strong>January 1919</strong> according to Victor Serge biography" in event
    assert "<strong>1918</strong> according to Discussion of Memoirs of a Revolutionary" in event
    assert "Serge only arrives in Russia in 1918" in event and 'href="/people/victor-serge/"' in event


def test_source_page_lists_quotes_in_the_order_of_the_text(client, facts):
    if not factbase_sources_dir().is_dir():
        pytest.skip("needs ../shared/sources")
    source = Source.objects.get(key="004_d86e2718dc32d0a4.txt")
    text = (factbase_sources_dir() / source.key).read_text(encoding="utf-8")
    _, citations = source_page(source.key)
    offsets = [text.find(c.quote) for c in citations]
    assert len(citations) == Citation.objects.filter(source=source).count() > 10
    assert -1 not in offsets and offsets == sorted(offsets)
    html = client.get(f"/sources/{source.key}/").content.decode()
    assert source.title in html
    positions = [html.find(c.quote.replace("'", "&#x27;").replace('"', "&quot;")) for c in citations[:10]]
    assert -1 not in positions and positions == sorted(positions)


def factbase_sources_dir():
    from tests.conftest import SOURCES_DIR

    return SOURCES_DIR


# --- search -------------------------------------------------------------------------------------------

def test_fold_ignores_case_accents_and_punctuation():
    # One fold for search, cards and grading: an apostrophe joins (so "L’Anarchie" and "L'Anarchie" match).
    assert fold("Ève  d’ÉTÉ") == fold("eve d'ete") == "eve dete"
    assert fold("L’Anarchie") == fold("L'ANARCHIE") == "lanarchie"


def test_search_is_insensitive_to_case_accents_and_aliases(small):
    assert [h.key for h in search("VICTOR serge")][:1] == ["victor-serge"]
    assert [h.key for h in search("sérge")][:1] == ["victor-serge"]
    serge = next(h for h in search("serge") if h.key == "victor-serge")
    assert serge.kind == "person"
    assert {h.key for h in search("orenbürg")} == {"exile-to-orenburg"}
    assert search("") == [] and search("zzzz") == []


def test_search_finds_an_alias(client, facts):
    person = Person.objects.exclude(aliases=[]).first()
    alias = person.aliases[0]
    hits = search(alias.upper())
    assert person.key in [h.key for h in hits]
    html = client.get("/search/", {"q": alias.upper()}).content.decode()
    assert f'href="/people/{person.key}/"' in html


# --- fixed query counts -------------------------------------------------------------------------------

# Each page's queries, the same whatever the size of the base: (signed in, visitor). A visitor's page reads no
# session, user, settings or review state; /stats/ is only for the signed in.
PAGE_QUERIES = {
    "/timeline/": (10, 6), "/timeline/?person=victor-serge": (10, 6), "/people/": (5, 1), "/works/": (5, 1),
    "/sources/": (3, 1), "/people/victor-serge/": (9, 5), "/works/witness-to-the-german-revolution/": (7, 3),
    "/events/1919-serge-arrives-in-russia/": (8, 4), f"/sources/{factbase.S004}/": (6, 2),
    "/periods/1917-1921/": (7, 3), "/search/?q=serge": (6, 4), "/stats/": (12, None),
}


def _grow(base_cards, alice, now):
    """Make the base much bigger around the same facts: more people, works, events and citations."""
    source = Source.objects.get(key=factbase.S004)
    serge = Person.objects.get(key="victor-serge")
    work = Work.objects.get(key="witness-to-the-german-revolution")
    for i in range(40):
        person = Person.objects.create(key=f"extra-{i}", name=f"Extra {i}", description=f"Someone {i}.",
                                       collection=serge.collection)
        extra_work = Work.objects.create(key=f"extra-work-{i}", title=f"Extra work {i}", author=serge, year=1920,
                                         kind="novel", collection=serge.collection)
        event = Event.objects.create(key=f"extra-event-{i}", when="1920", date=dt.date(1920, 1, 1), precision="year",
                                     description=f"Serge does thing {i}.", collection=serge.collection)
        event.people.set([serge, person])
        event.works.set([work, extra_work])
        for fact in ({"person": person}, {"work": extra_work}, {"event": event}, {"person": serge}):
            Citation.objects.create(source=source, quote="Serge died in 1947", position=100 + i, **fact)
    from studyapp.cards.services import sync_cards
    from studyapp.facts.models import Collection

    sync_cards(collection=Collection.objects.get(key="serge"), now=now)
    for card in Card.objects.filter(sibling_key__startswith="event:extra-event-")[:20]:
        _review(alice, card, 3, now - dt.timedelta(days=3))


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False])
def test_each_page_makes_a_fixed_number_of_queries_whatever_the_size_of_the_base(client, small, alice, signed_in,
                                                                                 django_assert_num_queries):
    now = timezone.now()
    card = Card.objects.filter(sibling_key="person:victor-serge").first()
    _review(alice, card, 3, now - dt.timedelta(days=2))
    if signed_in:
        client.force_login(alice)
    expected = {url: counts[0 if signed_in else 1] for url, counts in PAGE_QUERIES.items()}
    for grown in (False, True):
        if grown:
            _grow(None, alice, now)
        for url, queries in expected.items():
            if queries is None:
                continue
            with django_assert_num_queries(queries, info=f"{url}, grown: {grown}"):
                response = client.get(url)
            assert response.status_code == 200, url


# --- mastery ------------------------------------------------------------------------------------------

def test_mastery_is_the_mean_fsrs_retrievability_of_studied_cards_and_counts_the_rest(small, alice):
    t0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    now = t0 + dt.timedelta(days=9, hours=5)
    # The work has two cards (who wrote it, which book it is): one reviewed well, one after a lapse.
    cards = list(Card.objects.filter(sibling_key="work:witness-to-the-german-revolution").order_by("pk"))
    assert len(cards) >= 2
    history = {cards[0].pk: [(3, t0), (3, t0 + dt.timedelta(minutes=10)), (3, t0 + dt.timedelta(days=2))],
               cards[1].pk: [(1, t0), (3, t0 + dt.timedelta(minutes=1))]}
    scheduler = fsrs.Scheduler(desired_retention=0.9, enable_fuzzing=False)
    expected = []
    for card in cards[:2]:
        for rating, at in history[card.pk]:
            _review(alice, card, rating, at)
        # fsrs itself, with time counted in study days (UTC, starting at 04:00) as the app counts it
        direct = expected_fsrs_in_study_days(card.pk, history[card.pk])
        direct.last_review = now - dt.timedelta(days=(study_date(now) - study_date(direct.last_review)).days)
        expected.append(scheduler.get_card_retrievability(direct, current_datetime=now))
    key = "work:witness-to-the-german-revolution"
    mastery = mastery_for(alice, now, [key])[key]
    assert mastery.studied == 2 and mastery.not_studied == len(cards) - 2
    # The second card is still in its learning steps (Again, then Good a minute later): not learned yet, it
    # counts 0 whatever FSRS's recall "now" says (100 % just after an answer, even Again).
    assert ReviewState.objects.get(user=alice, card=cards[1]).state == fsrs.State.Learning
    assert mastery.retrievability == pytest.approx(expected[0] / 2, rel=1e-12)
    assert 0 < expected[0] < 1


def test_a_card_just_forgotten_shows_as_not_known(small, alice):
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    card = Card.objects.filter(sibling_key="work:witness-to-the-german-revolution").order_by("pk").first()
    _review(alice, card, 1, now)
    mastery = mastery_for(alice, now + dt.timedelta(seconds=5), [card.sibling_key])[card.sibling_key]
    assert (mastery.studied, mastery.percent, mastery.css) == (1, 0, "m-poor")
    assert mastery.describe() == "you recall about 0% of 1 studied card (1 still being learned); 1 not studied yet"


def test_summarise_is_pure_and_groups_combine_card_weighted():
    now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    snap = scheduling.Snapshot(state=2, step=None, stability=10.0, difficulty=5.0, due=now,
                               last_review=now - dt.timedelta(days=10))
    found = summarise([(1, "person:a"), (2, "person:a"), (3, "work:b")], {1: snap}, now=now, desired_retention=0.9)
    r = scheduling.retrievability(snap, now=now)
    assert found["person:a"] == Mastery(studied=1, not_studied=1, recall_sum=r)
    assert found["work:b"] == Mastery(not_studied=1)
    assert (found["person:a"] + found["work:b"]).total == 3
    assert found["work:b"].retrievability is None and found["work:b"].css == "m-none"


def test_another_users_mastery_is_never_shown(client, small, alice, bob):
    now = timezone.now()
    for card in Card.objects.filter(sibling_key="person:victor-serge"):
        _review(alice, card, 4, now - dt.timedelta(days=1))
    assert mastery_for(alice, now, ["person:victor-serge"])["person:victor-serge"].studied > 0
    assert mastery_for(bob, now, ["person:victor-serge"])["person:victor-serge"].studied == 0
    client.force_login(bob)
    for url in ("/people/victor-serge/", "/timeline/", "/people/", "/stats/", "/periods/1917-1921/"):
        html = client.get(url).content.decode()
        assert "you recall about" not in html and "studied card" not in html, url
    client.force_login(alice)
    assert "you recall about" in client.get("/people/victor-serge/").content.decode()
    client.logout()
    anonymous = client.get("/people/victor-serge/").content.decode()
    assert "you recall about" not in anonymous and "Log in</a> to see how well you know this" in anonymous


def test_timeline_is_coloured_by_the_users_mastery(client, small, alice):
    now = timezone.now()
    for card in Card.objects.filter(sibling_key="event:exile-to-orenburg"):
        _review(alice, card, 4, now - dt.timedelta(hours=1))
    client.force_login(alice)
    root = ET.fromstring(_overview(client.get("/timeline/").content.decode()))
    classes = {a.get("data-key"): a.get("class") for a in root.iter(f"{SVG}a")}
    assert "m-strong" in classes["exile-to-orenburg"]
    assert "m-none" in classes["1947-death-of-victor-serge"]


def test_a_timeline_event_is_coloured_by_the_people_in_it_too(client, small, alice):
    # Studying the people and works of an event is knowing it in part: the timeline no longer stays grey
    # for a learner who studied Serge but no event card.
    now = timezone.now()
    for card in Card.objects.filter(sibling_key="person:victor-serge"):
        _review(alice, card, 4, now - dt.timedelta(hours=1))
    client.force_login(alice)
    root = ET.fromstring(_overview(client.get("/timeline/").content.decode()))
    classes = {a.get("data-key"): a.get("class") for a in root.iter(f"{SVG}a")}
    assert "m-none" not in classes["1947-death-of-victor-serge"]


def test_stats_has_a_mastery_table_by_period_and_deck(client, small, alice):
    now = timezone.now()
    # Recall is counted in study days: put alice's day boundary 12 hours away from now, so a review an hour
    # ago is today's whatever the clock (run between 04:00 and 05:00 UTC, it was yesterday's: 98 %).
    prefs = settings_for(alice)
    prefs.day_starts_at = (now.hour + 12) % 24  # alice's timezone is UTC
    prefs.save()
    for card in Card.objects.filter(sibling_key="event:exile-to-orenburg"):
        _review(alice, card, 4, now - dt.timedelta(hours=1))
    client.force_login(alice)
    html = client.get("/stats/").content.decode()
    assert "Mastery by period and deck" in html
    row = html[html.index('href="/periods/1922-1935/"'):]
    row = row[:row.index("</tr>")]
    assert "you recall about 100%" in row or "you recall about 99%" in row


# --- scopes: 'Study this' and 'Quiz me on this' -------------------------------------------------------

def test_scopes_resolve_to_the_cards_of_a_fact_source_or_period(small):
    assert parse_scope("person", "victor-serge").sibling_keys == {"person:victor-serge"}
    assert parse_scope("source", factbase.S001).sibling_keys == {"event:1919-serge-arrives-in-russia"}
    assert parse_scope("period", "1917-1921").sibling_keys == period_facts()["1917-1921"] == {
        "event:1919-serge-arrives-in-russia", "person:victor-serge"}
    assert parse_scope("period", "1922-1935").sibling_keys >= {"event:exile-to-orenburg",
                                                               "work:witness-to-the-german-revolution"}
    from studyapp.facts.selectors import period_members

    for period in timeline.PERIODS:  # the period page lists exactly what the scope studies
        events, works, people = period_members(period)
        listed = {*(f"event:{e.key}" for e in events), *(f"work:{w.key}" for w in works),
                  *(f"person:{p.key}" for p in people)}
        assert listed == period_facts()[period.slug], period.slug
    from django.http import Http404

    for kind, key in (("person", "nobody"), ("period", "1900"), ("planet", "mars")):
        with pytest.raises(Http404):
            parse_scope(kind, key)


def test_study_this_limits_the_study_session_and_keeps_it_scoped(client, small, alice):
    client.force_login(alice)
    scope = "work:witness-to-the-german-revolution"  # a fact with two cards
    scoped = Card.objects.filter(sibling_key=scope)
    page = client.get(f"/study/?scope={scope}")
    html = page.content.decode()
    assert page.status_code == 200 and "Studying only" in html
    assert page.context["queue"].card in scoped
    assert page.context["queue"].counts["new"] == scoped.count() > 1
    assert f'name="scope" value="{scope}"' in html
    card = page.context["queue"].card
    response = client.post("/study/review/", {"card": card.pk, "rating": 3, "review_id": str(uuid.uuid4()),
                                              "version": 0, "scope": scope})
    assert response.status_code == 302 and response.url == "/study/?scope=work%3Awitness-to-the-german-revolution"
    assert client.get(f"/study/?scope={scope}").context["queue"].card in scoped  # still scoped after a review
    assert client.get("/study/?person=victor-serge").context["queue"].card.sibling_key == "person:victor-serge"
    assert client.get("/study/?scope=person:nobody").status_code == 404


def test_quiz_me_on_this_limits_the_quiz_api_and_page(client, facts, alice, alice_api):
    response = alice_api.post("/api/quizzes/", {"deck": "all", "size": 10, "scope": "period:1917-1921"},
                              format="json")
    assert response.status_code == 201, response.json()
    allowed = period_facts()["1917-1921"]
    quiz = Quiz.objects.get(pk=response.json()["id"])
    facts_asked = {f for q in quiz.questions.all() for f in q.facts}
    assert facts_asked and facts_asked <= allowed
    assert {q.card.sibling_key for q in quiz.questions.all() if q.card_id} <= allowed

    bad = alice_api.post("/api/quizzes/", {"deck": "all", "scope": "person:nobody"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["scope"] == ["no person 'nobody'"]

    client.force_login(alice)
    setup = client.get("/quiz/?scope=work:midnight-in-the-century").content.decode()
    assert ('name="scope" value="work:midnight-in-the-century"' in setup
            and "Only cards about <strong>Midnight in the Century" in setup)
    made = client.post("/quiz/", {"deck": "all", "size": 5, "kinds": ["multiple_choice", "typed"], "mode": "all",
                                  "scope": "work:midnight-in-the-century"})
    assert made.status_code == 302
    quiz = Quiz.objects.filter(user=alice).latest("pk")
    assert {f for q in quiz.questions.all() for f in q.facts} == {"work:midnight-in-the-century"}


def test_fact_pages_offer_study_this_and_quiz_me_to_a_signed_in_user(client, small, alice):
    client.force_login(alice)
    for url, scope in (("/people/victor-serge/", "person%3Avictor-serge"),
                       ("/works/witness-to-the-german-revolution/", "work%3Awitness-to-the-german-revolution"),
                       (f"/sources/{factbase.S001}/", f"source%3A{factbase.S001}"),
                       ("/periods/1917-1921/", "period%3A1917-1921")):
        html = client.get(url).content.decode()
        assert f'href="/study/?scope={scope}"' in html, url
        assert f'href="/quiz/?scope={scope}"' in html, url


def test_pages_are_reachable_from_the_navigation(client, small):
    html = client.get("/").content.decode()
    assert 'href="/timeline/"' in html
    timeline_html = client.get("/timeline/").content.decode()
    for href in ('href="/people/"', 'href="/works/"', 'href="/sources/"', 'action="/search/"',
                 'href="/events/exile-to-orenburg/"', 'href="/periods/1922-1935/"'):
        assert href in timeline_html, href
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in timeline_html


def test_review_states_of_other_users_are_untouched_by_explore_pages(client, small, alice, bob):
    card = Card.objects.filter(sibling_key="person:victor-serge").first()
    _review(alice, card, 3, timezone.now())
    client.force_login(bob)
    client.get("/people/victor-serge/")
    assert ReviewState.objects.filter(user=bob).count() == 0
