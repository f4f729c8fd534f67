"""Quiz mode: building fair questions, lenient typed grading, answers, scores, history, the schedule hook."""

import dataclasses
import datetime as dt
import json
import random

import pytest

from studyapp.accounts.models import settings_for
from studyapp.cards import distractors
from studyapp.cards.models import Card, CardKind
from studyapp.quiz import building, grading
from studyapp.quiz.models import Quiz, QuizAnswer, QuizQuestion
from studyapp.quiz.selectors import fact_pool
from studyapp.quiz.services import AlreadyAnswered, QuizInputError, answer_submit, quiz_create
from studyapp.study.models import ReviewLog, ReviewState
from tests import quizbase

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def base(db, tmp_path):
    return quizbase.load(tmp_path)


def make_quiz(user, **kwargs):
    options = {"deck": "all", "size": 10, "kinds": list(building.QUESTION_KINDS), "now": NOW, "seed": 1}
    return quiz_create(user=user, **{**options, **kwargs})


def right_answer(question):
    if question.kind == "typed":
        return question.solution["accepted"][0]
    if question.kind == "order":
        return question.solution["order"]
    return question.solution["correct"]


def wrong_answer(question):
    if question.kind == "typed":
        return "Nobody at all"
    if question.kind == "order":
        return list(reversed(question.solution["order"]))
    return next(o for o in question.options if o != question.solution["correct"])


# --- typed grading: a table of what is forgiven and what is not --------------------------------------

TYPED_CASES = [
    # (given, accepted, right?)
    ("Leon Trotsky", ["Leon Trotsky"], True),
    ("leon trotsky", ["Leon Trotsky"], True),  # case
    ("  Leon   Trotsky ", ["Leon Trotsky"], True),  # spaces
    ("Andre Gide", ["André Gide"], True),  # accents
    ("Leon Trotsky.", ["Leon Trotsky"], True),  # punctuation
    ("Trotsky", ["Leon Trotsky", "Trotsky"], True),  # alias
    ("Leon Trotksy", ["Leon Trotsky"], True),  # transposed letters: a small typo on a long name
    ("Leon Trotzky", ["Leon Trotsky"], True),  # one wrong letter
    ("Case of Comrade Tulayev", ["The Case of Comrade Tulayev"], True),  # leading article dropped
    ("the case of comrade tulaev", ["The Case of Comrade Tulayev"], True),  # article and a typo
    ("1933", ["1933"], True),  # numbers exactly
    ("1920s", ["1920s", "1920"], True),  # decade precision accepts the decade
    ("the 1920's", ["1920s", "1920"], True),  # ... however it is written
    ("January 1919", ["January 1919", "1918", "1919"], True),
    ("1918", ["January 1919", "1918", "1919"], True),  # every sourced version of a disputed date
    ("Januray 1919", ["January 1919"], True),  # typo in the words, number exact
    ("1932", ["1933"], False),  # numbers are never "close enough"
    ("1930s", ["1933"], False),  # a decade is not a year-precision answer
    ("January 1918", ["January 1919"], False),
    ("Serge", ["Gide"], False),  # short words get no typo allowance
    ("Gidd", ["Gide"], False),
    ("Stalin", ["Leon Trotsky"], False),
    ("", ["Leon Trotsky"], False),
    ("Leon", ["Leon Trotsky"], False),  # half an answer is not a typo
    ("Memoirs of a Revolutionist", ["Memoirs of a Revolutionary"], True),  # long titles forgive more
    ("Midnight", ["Midnight in the Century"], False),
]


@pytest.mark.parametrize(("given", "accepted", "expected"), TYPED_CASES)
def test_it_grades_typed_answers_leniently_but_not_loosely(given, accepted, expected):
    assert grading.grade_typed(given, accepted=accepted).correct is expected


def test_it_rejects_a_near_miss_that_is_another_name_in_the_base():
    verdict = grading.grade_typed("Victor Serge", accepted=["Victor Sergo"], near_misses=["Victor Serge"])
    assert verdict.correct is False
    assert "another name" in verdict.reason


