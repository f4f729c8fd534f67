"""Reads of study state. study_queue is THE definition of what a user studies next; every page and API uses it."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.study import scheduling
from studyapp.study.models import FsrsState, ReviewLog, ReviewState

# Like Anki: a learning card due within 20 minutes is shown now rather than leaving the user waiting.
LEARN_AHEAD = dt.timedelta(minutes=20)


def study_day(user, now):
    """(start, end) of the user's current study day, in UTC, from their timezone and day-start hour."""
    prefs = settings_for(user)
    return scheduling.day_bounds(now, timezone=prefs.timezone, day_starts_at=prefs.day_starts_at)


def owned_state(user, card_id):
    """The one ownership helper for study state: a user only ever reaches their own rows."""
    return ReviewState.objects.select_related("card").get(user=user, card_id=card_id)


def studyable_cards(user, *, deck=None, scope=None):
    """Active cards in the user's chosen decks and topics (or one deck, when asked).

    scope, when given, is a collection of sibling keys ("person:victor-serge", ...): study only the
    cards of those facts ("Study this" on a person, work, source or period page).
    """
    prefs = settings_for(user)
    cards = Card.objects.active().filter(deck__in=[deck] if deck else prefs.decks)
    if scope is not None:
        cards = cards.filter(sibling_key__in=list(scope))
    if prefs.topics:
        topic_match = Q()
        for topic in prefs.topics:
            topic_match |= Q(topics__icontains=f'"{topic}"')
        cards = cards.filter(topic_match)
    return cards


@dataclass
class Queue:
    card: Card | None
    state: ReviewState | None  # None for a new card
    counts: dict = field(default_factory=dict)  # what is left today: new, learning, review
    day_end: dt.datetime | None = None
    next_due: dt.datetime | None = None  # when something is next due, if nothing is due now
    done_today: int = 0

    @property
    def total_left(self):
        return sum(self.counts.values())


def study_queue(user, now, *, deck=None, scope=None) -> Queue:
    """What to study next, and what is left today, in a fixed number of queries.

    Order: due learning and relearning cards, then due reviews (up to the daily review cap), then
    new cards (up to what is left of today's new limit), then learning cards due within LEARN_AHEAD.
    Suspended, buried and retired cards are left out; so are the siblings of cards reviewed today,
    until the next study day.
    """
    prefs = settings_for(user)
    start, end = study_day(user, now)
    cards = studyable_cards(user, deck=deck, scope=scope)

    today = ReviewLog.objects.filter(user=user, reviewed_at__gte=start, reviewed_at__lt=end)
    states = (
        ReviewState.objects.filter(user=user, suspended=False, reps__gt=0, card__in=cards)
        .exclude(buried_until__gt=now)
        # Siblings of today's cards wait for the next study day (the cards themselves may come back).
        .exclude(Q(card__sibling_key__in=today.values("card__sibling_key")) & ~Q(card_id__in=today.values("card_id")))
    )
    learning = states.filter(state__in=[FsrsState.LEARNING, FsrsState.RELEARNING], due__lte=now + LEARN_AHEAD)
    reviews = states.filter(state=FsrsState.REVIEW, due__lt=end)
    hidden = ReviewState.objects.filter(user=user, card=OuterRef("pk")).filter(
        Q(reps__gt=0) | Q(suspended=True) | Q(buried_until__gt=now))
    new = cards.exclude(Exists(hidden)).exclude(sibling_key__in=today.values("card__sibling_key"))

    # Every count in one query (scalar subqueries), then at most one query for the card to show.
    n = (User.objects.filter(pk=user.pk).values(
        new=_count(new), learning=_count(learning), learning_now=_count(learning.filter(due__lte=now)),
        review=_count(reviews), done=_count(today), new_done=_count(today.filter(state_before__isnull=True)),
        reviews_done=_count(today.filter(state_before__state=FsrsState.REVIEW)),
    ).get())
    counts = {"new": min(n["new"], max(0, prefs.new_per_day - n["new_done"])), "learning": n["learning"],
              "review": min(n["review"], max(0, prefs.reviews_per_day - n["reviews_done"]))}
    queue = Queue(card=None, state=None, counts=counts, day_end=end, done_today=n["done"])
    # A learning card goes first once due; one that is only due soon (learn-ahead) waits until
    # reviews and new cards are done, so the user is not shown the card they have just answered.
    if n["learning_now"]:
        queue.state = learning.filter(due__lte=now).select_related("card").order_by("due", "pk").first()
    elif counts["review"]:
        queue.state = reviews.select_related("card").order_by("due", "pk").first()
    elif counts["new"]:
        queue.card = new.order_by("id").first()
        return queue
    elif counts["learning"]:
        queue.state = learning.select_related("card").order_by("due", "pk").first()
    else:
        queue.next_due = states.order_by("due").values_list("due", flat=True).first()
        return queue
    queue.card = queue.state.card
    return queue


def _count(queryset):
    """COUNT(*) of a queryset as a scalar subquery, so several counts share one round trip."""
    return Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
                    .values("n"))
