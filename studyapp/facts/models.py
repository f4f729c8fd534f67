"""The fact base: sources, people, works, dated events, ideas, and the verbatim citations behind each fact.

A fact may be disputed: sources disagree on a date, a year or a detail. Each version lives on the
citations that give it (`Citation.claim` holds the fields that source states differently), so no
version is ever picked silently; `Fact.versions()` lists them all with their sources.
"""

import contextlib
import contextvars
import hashlib
import re

from django.conf import settings
from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

# The built-in collection: the Serge fact base, which every fact and card belonged to before collections.
SERGE = "serge"
SERGE_TITLE = "Victor Serge"
COLLECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")  # a collection's key: its folder's name in fixtures/


class Visibility(models.TextChoices):
    PRIVATE = "private"  # its owner and editors only; 404 to everyone else
    UNLISTED = "unlisted"  # anyone who has its key can study it
    PUBLIC = "public"  # listed, and studied by default by every user


class CollectionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def studyable_by(self, user):
        """Collections `user` may study when they know the key: public, unlisted, and private ones they own or
        edit (study.selectors.QUEUE_SQL states the same rule in SQL). Everything else is 404 to them."""
        shown = models.Q(visibility__in=[Visibility.PUBLIC, Visibility.UNLISTED])
        if not user.is_authenticated:
            return self.filter(shown)
        edited = Collection.editors.through.objects.filter(user=user).values("collection_id")
        return self.filter(shown | models.Q(owner=user) | models.Q(pk__in=edited))

    def listed_for(self, user):
        """The collections a user is shown in lists: public ones and their own and edited ones (never another's
        unlisted or private one)."""
        edited = Collection.editors.through.objects.filter(user=user).values("collection_id")
        return self.filter(models.Q(visibility=Visibility.PUBLIC) | models.Q(owner=user) | models.Q(pk__in=edited))

    def studied_by(self, user, keys):
        """The collections a user studies: those of `keys` (their choice) they may study, or every public one
        when they chose none."""
        chosen = self.filter(key__in=keys) if keys else self.public()
        return chosen.filter(pk__in=self.studyable_by(user).values("pk")) if keys else chosen


class Collection(models.Model):
    """A set of sources and the facts they support (and so the cards made from them)."""

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_collections", help_text="Empty for the built-in Serge base.")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="edited_collections")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.key,)

    def can_edit(self, user) -> bool:
        return user.is_authenticated and (
            self.owner_id == user.pk or self.editors.filter(pk=user.pk).exists())


def serge_collection_id() -> int:
    """The built-in Serge collection's primary key (made by migration 0004; made again if a test emptied it)."""
    collection, _ = Collection.objects.get_or_create(
        key=SERGE, defaults={"title": SERGE_TITLE, "visibility": Visibility.PUBLIC})
    return collection.pk


# --- history (django-simple-history): who changed which source or fact, when ----------------------------------
#
# The acting user is set by the writing service (`acting_as(by)`), not read from the request: the API authenticates
# its token inside the view, after any middleware has run, so a middleware would see an anonymous user there.
# Fixture loads run with no acting user: their rows have none.
_ACTING = contextvars.ContextVar("history_acting_user", default=None)


@contextlib.contextmanager
def acting_as(user):
    """Record `user` on every history row written inside the block (facts.services' writes use it)."""
    token = _ACTING.set(user if user is not None and user.is_authenticated else None)
    try:
        yield
    finally:
        _ACTING.reset(token)


def history_user(instance=None, request=None, **kwargs):
    """The user a history row records: the acting user of the service writing, else the signed-in user of a page
    request (simple_history's middleware: the admin), else nobody (a fixture load)."""
    user = _ACTING.get()
    if user is not None:
        return user
    return getattr(request, "user", None) if request is not None else None