def test_it_says_why_a_typed_answer_was_accepted_or_not():
    assert grading.grade_typed("trotsky", accepted=["Leon Trotsky", "Trotsky"]).reason == (
        "Accepted: “Trotsky” is also right for “Leon Trotsky” (another name or version).")
    assert grading.grade_typed("Leon Trotzky", accepted=["Leon Trotsky"]).reason == (
        "Accepted: “Leon Trotzky” is another spelling of “Leon Trotsky”.")  # a romanisation, not a typo
    assert grading.grade_typed("Leon Trotsly", accepted=["Leon Trotsky"]).reason == (
        "Accepted with a small typo (1 letter): expected “Leon Trotsky”.")
    assert grading.grade_typed("1932", accepted=["1933"]).reason == (
        "Not accepted: numbers must match exactly; expected “1933”.")


def test_it_refuses_an_order_that_is_not_a_permutation_of_the_options():
    with pytest.raises(grading.InvalidAnswer):
        grading.grade_order(["a", "a", "b", "c"], options=["a", "b", "c", "d"], order=["a", "b", "c", "d"])


# --- building: fair distractors on plain data -------------------------------------------------------

def test_year_distractors_are_near_and_never_an_avoided_year():
    for seed in range(50):
        years = distractors.years(1919, avoid={1918, 1919}, rng=random.Random(seed))
        assert len(set(years)) == 3
        assert all(abs(int(y) - 1919) <= 8 and int(y) not in {1918, 1919} for y in years)


def test_date_distractors_keep_the_precision_and_avoid_every_version():
    options = distractors.dates(dt.date(1919, 1, 1), "month", avoid_years={1918}, rng=random.Random(3))
    assert all(o.startswith("January ") and o[-4:] not in {"1918", "1919"} for o in options)
    decades = distractors.dates(dt.date(1920, 1, 1), "decade", avoid_years={1925}, rng=random.Random(3))
    assert all(d.endswith("0s") and d != "1920s" for d in decades)


def test_order_spans_cover_every_version_of_a_disputed_date(base):
    pool = fact_pool()
    assert distractors.event_span(pool.event["arrival"]) == (dt.date(1918, 1, 1), dt.date(1919, 2, 1))


def test_order_questions_never_show_sequence_words(base):
    # "arrested again", "returns", "after his articles": blind raters ordered such events by their wording.
    pool = fact_pool()
    from studyapp.facts.models import Event

    Event.objects.filter(key="kirov").update(description="Kirov is murdered, and the terror begins again.")
    from studyapp.quiz.selectors import forget_fact_pool

    forget_fact_pool()
    pool = fact_pool()
    assert not building._orderable(pool.event["kirov"])
    assert building.order("kirov", pool, random.Random(0), allowed=set(pool.event), used=set()) is None


def test_order_questions_have_four_events_none_tied(base):
    pool = fact_pool()
    # An event whose description states its year gives its place away: never part of an order question.
    dated = dataclasses.replace(pool.event["kirov"], key="dated", description="Kirov is killed in 1934.")
    pool = distractors.Pool(people=pool.people, works=pool.works, events=(*pool.events, dated), roles=pool.roles)
    seen = set()
    for seed in range(30):
        question = building.order("orenburg", pool, random.Random(seed), allowed=set(pool.event), used=set())
        events = [next(e for e in pool.events if e.description == text) for text in question.solution["order"]]
        spans = [distractors.event_span(e) for e in events]
        assert len(events) == 4 and sorted(question.options) == sorted(question.solution["order"])
        assert all(spans[i][1] <= spans[i + 1][0] for i in range(3))  # strictly before, at every precision
        assert question.options != question.solution["order"]
        assert "orenburg" in {e.key for e in events} and "dated" not in {e.key for e in events}
        assert spans[-1][0].year - spans[0][0].year <= 12  # close in time: a real question
        assert question.facts == [f"event:{e.key}" for e in events]
        seen.update(e.key for e in events)
    # Neither the span over the anchor ("orenburg-years") nor anything far from 1933 is ever chosen, but
    # every close event is, in some question: 1928, 1929, 1 December 1934, 1936 / August 1936, 1937.
    assert seen == {"orenburg", "expelled", "trotsky-deported", "kirov", "released", "first-trial", "poum"}


