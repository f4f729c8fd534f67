"""Quiz writes shared by the pages and the API: create a quiz, answer one of its questions."""

import random
import uuid

from django.db import IntegrityError, transaction

from studyapp.accounts.models import settings_for
from studyapp.cards.models import sibling_fact
from studyapp.quiz import building, grading
from studyapp.quiz.models import Quiz, QuizAnswer, QuizDeck, QuizMode, QuizQuestion
from studyapp.quiz.selectors import fact_pool, quiz_cards
from studyapp.study.models import ReviewState
from studyapp.study.services import review_submit

MIN_SIZE, MAX_SIZE, DEFAULT_SIZE = 1, 50, 10


class QuizInputError(ValueError):
    """Bad input for a quiz; `field` names what to fix (the API answers 400, the page shows it on the field)."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class AlreadyAnswered(Exception):
    """Each question takes one answer; a second one is a conflict, not a retry."""


def _validate(deck, size, kinds, mode):
    if deck not in QuizDeck.values:
        raise QuizInputError("deck", f"choose one of {', '.join(QuizDeck.values)}")
    if isinstance(size, bool) or not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise QuizInputError("size", f"must be a whole number from {MIN_SIZE} to {MAX_SIZE}")
    if not kinds or any(k not in building.QUESTION_KINDS for k in kinds):
        raise QuizInputError("kinds", f"choose one or more of {', '.join(building.QUESTION_KINDS)}")
    if mode not in QuizMode.values:
        raise QuizInputError("mode", f"choose one of {', '.join(QuizMode.values)}")


@transaction.atomic
def _questions(cards, *, size, kinds, rng, order_events=None):
    """Questions for cards of one collection or several: each collection's cards are asked with its own facts as
    distractors, in a share of the quiz as large as its share of the cards (one collection: one call, as always)."""
    by_collection = {}
    for card in cards:
        by_collection.setdefault(card.collection_id, []).append(card)
    if len(by_collection) <= 1:
        collection_id = next(iter(by_collection), None)
        return building.build_questions(cards, fact_pool(collection_id), size=size, kinds=kinds, rng=rng,
                                        order_events=order_events)
    specs = []
    for collection_id, group in by_collection.items():
        share = max(1, round(size * len(group) / len(cards)))
        specs += building.build_questions(group, fact_pool(collection_id), size=share, kinds=kinds, rng=rng,
                                          order_events=order_events)
    rng.shuffle(specs)
    return specs[:size]


def quiz_create(*, user, deck: str, size: int = DEFAULT_SIZE, kinds=building.QUESTION_KINDS, mode: str = "all",
                now, seed: int | None = None, scope=None, collection=None) -> Quiz:
    """Build and store a quiz of up to `size` questions; raises QuizInputError naming the field to fix."""
    kinds = list(dict.fromkeys(kinds or building.QUESTION_KINDS))
    _validate(deck, size, kinds, mode)
    if kinds == [building.ORDER] and deck not in ("events", "all"):
        raise QuizInputError("kinds", "order questions need dated events: choose the events deck or all decks")
    rng = random.Random(seed)
    cards = quiz_cards(user, deck=deck, mode=mode, now=now, scope=scope, collection=collection)
    if mode != QuizMode.WEAKEST:
        rng.shuffle(cards)
    # A scoped quiz ("Quiz me on this period") orders only the scope's events; else any event of the collection.
    order_events = None if scope is None else {key for kind, key in map(sibling_fact, scope) if kind == "event"}
    specs = _questions(cards, size=size, kinds=kinds, rng=rng, order_events=order_events)
    if not specs:
        if scope is not None and not cards:
            raise QuizInputError("scope", "there are no cards of this in the chosen deck")
        if mode != QuizMode.ALL and not cards:
            raise QuizInputError("mode", "you have not studied any cards in this deck yet")
        raise QuizInputError("deck", "no question of the chosen kinds can be built from this deck")
    quiz = Quiz.objects.create(user=user, deck=deck, mode=mode, kinds=kinds, size=size, created_at=now)
    questions = QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, position=i, kind=s.kind, card_id=s.card_id, facts=s.facts, prompt=s.prompt,
                     options=s.options, solution=s.solution, expected=s.expected, citations=s.citations,
                     versions=s.versions)
        for i, s in enumerate(specs, start=1)
    )
    quiz.new_questions = questions  # just written: the API shows them without reading them back
    return quiz


def _feed_schedule(*, user, question, correct, now):
    """Quiz answers count as reviews (wrong → Again, right → Good) only for cards already in study."""
    if question.card_id is None or not settings_for(user).quiz_counts_as_review:
        return None
    if not ReviewState.objects.studied().filter(user=user, card_id=question.card_id).exists():
        return None
    review_id = uuid.uuid4()
    review_submit(user=user, card=question.card, rating=3 if correct else 1, now=now, review_id=review_id,
                  source="quiz")
    return review_id


def answer_submit(*, user, quiz: Quiz, question_id: int, answer, now) -> QuizAnswer:
    """Grade and store the one answer to a question of the user's quiz.

    Raises QuizInputError (unknown question, badly shaped answer) or AlreadyAnswered.
    """
    with transaction.atomic():
        question = (QuizQuestion.objects.select_for_update(of=("self",)).select_related("card")
                    .filter(quiz__user=user, quiz=quiz, pk=question_id).first())
        if question is None:
            raise QuizInputError("question", f"{question_id} is not a question of quiz {quiz.pk}")
        if QuizAnswer.objects.filter(question=question).exists():
            raise AlreadyAnswered(f"question {question_id} was already answered")
        try:
            verdict = grading.grade(question.kind, question.solution, question.options, answer)
        except grading.InvalidAnswer as error:
            raise QuizInputError("answer", str(error)) from None
        try:
            with transaction.atomic():
                saved = QuizAnswer.objects.create(question=question, given=answer, correct=verdict.correct,
                                                  feedback=verdict.reason, answered_at=now)
        except IntegrityError:
            raise AlreadyAnswered(f"question {question_id} was already answered") from None
        saved.review_id = _feed_schedule(user=user, question=question, correct=verdict.correct, now=now)
        if saved.review_id:
            saved.save(update_fields=["review_id"])
        if not QuizQuestion.objects.filter(quiz=quiz, answer__isnull=True).exists():
            Quiz.objects.filter(pk=quiz.pk, finished_at__isnull=True).update(finished_at=now)
        return saved
