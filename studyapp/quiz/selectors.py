"""Reads the quiz pages and the API share: the one ownership helper, history, and the cards to quiz on."""

from django.core.cache import cache
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from studyapp.accounts.models import settings_for
from studyapp.cards.distractors import Pool
from studyapp.cards.models import Card
from studyapp.cards.selectors import fact_snapshots
from studyapp.decks import ALL
from studyapp.decks import DECKS as DECK_LIST
from studyapp.facts.models import Collection, Person, serge_collection_id
from studyapp.quiz.models import Quiz, QuizMode, QuizQuestion
from studyapp.study import scheduling
from studyapp.study.models import ReviewState
from studyapp.study.selectors import study_days

DECKS = {**{deck: [deck] for deck in DECK_LIST}, ALL: list(DECK_LIST)}  # a quiz deck -> the card decks it covers


def get_quiz_for_user(user, pk) -> Quiz:
    """The user's own quiz with its questions and answers; anyone else's is a 404, and so is one with a question on
    a collection the user may no longer reach (made private since), as its answers and quotes are that
    collection's (one subquery in the same statement)."""
    questions = Prefetch("questions", queryset=QuizQuestion.objects.select_related("answer"))
    unreachable = Collection.objects.exclude(pk__in=Collection.objects.studyable_by(user).values("pk"))
    quizzes = Quiz.objects.exclude(questions__card__collection__in=unreachable)
    return get_object_or_404(quizzes.with_scores().prefetch_related(questions), pk=pk, user=user)


def quiz_history(user):
    """The user's quizzes, newest first, with their scores."""
    return Quiz.objects.filter(user=user).with_scores()


def quiz_cards(user, *, deck, mode, now, scope=None, collection=None) -> list[Card]:
    """Active cards to quiz on, in priority order: weakest first for "weakest", else by id (caller shuffles).

    scope, when given, is a collection of sibling keys ("person:victor-serge", ...): only those facts' cards
    ("Quiz me on this" on a person, work, source or period page). Only cards of the user's collections, or of
    `collection` when given (a Collection the caller has checked the user may study).
    """
    cards = Card.objects.active().in_decks(DECKS[deck]).studied_by(user, collection)
    if scope is not None:
        cards = cards.filter(sibling_key__in=list(scope))
    if mode == QuizMode.ALL:
        return list(cards)
    states = (ReviewState.objects.studied().filter(user=user, card__in=cards, suspended=False)
              .select_related("card"))
    if mode == QuizMode.STUDIED:
        return [s.card for s in states.order_by("card_id")]
    retention, days = settings_for(user).desired_retention, study_days(user)  # counted in study days, as scheduling
    ranked = sorted(states, key=lambda s: (
        scheduling.retrievability(scheduling.Snapshot.of(s), now=now, desired_retention=retention, days=days,
                                  parameters=settings_for(user).fsrs_parameters),
        s.card_id))
    return [s.card for s in ranked]


FACT_POOL_KEY = "quiz:fact-pool:v2:{}"  # one pool per collection (its primary key)
FACT_POOL_SECONDS = 600  # load_facts clears it at once; the timeout covers edits made in the admin


def fact_pool(collection_id: int | None = None) -> Pool:
    """One collection's facts (the Serge base's when None) as the distractor pool, from the shared cache (one
    read) when it is there. A question's distractors come from its own card's collection only."""
    if collection_id is None:
        collection_id = serge_collection_id()
    pool = cache.get(FACT_POOL_KEY.format(collection_id))
    if pool is None:
        pool = _build_fact_pool(collection_id)
        cache.set(FACT_POOL_KEY.format(collection_id), pool, FACT_POOL_SECONDS)
    return pool


def forget_fact_pool(collection_id: int | None = None):
    """Drop a collection's cached pool (every collection's when None)."""
    ids = [collection_id] if collection_id is not None else list(Collection.objects.values_list("pk", flat=True))
    cache.delete_many([FACT_POOL_KEY.format(pk) for pk in ids])


def _build_fact_pool(collection_id) -> Pool:
    people, works, events = fact_snapshots(collection_id)
    roles = {key: tuple(r) for key, r in Person.objects.filter(collection_id=collection_id).values_list("key", "roles")}
    return Pool(people=tuple(people), works=tuple(works), events=tuple(events), roles=roles)