def test_order_questions_need_four_close_events(base):
    pool = fact_pool()
    # Around 1890 the nearest other events are 1913 and later: no fair order question.
    assert building.order("serge-born", pool, random.Random(0), allowed=set(pool.event), used=set()) is None
    # A span is ordered with the events on either side of it, never with one inside it (1934, 1936).
    question = building.order("orenburg-years", pool, random.Random(0), allowed=set(pool.event), used=set())
    assert question.facts == ["event:expelled", "event:trotsky-deported", "event:orenburg-years", "event:poum"]
    assert question.expected == ("1928: Serge is expelled from the party; 1929: Trotsky is deported from the USSR; "
                                 "1933–1936: Serge lives in exile with his son; "
                                 "1937: Serge defends the POUM in the French press")


def test_a_disputed_date_is_never_a_distractor(base):
    pool = fact_pool()
    card = Card.objects.get(key="event:arrival:event_when")
    for seed in range(30):
        question = building.multiple_choice(card, pool, random.Random(seed))
        assert question.solution == {"correct": "January 1919"}
        assert not {o[-4:] for o in question.options if o != "January 1919"} & {"1918", "1919"}


def test_an_alias_of_the_answer_is_never_an_option(base):
    pool = fact_pool()
    card = Card.objects.get(key="person:andre-gide:person_reverse")
    for seed in range(30):
        question = building.multiple_choice(card, pool, random.Random(seed))
        folded = [distractors.fold(o) for o in question.options]
        assert folded.count("andre gide") == 1 and "gide" not in folded


def test_wrong_people_share_a_role_with_the_answer_or_there_is_no_choice(base):
    # Blind raters picked "Serge's wife" out of a dictator, a novelist and a son at a glance.
    pool = fact_pool()
    gide = Card.objects.get(key="person:andre-gide:person_reverse")
    options = {o for seed in range(20) for o in building.multiple_choice(gide, pool, random.Random(seed)).options}
    assert options == {"André Gide", "Victor Serge", "Romain Rolland", "Boris Souvarine", "Maxim Gorky"}
    vlady = Card.objects.get(key="person:vlady-kibalchich:person_reverse")  # the only painter
    assert building.multiple_choice(vlady, pool, random.Random(0)) is None


def test_a_false_statement_is_false_in_the_whole_base(base):
    pool = fact_pool()
    card = Card.objects.get(key="event:arrival:event_when")  # January 1919, or 1918 in another source
    verdicts = set()
    for seed in range(40):
        question = building.true_false(card, pool, random.Random(seed))
        verdicts.add(question.solution["correct"])
        if question.solution["correct"] == "False":
            assert "1918" not in question.prompt and "1919" not in question.prompt
        else:
            assert question.prompt == "True or false? January 1919: Serge arrives in Soviet Russia."
    assert verdicts == {"True", "False"}


def test_a_span_is_asked_as_a_span_and_its_distractors_do_not_overlap_it(base):
    pool = fact_pool()
    card = Card.objects.get(key="event:orenburg-years:event_when")
    assert (card.prompt, card.answer) == (
        "In what years did this happen (from when to when)? Serge lives in exile with his son.", "1933–1936")
    for seed in range(30):
        question = building.multiple_choice(card, pool, random.Random(seed))
        assert question.solution == {"correct": "1933–1936"}
        for option in question.options:
            first, last = (int(y) for y in option.split("–"))
            assert last - first == 3  # a span keeps its length
            assert option == "1933–1936" or last < 1933 or first > 1936  # never partly right
    typed = building.typed(card, pool, random.Random(0))
    assert grading.grade_typed("1933 to 1936", accepted=typed.solution["accepted"]).correct
    assert not grading.grade_typed("1933", accepted=typed.solution["accepted"]).correct


def test_typed_questions_accept_a_unique_surname(base):
    card = Card.objects.get(key="work:stalin-souvarine:work_author")  # Boris Souvarine has no alias
    question = building.typed(card, fact_pool(), random.Random(0))
    assert question.solution["accepted"] == ["Boris Souvarine", "Souvarine"]


def test_which_novel_offers_only_novels(base):
    # "Which novel ...?" with a memoir or a history among the options is answered by elimination.
    pool = fact_pool()
    card = Card.objects.get(key="work:conquered-city:work_reverse")
    novels = {w.title for w in pool.works if w.kind == "novel"}
    offered = set()
    for seed in range(30):
        question = building.multiple_choice(card, pool, random.Random(seed))
        offered |= set(question.options)
    assert offered <= novels and len(offered) > 4