class FactHistory(models.Model):
    """What a fact's history row holds beyond its own columns: its citations and its many-to-many references as they
    stood after the write (facts.services.write_facts records one row per fact written, once all of it is written),
    so a fact's history shows its quotes and claims changing. Null on rows the signals write (a removal, an admin
    save), where they are not known."""

    history_citations = models.JSONField(null=True, blank=True, help_text="[{source, quote, claim}]")
    history_links = models.JSONField(null=True, blank=True, help_text="{people|works|coauthors: [keys]}")

    class Meta:
        abstract = True


class SourceHistory(models.Model):
    """A source's history keeps a digest of its text, not the text (up to 1 MB, copied on every title edit)."""

    history_text_sha256 = models.CharField(max_length=64, blank=True)
    history_text_characters = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


def _history(bases=FactHistory, **kwargs):
    return HistoricalRecords(get_user=history_user, bases=[bases], **kwargs)


def _collection_field(related_name):
    # No default: every write names its collection (facts.services.write_facts does).
    return models.ForeignKey(Collection, on_delete=models.CASCADE, related_name=related_name)


class Precision(models.TextChoices):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"


class Weight(models.TextChoices):
    """How much a fact matters to a learner (the rule is in fixtures/audit/RULES.md and the README).

    Core and context facts get cards, core first; a mention (a name in a list, a fact about a source
    text itself) gets none of its own but still appears on pages, in quotes and on the timeline.
    """

    CORE = "core"
    CONTEXT = "context"
    MENTION = "mention"


class WorkKind(models.TextChoices):
    NOVEL = "novel"
    MEMOIR = "memoir"
    HISTORY = "history"
    NON_FICTION = "non-fiction"
    NOTEBOOKS = "notebooks"
    POETRY = "poetry"
    PERIODICAL = "periodical"
    ESSAY = "essay"
    ARTICLE = "article"
    SPEECH = "speech"
    FILM = "film"
    OTHER = "other"


class KeyManager(models.Manager):
    def get_by_natural_key(self, key, collection=SERGE):
        return self.get(key=key, collection__key=collection)


class Source(models.Model):
    collection = _collection_field("sources")
    key = models.CharField(max_length=100, help_text="The source's file name; unique within its collection.")
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publication = models.CharField(max_length=300, blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=50)
    text = models.TextField(blank=True, default="", help_text=(
        "The source's plain text, every quote verbatim in it (sources uploaded to a collection). Empty for the "
        "Serge sources: their texts are files, checked by load_facts --verify-quotes."))

    objects = KeyManager()
    history = _history(SourceHistory, excluded_fields=["text"])

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["collection", "key"],
                                               name="source_key_in_collection")]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.key,)


class Fact(models.Model):
    """What people, works, events and ideas share: a stable key, aliases and citations."""

    key = models.SlugField(max_length=120, help_text="Unique within its collection.")
    aliases = models.JSONField(default=list, blank=True)
    disputed = models.BooleanField(default=False, help_text="Sources give different versions.")
    weight = models.CharField(max_length=10, choices=Weight.choices, default=Weight.CONTEXT)
    dispute_note = models.TextField(
        blank=True, help_text="What the versions are when they are not a disagreement between sources "
                              "(two calendars; a text and its own note).")

    objects = KeyManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.key,)

    # Fields a citation's claim may state differently; set per model.
    CLAIM_FIELDS: tuple[str, ...] = ()

    def versions(self):
        """Every sourced version of this fact: [(fields dict, [citations])], main version first."""
        # Dates as ISO text on both sides, so a claim equal to the main version groups with it.
        main = {name: plain_value(getattr(self, name)) for name in self.CLAIM_FIELDS}
        groups: dict[str, tuple[dict, list]] = {}
        for citation in self.citations.all():
            values = {**main, **(citation.claim or {})}
            signature = repr(sorted(values.items()))
            groups.setdefault(signature, (values, []))[1].append(citation)
        if not groups:
            return [(main, [])]
        main_signature = repr(sorted(main.items()))
        ordered = sorted(groups.items(), key=lambda item: item[0] != main_signature)
        return [group for _, group in ordered]


