"""Cards: each kind from plain facts, no ambiguous prompts over the real base, regeneration, /cards/."""

import datetime as dt
import json
import uuid
from collections import defaultdict

import pytest

from studyapp.cards import generation as g
from studyapp.cards.models import Card
from studyapp.content import load_facts
from studyapp.study import services as study
from studyapp.study.models import ReviewLog, ReviewState
from tests import factbase

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def cite(quote, title="A source"):
    return g.Cite(source="000_x.txt", title=title, quote=quote)


def person(key, name, description, aliases=(), quote=None, years=(), weight="core"):
    return g.PersonFact(key=key, name=name, aliases=tuple(aliases), description=description, years=tuple(years),
                        weight=weight,
                        versions=(g.Version({"description": description}, (cite(quote or f"{name} was here"),)),))


def work(key, title, kind="novel", year=None, author=None, author_aliases=(), versions=None, aliases=()):
    versions = versions or (g.Version({"year": year}, (cite(f"{title} appeared"),)),)
    return g.WorkFact(key=key, title=title, aliases=tuple(aliases), kind=kind, year=year, author=author,
                      author_aliases=tuple(author_aliases), versions=versions)


def event(key, when, date, precision, description, versions=None):
    versions = versions or (g.Version({"when": when, "date": date, "precision": precision},
                                      (cite(f"In {when} something happened to many people"),)),)
    return g.EventFact(key=key, when=when, date=date, precision=precision, description=description,
                       versions=versions)


def by_key(specs):
    return {s.key: s for s in specs}


def test_person_cards_and_reverse_only_when_unique():
    trotsky = person("leon-trotsky", "Leon Trotsky", "Exiled Bolshevik leader.", aliases=["Trotsky"], years=[1923])
    other = person("x", "X", "Exiled Bolshevik leader.")
    vlady = person("vlady", "Vlady", "Serge's son, a painter.")
    specs = by_key(g.generate_cards([trotsky, other, vlady], [], []))
    who = specs["person:leon-trotsky:person_who"]
    assert (who.prompt, who.answer, who.deck, who.topics) == (
        "Who was Leon Trotsky?", "Exiled Bolshevik leader.", "people", ["1922-1935"])
    assert "person:leon-trotsky:person_reverse" not in specs  # the description fits two people
    reverse = specs["person:vlady:person_reverse"]
    assert (reverse.prompt, reverse.answer, reverse.accepted) == ("Who is this? Serge's son, a painter.", "Vlady",
                                                                   ["Vlady"])


def test_reverse_is_skipped_when_the_description_gives_the_name_away():
    serge = person("victor-serge", "Victor Serge", "Serge was a writer.", aliases=["Serge"])
    assert "person:victor-serge:person_reverse" not in by_key(g.generate_cards([serge], [], []))


def test_work_cards():
    tulayev = work("tulayev", "The Case of Comrade Tulayev", kind="novel", year=1948, author="Victor Serge",
                   author_aliases=["Serge"])
    specs = by_key(g.generate_cards([], [tulayev], []))
    assert specs["work:tulayev:work_author"].prompt == "Who wrote “The Case of Comrade Tulayev”?"
    assert specs["work:tulayev:work_author"].accepted == ["Victor Serge", "Serge"]
    assert sorted(k.rsplit(":", 1)[1] for k in specs) == ["work_author", "work_reverse"]  # no genre or year cards
    assert specs["work:tulayev:work_reverse"].prompt == "Which novel by Victor Serge, published in 1948?"
    described = work("tulayev", "The Case of Comrade Tulayev", kind="novel", year=1948, author="Victor Serge")
    described = g.WorkFact(**{**vars(described), "description": "A novel of the purges, after a murder."})
    assert by_key(g.generate_cards([], [described], []))["work:tulayev:work_reverse"].prompt == (
        "Which novel by Victor Serge: A novel of the purges, after a murder?")
    assert specs["work:tulayev:work_reverse"].answer == "The Case of Comrade Tulayev"
    assert {s.deck for s in specs.values()} == {"works"}
    assert specs["work:tulayev:work_reverse"].topics == ["after 1947"]