def test_who_wrote_is_not_asked_when_the_author_would_be_the_default_answer(base):
    # Serge wrote 7 of the 9 works: "Who wrote ...?" would nearly always be "Victor Serge".
    assert set(Card.objects.filter(kind="work_author").values_list("fact_key", flat=True)) == {
        "stalin-souvarine", "return-from-the-ussr"}
    card = Card.objects.get(key="work:conquered-city:work_reverse")
    assert (card.prompt, card.answer) == ("Which novel by Victor Serge, published in 1932?", "Conquered City")


def test_an_event_dated_only_to_a_decade_is_never_asked(base):
    assert not Card.objects.filter(fact_key="twenties").exists()


def test_every_card_kind_has_one_question_rule():
    assert list(building.QUESTION_RULES) == list(CardKind)
    assert building.TYPED_CARD_KINDS == {"person_reverse", "work_author", "work_year", "work_kind", "work_reverse",
                                         "event_when", "cloze", "idea"}
    assert building.TRUE_FALSE_CARD_KINDS == {"work_author", "work_year", "work_kind", "event_when"}


def test_a_kind_without_choices_is_never_asked(base):
    """What the sources disagree on has no one right option: an event_dispute card makes no question."""
    card = Card.objects.get(key="work:stalin-souvarine:work_author")
    assert building.multiple_choice(card, fact_pool(), random.Random(0)) is not None  # asked as what it is
    card.kind = CardKind.EVENT_DISPUTE
    pool = fact_pool()
    assert [building.multiple_choice(card, pool, random.Random(0)), building.typed(card, pool, random.Random(0)),
            building.true_false(card, pool, random.Random(0))] == [None, None, None]


# --- services ---------------------------------------------------------------------------------------

def test_it_builds_a_quiz_of_the_requested_size_and_kinds(alice, base):
    quiz = make_quiz(alice, size=14)
    kinds = {q.kind for q in quiz.questions.all()}
    assert quiz.questions.count() == 14
    assert kinds == set(building.QUESTION_KINDS)


def test_it_asks_about_each_fact_once_per_quiz(alice, base):
    quiz = make_quiz(alice, size=30)
    facts = [f for q in quiz.questions.all() for f in q.facts]
    assert len(facts) == len(set(facts))


def test_it_scores_a_quiz(alice, base):
    quiz = make_quiz(alice, size=6)
    for i, question in enumerate(quiz.questions.all()):
        answer_submit(user=alice, quiz=quiz, question_id=question.pk,
                      answer=right_answer(question) if i % 2 else wrong_answer(question), now=NOW)
    quiz = Quiz.objects.with_scores().get(pk=quiz.pk)
    assert (quiz.score, quiz.answered, quiz.total) == (3, 6, 6)
    assert quiz.finished_at == NOW


def test_a_second_answer_to_the_same_question_is_a_conflict(alice, base):
    quiz = make_quiz(alice, size=1)
    question = quiz.questions.get()
    answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=right_answer(question), now=NOW)
    with pytest.raises(AlreadyAnswered):
        answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=wrong_answer(question), now=NOW)
    assert QuizAnswer.objects.get().correct is True


def test_disputed_facts_accept_every_sourced_version(alice, base):
    quiz = make_quiz(alice, deck="events", size=1, kinds=["typed"], mode="all", seed=None)
    question = quiz.questions.get()
    question.card = Card.objects.get(key="event:arrival:event_when")
    spec = building.typed(question.card, fact_pool(), random.Random(0))
    QuizQuestion.objects.filter(pk=question.pk).update(card=question.card, prompt=spec.prompt,
                                                       solution=spec.solution, versions=spec.versions)
    answer = answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer="1918", now=NOW)
    assert answer.correct is True
    assert [(v["value"], [c["source"] for c in v["citations"]]) for v in spec.versions] == [
        ("January 1919", [quizbase.S2]), ("1918", [quizbase.S1])]


def test_only_studied_cards_are_quizzed_in_studied_mode(alice, base):
    card = Card.objects.get(key="work:stalin-souvarine:work_author")
    ReviewState.objects.create(user=alice, card=card, due=NOW, reps=1, stability=1.0, difficulty=5.0,
                               last_review=NOW - dt.timedelta(days=1), state=2)
    quiz = make_quiz(alice, mode="studied", kinds=["multiple_choice", "typed"])
    assert [q.card_id for q in quiz.questions.all()] == [card.pk]


