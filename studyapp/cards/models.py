"""Cards are shared by all users and generated from facts; each user's progress lives in study."""

from django.db import models

from studyapp.accounts.models import settings_for
from studyapp.decks import DECKS
from studyapp.facts.models import SERGE, Collection
from studyapp.refs import parse

# The Django choices of studyapp.decks.DECKS (the one definition), for the column and the admin.
Deck = models.TextChoices("Deck", [(deck.upper(), deck) for deck in DECKS])


class CardKind(models.TextChoices):
    PERSON_WHO = "person_who", "Who was X?"
    PERSON_REVERSE = "person_reverse", "Description → person"
    WORK_AUTHOR = "work_author", "Who wrote T?"
    WORK_YEAR = "work_year", "When was T published?"
    WORK_KIND = "work_kind", "What kind of work is T?"
    WORK_REVERSE = "work_reverse", "Author, kind and year → title"
    EVENT_WHEN = "event_when", "When did E happen?"
    EVENT_REVERSE = "event_reverse", "Date → what happened"
    EVENT_DISPUTE = "event_dispute", "What do the sources say about …?"
    CLOZE = "cloze", "Fill the blank in a quote"
    IDEA = "idea", "An idea or judgement"


class CardQuerySet(models.QuerySet):
    def active(self):
        """Cards that can be studied, quizzed and exported: not retired."""
        return self.filter(retired=False)

    def studied_by(self, user, collection=None):
        """Cards of the collections `user` studies: `collection` alone when given (the caller has checked the user
        may study it: facts.selectors.collection_for), else the user's chosen ones, else every public one. One
        subquery, no extra query; study.selectors.QUEUE_SQL is the same rule in SQL."""
        if collection is not None:
            return self.filter(collection=collection)
        return self.filter(collection__in=Collection.objects.studied_by(user, settings_for(user).collections))

    def studyable_by(self, user):
        """Cards of the collections `user` may reach at all (Collection.objects.studyable_by: public, unlisted, and
        private ones they own or edit): the rule for a card reached by its id or through the user's own rows, so a
        card of a collection gone private (or never theirs) is 404 like a missing one."""
        return self.filter(collection__in=Collection.objects.studyable_by(user))

    def listed_for(self, user):
        """Cards of the collections shown in lists to `user` (Collection.objects.listed_for; a visitor: public)."""
        shown = (Collection.objects.listed_for(user) if user.is_authenticated else Collection.objects.public())
        return self.filter(collection__in=shown)

    def in_decks(self, decks):
        return self.filter(deck__in=decks) if decks else self


def collection_card_key(collection_key: str, key: str) -> str:
    """A card key (or sibling key) within its collection: the Serge base's as they always were (its Anki GUIDs
    derive from them), any other collection's prefixed with the collection key, so keys stay unique."""
    return key if collection_key == SERGE else f"{collection_key}/{key}"


def sibling_fact(sibling_key: str) -> tuple[str, str]:
    """(fact type, fact key) of a card's sibling key, with or without its collection prefix (collection_card_key's
    inverse): "event:x" and "group/event:x" both give ("event", "x")."""
    return parse(sibling_key.rpartition("/")[2])


class Card(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="cards")
    key = models.CharField(max_length=200, unique=True,
                           help_text="[collection/]fact type:fact key:kind; never from text")
    fact_type = models.CharField(max_length=10)  # person, work, event, idea
    fact_key = models.CharField(max_length=120)
    sibling_key = models.CharField(max_length=140, db_index=True,
                                   help_text="fact type:fact key; cards sharing it are siblings.")
    kind = models.CharField(max_length=20, choices=CardKind.choices)
    deck = models.CharField(max_length=10, choices=Deck.choices)
    prompt = models.TextField()
    answer = models.TextField()
    accepted = models.JSONField(default=list, help_text="Every answer that counts as right.")
    topics = models.JSONField(default=list, blank=True)
    citations = models.JSONField(default=list, help_text="[{source, title, quote}] shown after answering.")
    disputed = models.BooleanField(default=False)
    weight = models.CharField(max_length=10, default="context", help_text="Its fact's weight: core or context.")
    intro_rank = models.PositiveIntegerField(
        default=0, help_text="Order in which new cards are introduced: core facts first, decks interleaved.")
    retired = models.BooleanField(default=False, help_text="Its fact or kind is gone; history is kept.")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["fact_type", "fact_key"], name="card_fact_idx"),
            models.Index(fields=["collection", "retired"], name="card_collection_idx"),
            models.Index(fields=["deck", "retired"], name="card_deck_idx"),
        ]

    def __str__(self):
        return self.key