def test_work_reverse_only_where_kind_author_year_are_unique():
    a = work("a", "Men in Prison", year=1930, author="Victor Serge")
    b = work("b", "Birth of Our Power", year=1930, author="Victor Serge")
    specs = by_key(g.generate_cards([], [a, b], []))
    assert not [k for k in specs if k.endswith("work_reverse")]


def test_a_disputed_year_keeps_the_work_out_of_the_year_reverse_prompt():
    versions = (g.Version({"year": 1939}, (cite("Portrait of Stalin (1939)", "Article body"),)),
                g.Version({"year": 1940}, (cite("Portrait de Staline 1940", "Footnote"),)))
    portrait = work("portrait", "Portrait of Stalin", kind="non-fiction", year=1939, author="Victor Serge",
                    versions=versions)
    specs = by_key(g.generate_cards([], [portrait], []))
    assert "work:portrait:work_reverse" not in specs  # "published in 1939" would take one side
    assert list(specs) == ["work:portrait:work_author"]


def test_event_cards_and_reverse_only_where_one_event_fits():
    death = event("death", "1947", dt.date(1947, 1, 1), "year", "Victor Serge dies in Mexico.")
    arrest = event("arrest", "8 March 1933", dt.date(1933, 3, 8), "day", "Serge is arrested.")
    exile = event("exile", "1933", dt.date(1933, 1, 1), "year", "Serge is exiled to Orenburg.")
    vienna = event("vienna", "November 1923", dt.date(1923, 11, 1), "month", "Serge moves to Vienna.")
    specs = by_key(g.generate_cards([], [], [death, arrest, exile, vienna]))
    when = specs["event:death:event_when"]
    assert (when.prompt, when.answer, when.accepted, when.deck) == (
        "In what year did this happen? Victor Serge dies in Mexico.", "1947", ["1947"], "events")
    # "What happened in 1947?" or "... in November 1923?" has countless right answers: only a day is asked.
    assert "event:death:event_reverse" not in specs and "event:vienna:event_reverse" not in specs
    assert "event:arrest:event_reverse" not in specs  # two events fit 1933
    assert specs["event:arrest:event_when"].accepted[0] == "8 March 1933"
    alone = by_key(g.generate_cards([], [], [death, arrest]))
    assert (alone["event:arrest:event_reverse"].prompt, alone["event:arrest:event_reverse"].answer) == (
        "In these sources, what happened on 8 March 1933?", "Serge is arrested.")


def test_a_birth_or_death_gets_no_date_to_event_card():
    # "What happened on 17 November 1947?" in a Serge deck: "Serge dies" is the default guess at a life's edge.
    death = event("death", "17 November 1947", dt.date(1947, 11, 17), "day", "Victor Serge dies in Mexico.")
    born = event("born", "30 December 1890", dt.date(1890, 12, 30), "day", "Victor Serge is born in Brussels.")
    arrest = event("arrest", "8 March 1933", dt.date(1933, 3, 8), "day", "Serge is arrested.")
    reverse = sorted(s.key for s in g.generate_cards([], [], [death, born, arrest]) if s.kind == "event_reverse")
    assert reverse == ["event:arrest:event_reverse"]


def test_disputed_event_date():
    versions = (
        g.Version({"when": "January 1919", "date": dt.date(1919, 1, 1), "precision": "month"},
                  (cite("in January 1919", "Biography"),)),
        g.Version({"when": "1918", "date": dt.date(1918, 1, 1), "precision": "year"}, (cite("in 1918", "Report"),)),
    )
    arrival = event("arrival", "January 1919", dt.date(1919, 1, 1), "month", "Serge reaches Russia.", versions)
    specs = by_key(g.generate_cards([], [], [arrival]))
    card = specs["event:arrival:event_when"]
    assert card.answer == "Sources differ: January 1919 (according to Biography) / 1918 (according to Report)"
    assert card.accepted == ["January 1919", "1919-01", "1918"] and card.disputed is True
    assert "event:arrival:event_reverse" not in specs and "event:arrival:cloze" not in specs
    assert card.topics == ["1917-1921"]