def test_weakest_mode_asks_the_least_remembered_card_first(alice, base):
    weak = Card.objects.get(key="work:stalin-souvarine:work_author")
    strong = Card.objects.get(key="work:men-in-prison:work_reverse")
    for card, stability in ((weak, 1.0), (strong, 300.0)):
        ReviewState.objects.create(user=alice, card=card, due=NOW, reps=3, stability=stability, difficulty=5.0,
                                   last_review=NOW - dt.timedelta(days=10), state=2)
    quiz = make_quiz(alice, mode="weakest", kinds=["multiple_choice"])
    assert [q.card_id for q in quiz.questions.all()] == [weak.pk, strong.pk]


def test_weakest_mode_counts_elapsed_time_in_study_days(alice, base):
    # 20 hours ago was yesterday's study day (day start 4:00 UTC): a day has passed for FSRS, as in scheduling.
    # Counted in 24-hour periods no time would have passed and the two cards would tie.
    one, two = sorted(Card.objects.filter(key__in=["work:stalin-souvarine:work_author",
                                                   "work:men-in-prison:work_reverse"]), key=lambda c: c.pk)
    for card, last in ((one, NOW - dt.timedelta(hours=2)), (two, NOW - dt.timedelta(hours=20))):
        ReviewState.objects.create(user=alice, card=card, due=NOW, reps=3, stability=5.0, difficulty=5.0,
                                   last_review=last, state=2)
    quiz = make_quiz(alice, mode="weakest", kinds=["multiple_choice"])
    assert [q.card_id for q in quiz.questions.all()] == [two.pk, one.pk]


def test_studied_mode_without_studied_cards_names_the_field(alice, base):
    with pytest.raises(QuizInputError) as error:
        make_quiz(alice, mode="studied")
    assert error.value.field == "mode"


# --- the schedule hook ------------------------------------------------------------------------------

@pytest.fixture
def studied_question(alice, base):
    """A multiple-choice quiz question on a card alice is studying."""
    card = Card.objects.get(key="work:stalin-souvarine:work_author")
    ReviewState.objects.create(user=alice, card=card, due=NOW, reps=1, stability=2.0, difficulty=5.0, step=None,
                               last_review=NOW - dt.timedelta(days=2), state=2)
    quiz = make_quiz(alice, mode="studied", kinds=["multiple_choice"])
    return quiz, quiz.questions.get()


def test_quiz_answers_count_as_reviews_when_the_user_says_so(alice, studied_question):
    quiz, question = studied_question
    settings = settings_for(alice)
    settings.quiz_counts_as_review = True
    settings.save()
    answer = answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=wrong_answer(question), now=NOW)
    log = ReviewLog.objects.get(user=alice)
    assert (log.card_id, log.rating, log.source, log.review_id) == (question.card_id, 1, "quiz", answer.review_id)


def test_a_right_quiz_answer_counts_as_good(alice, studied_question):
    quiz, question = studied_question
    settings = settings_for(alice)
    settings.quiz_counts_as_review = True
    settings.save()
    answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=right_answer(question), now=NOW)
    assert ReviewLog.objects.get(user=alice).rating == 3


def test_quiz_answers_do_not_count_as_reviews_by_default(alice, studied_question):
    quiz, question = studied_question
    answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=right_answer(question), now=NOW)
    assert not ReviewLog.objects.exists()


def test_quiz_answers_never_bring_new_cards_into_study(alice, base):
    settings = settings_for(alice)
    settings.quiz_counts_as_review = True
    settings.save()
    quiz = make_quiz(alice, size=3, kinds=["multiple_choice"])
    for question in quiz.questions.all():
        answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=right_answer(question), now=NOW)
    assert not ReviewLog.objects.exists() and not ReviewState.objects.exists()


# --- the API ----------------------------------------------------------------------------------------

