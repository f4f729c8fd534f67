"""How well a user knows a fact, a person, a work or a period: FSRS retrievability now, averaged.

The mastery of a group of cards is the mean retrievability now of the cards in it that the user has
studied, with how many are not studied yet. `summarise` is pure (rows and snapshots in, numbers out);
`mastery_for` is the one read of the database, and it only ever reads the given user's own states.
Mastery is per-user study data, so it lives in `study`, above `facts`: the explore pages that show it are
study's too (studyapp/study/explore.py).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card, collection_card_key, sibling_fact
from studyapp.decks import DECK_OF, DECKS
from studyapp.facts.models import SERGE
from studyapp.facts.selectors import period_facts
from studyapp.facts.timeline import PERIODS, grouping_for
from studyapp.study import scheduling
from studyapp.study.models import ReviewState

# Colour buckets for the timeline and lists: (lowest retrievability, css class, label).
LEVELS = ((0.9, "m-strong", "90% or more"), (0.7, "m-good", "70–89%"), (0.4, "m-weak", "40–69%"),
          (0.0, "m-poor", "under 40%"))
UNSTUDIED = ("m-none", "not studied yet")


@dataclass(frozen=True)
class Mastery:
    studied: int = 0
    not_studied: int = 0
    recall_sum: float = 0.0  # kept as a sum so groups combine exactly
    learning: int = 0  # of the studied cards, those still in (re)learning steps: counted as 0 % recall

    @property
    def total(self) -> int:
        return self.studied + self.not_studied

    @property
    def retrievability(self) -> float | None:
        """Mean retrievability now of the studied cards; None when none is studied."""
        return self.recall_sum / self.studied if self.studied else None

    @property
    def percent(self) -> int | None:
        value = self.retrievability
        return None if value is None else round(100 * value)

    @property
    def css(self) -> str:
        value = self.retrievability
        if value is None:
            return UNSTUDIED[0]
        return next(css for low, css, _ in LEVELS if value >= low)

    def __add__(self, other):
        return Mastery(self.studied + other.studied, self.not_studied + other.not_studied,
                       self.recall_sum + other.recall_sum, self.learning + other.learning)

    def describe(self) -> str:
        if not self.total:
            return "no cards"
        if not self.studied:
            return f"not studied yet ({self.not_studied} card{'s' if self.not_studied != 1 else ''})"
        text = f"you recall about {self.percent}% of {self.studied} studied card{'s' if self.studied != 1 else ''}"
        if self.learning:  # else a card just answered Good reads as "0 %" with no reason given
            text += f" ({self.learning} still being learned)"
        return text + (f"; {self.not_studied} not studied yet" if self.not_studied else "")


EMPTY = Mastery()


def summarise(cards: Iterable[tuple[int, str]], snapshots: dict[int, scheduling.Snapshot], *, now: dt.datetime,
              desired_retention: float, days: scheduling.StudyDays | None = None,
              group: Callable[[str], object] = lambda key: key, parameters: Sequence[float] = ()) -> dict:
    """Pure: (card id, sibling key) rows and the user's snapshots by card id → {group: Mastery}.

    With the user's StudyDays, elapsed time is counted in study days, as scheduling counts it.
    """
    found: dict = {}
    for card_id, sibling_key in cards:
        snapshot = snapshots.get(card_id)
        if snapshot is None:
            part = Mastery(not_studied=1)
        elif snapshot.state != scheduling.fsrs.State.Review:
            # Still in (re)learning steps: just answered, so FSRS's recall "now" is 100 %, even after Again.
            # Not learned yet is what the learner needs to see.
            part = Mastery(studied=1, recall_sum=0.0, learning=1)
        else:
            part = Mastery(studied=1, recall_sum=scheduling.retrievability(
                snapshot, now=now, desired_retention=desired_retention, days=days, parameters=parameters))
        key = group(sibling_key)
        found[key] = found.get(key, EMPTY) + part
    return found


def combine(per_key: dict, keys: Iterable) -> Mastery:
    """The mastery of a group of facts from the mastery of each (card-weighted, not a mean of means)."""
    total = EMPTY
    for key in keys:
        total = total + per_key.get(key, EMPTY)
    return total


def mastery_for(user, now: dt.datetime, sibling_keys: Iterable[str] | None = None) -> dict[str, Mastery]:
    """{sibling key: Mastery} over active cards (of the given facts, or all), for `user` only.

    An anonymous user gets {} (nothing is shown). Three queries whatever the size of the base.
    """
    if user is None or not user.is_authenticated:
        return {}
    cards = Card.objects.active()
    states = ReviewState.objects.studied().filter(user=user)
    if sibling_keys is not None:
        sibling_keys = list(sibling_keys)
        cards = cards.filter(sibling_key__in=sibling_keys)
        states = states.filter(card__sibling_key__in=sibling_keys)
    snapshots = {state.card_id: scheduling.Snapshot.of(state)
                 for state in states.only("card_id", *scheduling.STATE_FIELDS)}
    prefs = settings_for(user)
    return summarise(cards.values_list("id", "sibling_key"), snapshots, now=now,
                     desired_retention=prefs.desired_retention, parameters=prefs.fsrs_parameters,
                     days=scheduling.StudyDays(prefs.timezone, prefs.day_starts_at))


def by_period_and_deck(user, now: dt.datetime, *, collection=None) -> list[dict]:
    """Rows for /stats/: each timeline period with the user's mastery per deck and overall; the Serge base's
    periods, or `collection`'s (its decades, facts.timeline.grouping_for), its facts' cards only."""
    if collection is None or collection.key == SERGE:
        per_key, facts, periods = mastery_for(user, now), period_facts(), PERIODS
    else:
        facts = {slug: {collection_card_key(collection.key, k) for k in keys}
                 for slug, keys in period_facts(collection=collection.key).items()}
        per_key = mastery_for(user, now, {k for keys in facts.values() for k in keys})
        periods = sorted(map(grouping_for(collection.key).period, facts), key=lambda period: period.start)
    rows = []
    for period in periods:
        keys = facts[period.slug]
        # A sibling key is "[collection/]fact type:key": its fact type names its deck.
        decks = [combine(per_key, (k for k in keys if DECK_OF[sibling_fact(k)[0]] == deck))
                 for deck in DECKS]
        rows.append({"period": period, "decks": decks, "all": combine(per_key, keys)})
    return rows