def test_cloze_blanks_the_answer_and_never_leaves_a_sentence_without_meaning():
    serge = person("victor-serge", "Victor Serge", "A writer.", aliases=["Serge"],
                   quote="As a teen, Serge grew up in an anarchist commune in the hills of Belgium.")
    # (the blank must leave at least ten words of a whole sentence)
    short = person("lenin", "Lenin", "A leader.", quote="Lenin and Trotsky")
    specs = by_key(g.generate_cards([serge, short], [], []))
    cloze = specs["person:victor-serge:cloze"]
    assert cloze.prompt == (
        "Fill in the blank (a name): “As a teen, [...] grew up in an anarchist commune in the hills of Belgium.” "
        "(A source)")
    assert (cloze.answer, cloze.accepted) == ("Serge", ["Serge", "Victor Serge"])
    assert "person:lenin:cloze" not in specs  # "[...] and Trotsky" is too thin to be answerable


def test_cloze_skips_a_name_shared_by_two_facts():
    a = person("a", "Alexander", "A tsar.", aliases=["Alexander II"],
               quote="Alexander was killed by the People's Will in the streets of the capital.")
    b = person("b", "Alexander Bek", "A writer.", aliases=["Alexander"],
               quote="Alexander Bek wrote a novel about the long and hungry war years in Siberia.")
    specs = by_key(g.generate_cards([a, b], [], []))
    assert "person:a:cloze" not in specs
    assert specs["person:b:cloze"].answer == "Alexander Bek"


def test_keys_never_depend_on_text():
    one = g.generate_cards([person("p", "First Name", "One description.")], [], [])
    two = g.generate_cards([person("p", "Other Name", "Another description.")], [], [])
    assert [s.key for s in one] == [s.key for s in two]


# --- the real fact base ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_fact_has_a_card_and_most_have_two(facts):
    from studyapp.facts.models import Event, Person, Work

    cards = defaultdict(int)
    for card in Card.objects.active():
        cards[card.sibling_key] += 1
    keys = [f"person:{k}" for k in Person.objects.values_list("key", flat=True)]
    keys += [f"work:{k}" for k in Work.objects.values_list("key", flat=True)]
    keys += [f"event:{k}" for k in Event.objects.values_list("key", flat=True)]
    mentions = {f"{m._meta.model_name}:{k}" for m in (Person, Work, Event)
                for k in m.objects.filter(weight="mention").values_list("key", flat=True)}
    # Every fact of substance has a card, except an event dated only to a decade (shown on the timeline,
    # never asked); people with a full name have two (who was / who is this); a mention has none.
    decades = {f"event:{k}" for k in Event.objects.filter(precision="decade", end=None).values_list("key", flat=True)}
    # ... and an event the sources tell differently (a topic with several accounts): shown, not asked.
    disputes = {f"event:{k}" for k in Event.objects.exclude(topic="").values_list("key", flat=True)}
    weighty = [k for k in keys if k not in mentions]
    assert [k for k in weighty if not cards[k]] == sorted((decades | disputes) - mentions)
    assert not [k for k in mentions if cards[k]]
    full_names = [f"person:{k}" for k, name in Person.objects.values_list("key", "name") if " " in name]
    # ... except the subject himself: "Who is this? Belgian-born revolutionary writer ..." answers itself.
    assert [k for k in weighty if k in full_names and cards[k] < 2] == ["person:victor-serge"]


@pytest.mark.django_db
def test_no_prompt_has_two_different_answers_in_the_real_base(facts):
    answers = defaultdict(set)
    for prompt, answer in Card.objects.active().values_list("prompt", "answer"):
        answers[prompt.casefold()].add(answer.casefold())
    assert {p: a for p, a in answers.items() if len(a) > 1} == {}
    # Reverse prompts are unique outright; cloze answers occur in their own quote.
    reverse = list(Card.objects.active().filter(kind__endswith="reverse").values_list("prompt", flat=True))
    assert len(reverse) == len(set(reverse))
    for card in Card.objects.active().filter(kind="cloze"):
        assert g.BLANK in card.prompt and card.answer in card.citations[0]["quote"]