def test_it_creates_a_quiz_without_leaking_answers(alice_api, base):
    response = alice_api.post("/api/quizzes/", {"deck": "all", "size": 8}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert len(body["questions"]) == 8
    assert set(body["questions"][0]) == {"id", "position", "kind", "prompt", "options"}
    text = json.dumps(body)
    assert "solution" not in text and "expected" not in text and "accepted" not in text
    quiz = Quiz.objects.get(pk=body["id"])
    prompts = [q.prompt for q in quiz.questions.all()]
    for question in quiz.questions.filter(kind="typed"):
        assert not any(question.solution["accepted"][0] in prompt for prompt in prompts)


@pytest.mark.parametrize(("payload", "field"), [
    ({"deck": "all", "size": 0}, "size"),
    ({"deck": "all", "size": 51}, "size"),
    ({"deck": "poems", "size": 5}, "deck"),
    ({"deck": "all", "size": 5, "kinds": ["essay"]}, "kinds"),
    ({"deck": "all", "size": 5, "kinds": []}, "kinds"),
    ({"size": 5}, "deck"),
])
def test_bad_quiz_input_is_a_400_naming_the_field(alice_api, base, payload, field):
    response = alice_api.post("/api/quizzes/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(field)


def test_it_answers_with_the_expected_answer_and_citation(alice_api, base):
    quiz_id = alice_api.post("/api/quizzes/", {"deck": "works", "size": 1, "kinds": ["multiple_choice"]},
                             format="json").json()["id"]
    question = Quiz.objects.get(pk=quiz_id).questions.get()
    response = alice_api.post(f"/api/quizzes/{quiz_id}/answers/",
                              {"question": question.pk, "answer": right_answer(question)}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["correct"] is True and body["expected"] == question.expected
    assert body["citation"] == {"source": quizbase.S2, "title": "Victor Serge biography",
                                "quote": question.citations[0]["quote"]}


def test_an_order_answer_is_a_list(alice_api, base):
    quiz_id = alice_api.post("/api/quizzes/", {"deck": "events", "size": 1, "kinds": ["order"]},
                             format="json").json()["id"]
    question = Quiz.objects.get(pk=quiz_id).questions.get()
    bad = alice_api.post(f"/api/quizzes/{quiz_id}/answers/", {"question": question.pk, "answer": "first"},
                         format="json")
    good = alice_api.post(f"/api/quizzes/{quiz_id}/answers/",
                          {"question": question.pk, "answer": question.solution["order"]}, format="json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("answer: ")
    assert good.status_code == 201 and good.json()["correct"] is True


def test_a_second_answer_over_the_api_is_409(alice_api, base):
    quiz_id = alice_api.post("/api/quizzes/", {"deck": "all", "size": 1}, format="json").json()["id"]
    question = Quiz.objects.get(pk=quiz_id).questions.get()
    payload = {"question": question.pk, "answer": right_answer(question)}
    assert alice_api.post(f"/api/quizzes/{quiz_id}/answers/", payload, format="json").status_code == 201
    assert alice_api.post(f"/api/quizzes/{quiz_id}/answers/", payload, format="json").status_code == 409


def test_the_quiz_gives_its_score(alice_api, base):
    body = alice_api.post("/api/quizzes/", {"deck": "all", "size": 3}, format="json").json()
    quiz = Quiz.objects.get(pk=body["id"])
    for question, correct in zip(quiz.questions.all(), (True, False, True), strict=True):
        answer = right_answer(question) if correct else wrong_answer(question)
        alice_api.post(f"/api/quizzes/{quiz.pk}/answers/", {"question": question.pk, "answer": answer}, format="json")
    detail = alice_api.get(f"/api/quizzes/{quiz.pk}/").json()
    assert (detail["score"], detail["total"], detail["answered"]) == (2, 3, 3)
    assert [q["result"]["correct"] for q in detail["questions"]] == [True, False, True]


def test_it_validates_ownership_of_quizzes(alice, charlie, base, api_client):
    quiz = make_quiz(alice, size=1)
    question = quiz.questions.get()
    api_client.force_authenticate(charlie)
    assert api_client.get(f"/api/quizzes/{quiz.pk}/").status_code == 404
    response = api_client.post(f"/api/quizzes/{quiz.pk}/answers/",
                               {"question": question.pk, "answer": right_answer(question)}, format="json")
    assert response.status_code == 404
    assert not QuizAnswer.objects.exists()


def test_a_question_of_another_quiz_is_a_400(alice, alice_api, base):
    mine, other = make_quiz(alice, size=1), make_quiz(alice, size=1, seed=2)
    response = alice_api.post(f"/api/quizzes/{mine.pk}/answers/",
                              {"question": other.questions.get().pk, "answer": "x"}, format="json")
    assert response.status_code == 400 and response.json()["detail"].startswith("question: ")


def test_anonymous_users_cannot_quiz(api_client, base):
    assert api_client.post("/api/quizzes/", {"deck": "all"}, format="json").status_code == 401


# --- the pages --------------------------------------------------------------------------------------

def test_the_setup_page_creates_a_quiz_and_shows_the_first_question(client, alice, base):
    client.force_login(alice)
    response = client.post("/quiz/", {"deck": "works", "size": 3, "kinds": ["multiple_choice"], "mode": "all"})
    quiz = Quiz.objects.get(user=alice)
    assert response.status_code == 302 and response.url == f"/quiz/{quiz.pk}/"
    page = client.get(response.url)
    assert "Question 1 of 3" in page.content.decode()


def test_the_setup_page_shows_errors_on_the_field(client, alice, base):
    client.force_login(alice)
    response = client.post("/quiz/", {"deck": "all", "size": 99, "kinds": ["typed"], "mode": "all"})
    assert response.status_code == 200 and not Quiz.objects.exists()
    assert "size" in response.context["form"].errors


def test_answering_on_the_page_shows_feedback_with_the_source(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=2, kinds=["multiple_choice"])
    question = quiz.questions.first()
    response = client.post(f"/quiz/{quiz.pk}/questions/{question.pk}/answer/", {"answer": wrong_answer(question)},
                           follow=True)
    html = response.content.decode()
    assert "Wrong." in html and question.citations[0]["quote"] in html and "Question 2 of 2" in html


def test_an_order_question_works_without_javascript(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, deck="events", size=1, kinds=["order"])
    question = quiz.questions.get()
    positions = {f"position-{i}": question.solution["order"].index(o) + 1 for i, o in enumerate(question.options)}
    response = client.post(f"/quiz/{quiz.pk}/questions/{question.pk}/answer/", positions, follow=True)
    assert QuizAnswer.objects.get().correct is True
    assert "1 of 1" in response.content.decode()


def test_history_lists_past_quizzes_with_scores(client, alice, base):
    client.force_login(alice)
    quiz = make_quiz(alice, size=2)
    first = quiz.questions.first()
    answer_submit(user=alice, quiz=quiz, question_id=first.pk, answer=right_answer(first), now=NOW)
    html = client.get("/quiz/history/").content.decode()
    assert f'href="/quiz/{quiz.pk}/"' in html and "1/2" in html


def test_another_users_quiz_page_is_404(client, alice, charlie, base):
    quiz = make_quiz(alice, size=1)
    client.force_login(charlie)
    assert client.get(f"/quiz/{quiz.pk}/").status_code == 404
    question = quiz.questions.get()
    response = client.post(f"/quiz/{quiz.pk}/questions/{question.pk}/answer/", {"answer": "x"})
    assert response.status_code == 404


def test_quiz_pages_need_login(client, base):
    assert client.get("/quiz/").status_code == 302


def test_review_ids_are_fresh_per_answer(alice, studied_question):
    """Two answers on the same card are two reviews: each answer stores the id of its own review log."""
    quiz, question = studied_question
    settings = settings_for(alice)
    settings.quiz_counts_as_review = True
    settings.save()
    again = make_quiz(alice, mode="studied", kinds=["multiple_choice"], seed=2).questions.get()
    assert again.card_id == question.card_id
    answer_submit(user=alice, quiz=quiz, question_id=question.pk, answer=right_answer(question), now=NOW)
    answer_submit(user=alice, quiz=again.quiz, question_id=again.pk, answer=wrong_answer(again),
                  now=NOW + dt.timedelta(minutes=1))
    stored = list(QuizAnswer.objects.filter(question__quiz__user=alice).order_by("answered_at")
                  .values_list("review_id", flat=True))
    logs = list(ReviewLog.objects.filter(user=alice).order_by("reviewed_at").values_list("review_id", "rating"))
    assert len(set(stored)) == 2 and None not in stored
    assert logs == [(stored[0], 3), (stored[1], 1)]


def test_the_quiz_endpoints_are_in_the_openapi_schema(alice_api):
    schema = alice_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/quizzes/{id}/answers/" in schema and "/api/quizzes/{id}/" in schema