def plain_value(value):
    """A field value as JSON would hold it: dates as ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


class Person(Fact):
    collection = _collection_field("people")
    name = models.CharField(max_length=200)
    description = models.TextField()
    roles = models.JSONField(default=list, blank=True)
    history = _history()

    CLAIM_FIELDS = ("description",)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["collection", "key"],
                                               name="person_key_in_collection")]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class Work(Fact):
    collection = _collection_field("works")
    title = models.CharField(max_length=300)
    author = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="works")
    year = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=WorkKind.choices)
    pages = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True, help_text="What the work is, per the sources; never its title, "
                                                        "author or year (it is a card prompt).")
    coauthors = models.ManyToManyField(Person, blank=True, related_name="coauthored")
    history = _history()

    CLAIM_FIELDS = ("year",)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["collection", "key"],
                                               name="work_key_in_collection")]

    def __str__(self):
        return self.title


class Event(Fact):
    collection = _collection_field("events")
    when = models.CharField(max_length=100, help_text="As the source gives it: 'March 1933', '1920s'.")
    date = models.DateField(help_text="Sortable start of the period.")
    precision = models.CharField(max_length=10, choices=Precision.choices)
    end = models.DateField(null=True, blank=True, help_text="Last day of a span ('1933-1936' ends 1936-12-31).")
    description = models.TextField()
    topic = models.CharField(max_length=200, blank=True,
                             help_text="What differing accounts are about, neutrally (disputed descriptions).")
    people = models.ManyToManyField(Person, blank=True, related_name="events")
    works = models.ManyToManyField(Work, blank=True, related_name="events")
    history = _history()

    CLAIM_FIELDS = ("when", "date", "precision", "end", "description")

    class Meta:
        ordering = ["date", "key"]
        constraints = [models.UniqueConstraint(fields=["collection", "key"],
                                               name="event_key_in_collection")]

    def __str__(self):
        return f"{self.when}: {self.description}"


class Idea(Fact):
    """What someone thought, argued, judged or named, as the sources state it (issue 14: the cards about ideas and
    judgements that dates, names and titles cannot teach). Asked as its `question`, answered by its `answer`; both
    are the curator's words, and every word of them must be borne out by the idea's citations."""

    collection = _collection_field("ideas")
    holder = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas",
                               help_text="Whose idea it is.")
    question = models.TextField(help_text="The card's prompt: whose idea, and enough context that one answer is "
                                          "right; never a word of the answer.")
    answer = models.CharField(max_length=300, help_text="Short: what the learner recalls. Aliases: other right "
                                                        "wordings.")
    history = _history()

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["collection", "key"],
                                               name="idea_key_in_collection")]

    def __str__(self):
        return self.question


class Citation(models.Model):
    """A verbatim quote from a source that supports one fact (one version of it, if disputed)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    work = models.ForeignKey(Work, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="citations")
    quote = models.TextField()
    claim = models.JSONField(
        default=dict, blank=True, help_text="Fields this source states differently, e.g. {\"year\": 1938}."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within the fixture file.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="citation_has_exactly_one_fact",
                condition=(
                    models.Q(person__isnull=False, work__isnull=True, event__isnull=True, idea__isnull=True)
                    | models.Q(person__isnull=True, work__isnull=False, event__isnull=True, idea__isnull=True)
                    | models.Q(person__isnull=True, work__isnull=True, event__isnull=False, idea__isnull=True)
                    | models.Q(person__isnull=True, work__isnull=True, event__isnull=True, idea__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.source.key}: {self.quote[:60]}"

    @property
    def fact(self):
        return self.person or self.work or self.event or self.idea


@receiver(pre_create_historical_record)
def _digest_source_text(sender, instance, history_instance, **kwargs):
    if isinstance(instance, Source):
        history_instance.history_text_sha256 = hashlib.sha256(instance.text.encode("utf-8")).hexdigest()
        history_instance.history_text_characters = len(instance.text)