# --- regeneration -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_changed_fact_updates_its_cards_in_place_and_progress_survives(tmp_path, alice):
    path = factbase.write(tmp_path / "facts.json", factbase.records())
    load_facts(paths=[path], now=NOW)
    card = Card.objects.get(key="person:victor-serge:person_who")
    study.review_submit(user=alice, card=card, rating=3, now=NOW, review_id=uuid.uuid4())
    data = factbase.records()
    factbase.find(data, "facts.person", "victor-serge")["fields"]["description"] = "A writer and revolutionary."
    report = load_facts(paths=[factbase.write(path, data)], now=NOW + dt.timedelta(days=1))
    assert report.cards["updated"] >= 1 and report.cards["created"] == 0
    card.refresh_from_db()
    assert (card.answer, card.updated_at) == ("A writer and revolutionary.", NOW + dt.timedelta(days=1))
    assert ReviewState.objects.get(user=alice, card=card).reps == 1


@pytest.mark.django_db
def test_a_removed_fact_retires_its_cards_and_keeps_their_logs(tmp_path, alice):
    path = factbase.write(tmp_path / "facts.json", factbase.records())
    load_facts(paths=[path], now=NOW)
    card = Card.objects.get(key="event:exile-to-orenburg:event_when")
    study.review_submit(user=alice, card=card, rating=3, now=NOW, review_id=uuid.uuid4())
    data = [r for r in factbase.records() if "exile-to-orenburg" not in json.dumps(r)]
    report = load_facts(paths=[factbase.write(path, data)], now=NOW)
    card.refresh_from_db()
    assert card.retired is True and report.cards["retired"] == Card.objects.filter(retired=True).count() >= 1
    assert ReviewLog.objects.filter(card=card).count() == 1
    assert not Card.objects.active().filter(fact_key="exile-to-orenburg").exists()
    load_facts(paths=[factbase.write(path, factbase.records())], now=NOW)  # the fact returns: so does the card
    card.refresh_from_db()
    assert card.retired is False and ReviewState.objects.get(card=card).reps == 1


# --- browsing ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_cards_page_filters_and_shows_citations(client, tmp_path):
    load_facts(paths=[factbase.write(tmp_path / "facts.json", factbase.records())], now=NOW)
    total = Card.objects.active().count()
    html = client.get("/cards/").content.decode()
    assert f"{total} cards" in html
    assert "Who wrote “Witness to the German Revolution”?" in html
    assert "published as Witness to the German Revolution,1923" in html  # the citation
    assert "Revolutionary Victor Serge Has a Message" in html  # its source's title
    works = Card.objects.active().filter(deck="works").count()
    assert f"{works} card" in client.get("/cards/?deck=works").content.decode()
    disputed = client.get("/cards/?disputed=yes").content.decode()
    assert "1 card<" in disputed and "Sources differ: January 1919" in disputed
    assert "0 cards" in client.get("/cards/?deck=novels").content.decode()
    search = client.get("/cards/?q=orenburg").content.decode()
    assert "Victor Serge is exiled to Orenburg." in search
    assert "0 cards" not in client.get("/cards/?topic=1936-1947").content.decode()


def test_every_list_of_decks_is_the_one_in_studyapp_decks():
    from studyapp.accounts.models import default_decks
    from studyapp.cards.generation import INTRO_ORDER
    from studyapp.cards.models import Deck
    from studyapp.decks import DECK_CHOICES, DECKS
    from studyapp.exports.anki import ANKI_DECKS
    from studyapp.quiz.selectors import DECKS as QUIZ_DECKS

    assert DECKS == ("people", "works", "events") and DECK_CHOICES == ("all", *DECKS)
    assert tuple(Deck.values) == DECKS and [str(label) for label in Deck.labels] == ["People", "Works", "Events"]
    assert tuple(default_decks()) == DECKS and set(INTRO_ORDER) == set(DECKS) == set(ANKI_DECKS)
    assert QUIZ_DECKS == {"people": ["people"], "works": ["works"], "events": ["events"], "all": list(DECKS)}


def test_a_fact_reference_is_built_and_parsed_in_one_place():
    from studyapp.facts.models import Person
    from studyapp.refs import parse, ref, ref_of

    assert ref("person", "victor-serge") == "person:victor-serge" == ref_of(Person(key="victor-serge"))
    assert parse("person:victor-serge") == ("person", "victor-serge")
    assert parse(" period:1917-1921 ") == ("period", "1917-1921") and parse("nobody") == ("nobody", "")
