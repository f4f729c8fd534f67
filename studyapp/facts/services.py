"""Writes to the fact base: load_facts is the only way fixtures reach the database."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.text import slugify

from studyapp.accounts.models import StudySettings
from studyapp.facts.loading import FixtureError, quote_occurs, read_files, validate
from studyapp.facts.models import (
    COLLECTION_KEY,
    SERGE,
    SERGE_TITLE,
    Citation,
    Collection,
    Event,
    Idea,
    Person,
    Source,
    Visibility,
    Work,
    acting_as,
    history_user,
    plain_value,
)

DEFAULTS = {"aliases": [], "roles": [], "weight": "context", "dispute_note": "", "description": "", "topic": ""}
SOURCE_FIELDS = ("title", "author", "publication", "year", "kind")


def _no_foreign_keys(fields, collection) -> dict:
    return {}


def _work_author(fields, collection) -> dict:
    author = fields.get("author")
    return {"author": Person.objects.get(collection=collection, key=author[0]) if author else None}


def _idea_holder(fields, collection) -> dict:
    holder = fields.get("holder")
    return {"holder": Person.objects.get(collection=collection, key=holder[0]) if holder else None}


@dataclass(frozen=True)
class FactWrite:
    """How one kind of fact is written from its validated fixture fields."""

    model: type
    columns: tuple[str, ...]  # copied from the fixture, or DEFAULTS when it leaves them out
    foreign_keys: Callable[[dict, Collection], dict] = _no_foreign_keys  # fixture fields -> foreign-key values
    relations: tuple[tuple[str, type], ...] = ()  # (many-to-many field, its model), set from natural keys

    @property
    def label(self) -> str:  # what the load report counts: "people", "works", "events"
        return self.model._meta.verbose_name_plural

    @property
    def kind(self) -> str:  # the fact type: "person", "work", "event"
        return self.model._meta.model_name


# In dependency order: a work's author and an event's people and works are written before they are referred to.
FACT_WRITES = (
    FactWrite(Person, ("name", "aliases", "description", "roles", "weight", "dispute_note")),
    FactWrite(Work, ("title", "aliases", "year", "kind", "pages", "weight", "dispute_note", "description"),
              foreign_keys=_work_author, relations=(("coauthors", Person),)),
    FactWrite(Event, ("when", "date", "precision", "end", "description", "aliases", "weight", "dispute_note", "topic"),
              relations=(("people", Person), ("works", Work))),
    FactWrite(Idea, ("question", "answer", "aliases", "weight"), foreign_keys=_idea_holder),
)


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    deleted: dict = field(default_factory=dict)
    cards: dict = field(default_factory=dict)

    def count(self, bucket, kind):
        getattr(self, bucket)[kind] = getattr(self, bucket).get(kind, 0) + 1

    def __str__(self):
        def fmt(d):
            return ", ".join(f"{v} {k}" for k, v in sorted(d.items())) or "none"

        cards = ", ".join(f"{v} {k}" for k, v in self.cards.items())
        return f"created: {fmt(self.created)}; updated: {fmt(self.updated)}; deleted: {fmt(self.deleted)}; " \
               f"cards: {cards}"


def collection_for_load(*, key, title=None, description=None, visibility=None) -> Collection:
    """The collection a fixture folder loads into, created on its first load (the Serge base is public; any
    other folder's collection is public too unless its collection.json says otherwise: fixtures are shared
    files). Title, description and visibility are updated when given."""
    collection, created = Collection.objects.get_or_create(key=key, defaults={
        "title": title or (SERGE_TITLE if key == SERGE else key), "description": description or "",
        "visibility": visibility or Visibility.PUBLIC})
    given = {"title": title, "description": description, "visibility": visibility}
    changed = [name for name, value in given.items() if value is not None and getattr(collection, name) != value]
    if changed and not created:
        for name in changed:
            setattr(collection, name, given[name])
        collection.save(update_fields=changed)
    return collection


def _upsert(model, collection, key, values, report, label, *, quiet=False):
    """Create or update one row by natural key within its collection, touching it only when something changed.
    `quiet`: no history row from the save signal (write_facts records a fact's row itself, once it is all written)."""
    obj = model.objects.filter(collection=collection, key=key).first()
    if obj is None:
        obj = model(collection=collection, key=key, **values)
        if quiet:
            obj.skip_history_when_saving = True
        obj.save(force_insert=True)
        report.count("created", label)
        obj.was_created = True  # for write_facts' history row: "+" rather than "~"
        return obj, True
    if quiet:
        obj.skip_history_when_saving = True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count("updated", label)
    return obj, bool(changed)


def _record_history(written, *, now):
    """One history row per fact written (created "+" or changed "~"), as it stands once its fields, references and
    citations are all written, with its citations and references (FactHistory) and the acting user (acting_as):
    the signal would write one row per save, before the citations are replaced."""
    for write in FACT_WRITES:
        rows = written.get(write.kind)
        if not rows:
            continue
        kind, history = write.kind, write.model.history.model
        ids = [obj.pk for obj, _ in rows]
        cites = {}
        for c in Citation.objects.filter(**{f"{kind}__in": ids}).select_related("source").order_by("position", "pk"):
            cites.setdefault(getattr(c, f"{kind}_id"), []).append(
                {"source": c.source.key, "quote": c.quote, "claim": c.claim})
        links = {pk: {} for pk in ids}
        for name, related in write.relations:
            through = getattr(write.model, name).through
            own, other = f"{kind}_id", f"{related._meta.model_name}_id"
            keys = dict(related.objects.filter(pk__in=through.objects.filter(**{f"{own}__in": ids})
                                               .values(other)).values_list("pk", "key"))
            for pk in ids:
                links[pk][name] = []
            for row in through.objects.filter(**{f"{own}__in": ids}).order_by("pk").values(own, other):
                links[row[own]][name].append(keys[row[other]])
        user = history_user()
        history.objects.bulk_create([
            history(history_date=now, history_type=history_type, history_user=user, history_change_reason=None,
                    history_citations=cites.get(obj.pk, []), history_links=links[obj.pk],
                    **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields})
            for obj, history_type in rows
        ])


def write_facts(*, paths=(), collection: str, about=None, full=True, sources_dir=None, records=None,
                source_texts=None) -> tuple[Collection, LoadReport]:
    """Validate every file, then write the facts in one transaction (cards are not this app's: see
    studyapp/content.py, which loads facts and then regenerates cards in the same transaction).

    Everything is written into the collection with key `collection` (made on its first load, see
    collection_for_load; `about` gives its title, description or visibility); a full load (every fixture file
    of the collection) also removes the collection's facts that are no longer in the files. Other collections
    are never touched. Files are validated before anything is read from or written to the database.
    `records` (path, number, record) stand for files already read (fact_create's); `source_texts` ({source key:
    text}) checks every quote verbatim against stored texts.
    """
    records = read_files(paths) if records is None else records
    known = {model: () if full else model.objects.filter(collection__key=collection).values_list("key", flat=True)
             for model in (Source, Person, Work, Event, Idea)}
    base = validate(
        records,
        known_sources=known[Source], known_people=known[Person], known_works=known[Work], known_events=known[Event],
        known_ideas=known[Idea],
        sources_dir=sources_dir, source_texts=source_texts,
    )
    report = LoadReport()
    with transaction.atomic():
        collection = collection_for_load(key=collection, **(about or {}))
        sources = {}
        for key, fields in base.sources.items():
            values = {name: fields.get(name, "" if name != "year" else None) for name in SOURCE_FIELDS}
            sources[key] = _upsert(Source, collection, key, values, report, "sources")[0]
        sources.update({s.key: s for s in Source.objects.filter(collection=collection).exclude(key__in=sources)})

        written = {}  # kind -> [(fact, "+" created | "~" changed)]: their history rows, once all is written
        for write in FACT_WRITES:
            model, label, kind = write.model, write.label, write.kind
            for key, fields in base.facts_of(model._meta.label_lower).items():
                values = {name: fields.get(name, DEFAULTS.get(name)) for name in write.columns}
                obj, changed = _upsert(model, collection, key, {**values, **write.foreign_keys(fields, collection)},
                                       report, label, quiet=True)
                for name, related in write.relations:
                    rows = list(related.objects.filter(collection=collection,
                                                       key__in=[ref[0] for ref in fields.get(name, [])]))
                    if {r.pk for r in getattr(obj, name).all()} != {r.pk for r in rows}:
                        getattr(obj, name).set(rows)
                        changed or report.count("updated", label)
                        changed = True
                wanted = base.citations[(kind, key)]
                current = [(c.source.key, c.quote, c.claim, c.position) for c in obj.citations.select_related("source")]
                if current != [(c["source"], c["quote"], c["claim"], c["position"]) for c in wanted]:
                    obj.citations.all().delete()
                    Citation.objects.bulk_create(
                        Citation(source=sources[c["source"]], quote=c["quote"], claim=c["claim"],
                                 position=c["position"], **{kind: obj})
                        for c in wanted
                    )
                    changed or report.count("updated", label)
                    changed = True
                disputed = len({repr(sorted(c["claim"].items())) for c in wanted}) > 1 or any(
                    c["claim"] and any(c["claim"][k] != plain_value(getattr(obj, k)) for k in c["claim"])
                    for c in wanted
                )
                if obj.disputed != disputed:
                    obj.disputed = disputed
                    obj.save(update_fields=["disputed"])
                    changed = True
                if changed:
                    written.setdefault(kind, []).append((obj, "+" if getattr(obj, "was_created", False) else "~"))
        _record_history(written, now=timezone.now())

        if full:
            for write in FACT_WRITES:
                gone = write.model.objects.filter(collection=collection).exclude(
                    key__in=base.facts_of(write.model._meta.label_lower))
                if gone.exists():
                    report.deleted[write.label] = gone.count()
                    gone.delete()
            gone_sources = Source.objects.filter(collection=collection).exclude(key__in=base.sources)
            if gone_sources.exists():
                report.deleted["sources"] = gone_sources.count()
                gone_sources.delete()
    return collection, report


# --- collections: created by any signed-up user, changed by their owner and editors ----------------------------

class NotAllowed(Exception):
    """The user may see the collection but not make this change (the API answers 403)."""


def _free_key(title: str) -> str:
    """A new collection's key: its title as a slug, made unique with -2, -3, ... (never a reserved key)."""
    base = (slugify(title)[:50].strip("-_") or "collection")
    if not COLLECTION_KEY.match(base):
        base = f"c-{base}"[:50]
    taken = set(Collection.objects.filter(key__startswith=base).values_list("key", flat=True)) | {SERGE}
    # Nor the key of a deleted collection a user still has in their chosen list: they chose that collection, and
    # a new one under its key must not slip into their studies. (JSON "contains" is not on SQLite: the quoted
    # prefix narrows the rows, the lists themselves decide.)
    for chosen in StudySettings.objects.filter(collections__icontains=f'"{base}').values_list("collections", flat=True):
        taken.update(key for key in chosen if key.startswith(base))
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _check_collections_owned(user, *, heir=False) -> None:
    """OverLimit when `user` already owns settings.AUTHORING_MAX_COLLECTIONS_PER_USER collections."""
    cap = settings.AUTHORING_MAX_COLLECTIONS_PER_USER
    owned = Collection.objects.filter(owner=user).count()
    if owned >= cap:
        if heir:
            raise OverLimit(f"{user.get_username()} already owns {owned} collections, the most one user may",
                            field="owner")
        raise OverLimit(f"you own {owned} collections, the most one user may: delete one you no longer need, or "
                        f"hand it to an editor, before you create another", field=None)


@transaction.atomic
def collection_create(*, owner, title: str, description: str = "", visibility: str = Visibility.PRIVATE) -> Collection:
    """A new, empty collection owned by `owner`; its key comes from the title (callers validate the fields).
    Raises OverLimit (field None) when `owner` already owns settings.AUTHORING_MAX_COLLECTIONS_PER_USER."""
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()  # one create at a time per owner
    _check_collections_owned(owner)
    return Collection.objects.create(key=_free_key(title), title=title, description=description,
                                     visibility=visibility, owner=owner)


def collection_update(*, collection: Collection, by, values: dict) -> Collection:
    """Change a collection's title or description (its owner or an editor) or visibility (its owner only)."""
    if not collection.can_edit(by) or ("visibility" in values and collection.owner_id != by.pk):
        raise NotAllowed("only the collection's owner changes its visibility" if collection.can_edit(by)
                         else "only the collection's owner and editors change it")
    for name in ("title", "description", "visibility"):
        if name in values:
            setattr(collection, name, values[name])
    collection.save(update_fields=[name for name in ("title", "description", "visibility") if name in values])
    return collection


def collection_editor_add(*, collection: Collection, by, editor) -> Collection:
    """Make `editor` an editor of the collection; only its owner may."""
    if collection.owner_id is None or collection.owner_id != by.pk:
        raise NotAllowed("only the collection's owner adds editors")
    if editor.pk != collection.owner_id:
        collection.editors.add(editor)
    return collection


class CollectionInUse(Exception):
    """Other learners study the collection: it is not deleted (the API answers 409)."""


def collection_editor_remove(*, collection: Collection, by, editor) -> Collection:
    """`editor` is no longer an editor: its owner removes anyone, an editor may remove themself. They stop seeing a
    private collection at once (access is checked when reading); their own progress stays theirs."""
    if by.pk != collection.owner_id and by.pk != editor.pk:
        raise NotAllowed("only the collection's owner removes editors (an editor may leave)")
    collection.editors.remove(editor)
    return collection


def collection_transfer(*, collection: Collection, by, owner) -> Collection:
    """Hand the collection to one of its editors (its owner only); the former owner stays on as an editor."""
    if collection.owner_id is None or collection.owner_id != by.pk:
        raise NotAllowed("only the collection's owner hands it over")
    if not collection.editors.filter(pk=owner.pk).exists():
        raise InvalidFact("the new owner must be one of the collection's editors", field="owner")
    _check_collections_owned(owner, heir=True)
    with transaction.atomic():
        collection.editors.remove(owner)
        collection.editors.add(by)
        collection.owner = owner
        collection.save(update_fields=["owner"])
    return collection


def _other_learners(collection: Collection) -> int:
    """How many users besides its owner and editors have review states on the collection's cards (through the
    reverse relations: facts sits below the cards and study apps and imports neither)."""
    team = [collection.owner_id, *collection.editors.values_list("pk", flat=True)]
    return (get_user_model().objects.filter(review_states__card__collection=collection)
            .exclude(pk__in=[pk for pk in team if pk is not None]).distinct().count())


@transaction.atomic
def _collection_delete(collection: Collection) -> dict:
    """Delete a collection with everything in it: its facts, sources, cards (and so every review of them) and the
    history rows of its facts and sources. Returns the rows deleted per model label."""
    counts: dict[str, int] = {}

    def tally(deleted):
        for label, number in deleted[1].items():
            counts[label] = counts.get(label, 0) + number

    # Facts (their citations with them) before sources: a citation protects its source.
    for model in (Event, Work, Person, Source):
        tally(model.objects.filter(collection=collection).delete())
    pk = collection.pk
    tally(collection.delete())
    for model in (Event, Work, Person, Source):
        model.history.filter(collection_id=pk).delete()
    return counts


def collection_delete(*, collection: Collection, by) -> dict:
    """Delete a collection (its owner only). Refused with CollectionInUse while other learners (not its owner or
    editors) have studied its cards and it is not private: deleting it would take their progress without a word.
    Making it private first takes it from them (they no longer reach it); deleting it then is the owner's decision,
    with its consequence in plain view. Returns the rows deleted per model label."""
    if collection.owner_id is None or collection.owner_id != by.pk:
        raise NotAllowed("only the collection's owner deletes it")
    if collection.visibility != Visibility.PRIVATE:
        others = _other_learners(collection)
        if others:
            raise CollectionInUse(f"{others} other learner{'s have' if others > 1 else ' has'} studied its cards: "
                                  f"make it private first (they then lose it), then delete it")
    return _collection_delete(collection)


def collections_of_leaving_owner(*, user) -> dict:
    """Before `user`'s account goes: each collection they own goes to its earliest editor (who joined first); with
    no editor, a private one is deleted (nobody else could ever reach it again) and an unlisted or public one stays,
    ownerless and read-only, for the learners who study it (the account's deletion sets its owner to null). Returns
    the rows deleted per model label."""
    counts: dict[str, int] = {}
    through = Collection.editors.through
    for collection in Collection.objects.filter(owner=user).order_by("pk"):
        heir = through.objects.filter(collection=collection).order_by("pk").first()
        if heir is not None:
            collection.editors.remove(heir.user_id)
            collection.owner_id = heir.user_id
            collection.save(update_fields=["owner"])
        elif collection.visibility == Visibility.PRIVATE:
            for label, number in _collection_delete(collection).items():
                counts[label] = counts.get(label, 0) + number
    return counts


# --- authoring: sources and facts written by a collection's owner and editors (issue 21) ------------------------

SOURCE_KEY_CHARS = 80
FACT_KEY_CHARS = 80
FACT_MODELS = {"person": Person, "work": Work, "event": Event}


class InvalidFact(ValueError):
    """A fact the fixture loader's validation refuses, with the API field to blame (`citations` for a citation)."""

    def __init__(self, message, *, field):
        self.field = field
        super().__init__(message)


class OverLimit(InvalidFact):
    """A cap on what a user or a collection holds is reached (settings.AUTHORING_MAX_*, issue 21 probe #11): the
    write is refused with a message saying what to do. `field` names the field to blame (`text`, `owner`), or is
    None when no one field is (too many collections or sources): the API answers 400, a page shows the message on
    that field or above the form."""


# Never a fact's key: /api/collections/<key>/people/preview/ is the card preview, not a person.
RESERVED_FACT_KEYS = {"preview"}
# Never a source's key: /collections/<key>/sources/new/ is the page that adds a source, not a source's reader.
RESERVED_SOURCE_KEYS = {"new"}


def _free_row_key(model, collection, base: str, limit: int) -> str:
    """`base` as a key not yet taken in the collection: base, base-2, base-3, ..."""
    base = base[:limit].strip("-_") or model._meta.model_name
    # A numbered key may cut the base short (base[:78] + "-2"): look up by the shortest prefix a key can have.
    stem = base[:limit - 12]
    taken = set(model.objects.filter(collection=collection, key__startswith=stem).values_list("key", flat=True))
    taken |= RESERVED_SOURCE_KEYS if model is Source else RESERVED_FACT_KEYS
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base[:limit - len(str(n)) - 1]}-{n}"
    return key


def _check_collection_text(collection: Collection, characters: int, *, replacing: Source | None = None) -> None:
    """OverLimit on `text` when a text of this many characters (in place of `replacing`'s) would take the
    collection's stored text past settings.AUTHORING_MAX_COLLECTION_TEXT_CHARS. Callers hold the collection's
    row lock (_locked), so two uploads at once cannot both pass."""
    cap = settings.AUTHORING_MAX_COLLECTION_TEXT_CHARS
    others = Source.objects.filter(collection=collection)
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    used = others.aggregate(n=Sum(Length("text")))["n"] or 0
    if used + characters > cap:
        raise OverLimit(f"this text has {characters:,} characters and the collection's other sources "
                        f"{used:,}: a collection holds at most {cap:,}: shorten it, remove a source the collection "
                        f"no longer needs, or start another collection", field="text")


def _locked(collection: Collection) -> None:
    """Take the collection's row lock until the transaction ends: caps on its sources are checked one write at
    a time (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    Collection.objects.select_for_update().filter(pk=collection.pk).first()


@transaction.atomic
def source_create(*, collection: Collection, by, title: str, text: str, author: str = "",
                  year: int | None = None) -> Source:
    """A source with its plain text in the collection (its owner or an editor); key = slug of the title, unique in
    the collection. Callers convert uploads to plain text (authoring.text.source_text) and check its size.
    Raises NotAllowed, or OverLimit when the collection holds settings.AUTHORING_MAX_SOURCES_PER_COLLECTION
    sources (field None) or the text would take it past AUTHORING_MAX_COLLECTION_TEXT_CHARS (field `text`)."""
    if not collection.can_edit(by):
        raise NotAllowed("only the collection's owner and editors add sources")
    _locked(collection)
    cap, held = settings.AUTHORING_MAX_SOURCES_PER_COLLECTION, Source.objects.filter(collection=collection).count()
    if held >= cap:
        raise OverLimit(f"this collection holds {held} sources, the most a collection may: remove one it no longer "
                        f"needs, or start another collection", field=None)
    _check_collection_text(collection, len(text))
    key = _free_row_key(Source, collection, slugify(title), SOURCE_KEY_CHARS)
    with acting_as(by):
        return Source.objects.create(collection=collection, key=key, title=title, text=text, author=author or "",
                                     year=year, kind="upload")


def _fact_key_base(kind: str, fields: dict) -> str:
    if kind == "person":
        return slugify(fields.get("name", ""))
    if kind == "work":
        return slugify(fields.get("title", ""))
    return slugify(f"{str(fields.get('date', ''))[:4]} {fields.get('description', '')}")


class FactNotFound(Exception):
    """No fact (or source) with that key in the collection (views answer 404)."""


class FactInUse(Exception):
    """The fact or source is still referred to (a work's author, an event's person or work, a citation): it cannot
    go (the API answers 409); the message names what refers to it."""


# References a fact's fields make, as the fixtures write them: a work's author is ["key"], the other lists [["key"]].
ONE_REF, MANY_REFS = ("author",), ("coauthors", "people", "works")


def _fixture_fields(fields: dict) -> dict:
    """The fields as a fixture record gives them. Callers may give references as keys ("author": "victor-serge",
    "people": ["victor-serge"], as the API takes them) or as natural keys (["victor-serge"], [["victor-serge"]], as
    the fixtures do), and dates as dates or ISO text."""
    fixture = dict(fields)
    for name in ONE_REF:
        if isinstance(fixture.get(name), str):
            fixture[name] = [fixture[name]] if fixture[name] else None
    for name in MANY_REFS:
        if isinstance(fixture.get(name), list):
            fixture[name] = [[ref] if isinstance(ref, str) else ref for ref in fixture[name]]
    for name in ("date", "end"):
        if hasattr(fixture.get(name), "isoformat"):
            fixture[name] = fixture[name].isoformat()
    fixture.pop("key", None)  # a fact's key is never the caller's
    return fixture


# The types of a claim's values the loader leaves to the fixtures' authors (a card shows them as text or a year).
CLAIM_TYPES = {"description": (str, "a non-empty string"), "when": (str, "a non-empty string"),
               "year": (int, "a whole number")}


def _check_claim(number: int, claim) -> None:
    if not isinstance(claim, dict):
        raise InvalidFact(f"citation {number}: claim: must be an object", field="citations")
    for name, (kind, what) in CLAIM_TYPES.items():
        value = claim.get(name, kind())
        if name in claim and (isinstance(value, bool) or not isinstance(value, kind)
                              or (kind is str and not value.strip())):
            raise InvalidFact(f"citation {number}: claim.{name}: must be {what}", field="citations")


def _write_fact(*, collection: Collection, kind: str, key: str, fields: dict, citations: list[dict]):
    """Write one fact under `key` (created, or replaced whole: fields and citations) through the fixture loader's
    validation and write_facts, each quote verbatim in its source's stored text. Raises InvalidFact naming the field
    (`citations` for a citation: "citation 2: ...")."""
    model = FACT_MODELS[kind]
    for n, c in enumerate(citations, start=1):
        _check_claim(n, c.get("claim") or {})
    records = [("fact", 1, {"model": f"facts.{kind}", "fields": {**_fixture_fields(fields), "key": key}})]
    for n, c in enumerate(citations, start=2):
        cite = {"source": [c.get("source")], "quote": c.get("quote"), kind: [key]}
        if c.get("claim"):
            cite["claim"] = c["claim"]
        records.append(("fact", n, {"model": "facts.citation", "fields": cite}))
    sources = [c.get("source") for c in citations if isinstance(c.get("source"), str)]
    texts = dict(Source.objects.filter(collection=collection, key__in=sources).values_list("key", "text"))
    with transaction.atomic():
        try:
            write_facts(records=records, collection=collection.key, full=False, source_texts=texts)
        except FixtureError as error:
            if error.record == 1 and error.field == "key":  # the fact has no citation
                raise InvalidFact(error.message, field="citations") from None
            if error.record == 1:
                raise InvalidFact(error.message, field=error.field or kind) from None
            where = f"{error.field}: " if (error.field or "").startswith("claim") else ""
            raise InvalidFact(f"citation {error.record - 1}: {where}{error.message}", field="citations") from None
        return model.objects.get(collection=collection, key=key)


def _editable_fact(collection: Collection, by, kind: str, key: str, action: str):
    if not collection.can_edit(by):
        raise NotAllowed(f"only the collection's owner and editors {action}")
    fact = FACT_MODELS[kind].objects.filter(collection=collection, key=key).first()
    if fact is None:
        raise FactNotFound(f"no {kind} {key!r} in this collection")
    return fact


def fact_create(*, collection: Collection, by, kind: str, fields: dict, citations: list[dict]):
    """A new person, work or event in the collection (its owner or an editor), validated exactly as the fixture
    loader validates a fixture record and its citations (fields as in fixtures/<collection>/*.json; references
    as keys or natural keys, see _fixture_fields; each citation {source, quote, claim?}), each quote verbatim in its
    source's stored text, and written by write_facts in one transaction. Its key is the slug of its name, title, or
    year and description, unique in the collection. Cards are not this app's: see authoring.services.fact_author.
    Raises NotAllowed or InvalidFact."""
    if not collection.can_edit(by):
        raise NotAllowed("only the collection's owner and editors add facts")
    model = FACT_MODELS[kind]
    key = _free_row_key(model, collection, _fact_key_base(kind, fields), FACT_KEY_CHARS)
    with acting_as(by):
        return _write_fact(collection=collection, kind=kind, key=key, fields=fields, citations=citations)


def fact_update(*, collection: Collection, by, kind: str, key: str, fields: dict, citations: list[dict]):
    """Replace a fact's fields and all its citations (its key never changes), validated and written as fact_create
    writes a new one: fields left out take the fixtures' defaults, as in a fixture record. Raises NotAllowed,
    FactNotFound or InvalidFact; a refused edit changes nothing."""
    _editable_fact(collection, by, kind, key, "change facts")
    with acting_as(by):
        return _write_fact(collection=collection, kind=kind, key=key, fields=fields, citations=citations)


def fact_values(fact) -> tuple[dict, list[dict]]:
    """A fact's fields as fact_create and fact_update take them (references as keys, dates as ISO text, every
    column the fixtures have) and its citations [{source, quote, claim}], in order: writing them back changes
    nothing."""
    kind = fact._meta.model_name
    write = next(w for w in FACT_WRITES if w.kind == kind)
    fields = {name: plain_value(getattr(fact, name)) for name in write.columns}
    if kind == "work":
        fields["author"] = fact.author.key if fact.author_id else None
    for name, _ in write.relations:
        fields[name] = [row.key for row in getattr(fact, name).order_by("pk")]
    citations = [{"source": c.source.key, "quote": c.quote, "claim": c.claim}
                 for c in fact.citations.select_related("source").order_by("position", "pk")]
    return fields, citations


def _referrers(fact) -> list[str]:
    """What refers to a fact and so keeps it from going: "work 'the-case' (author)", "event '1936-...' (people)"."""
    found = []
    if isinstance(fact, Person):
        found += [f"work {key!r} (author)" for key in fact.works.values_list("key", flat=True)]
        found += [f"work {key!r} (coauthors)" for key in fact.coauthored.values_list("key", flat=True)]
        found += [f"idea {key!r} (holder)" for key in fact.ideas.values_list("key", flat=True)]
    if isinstance(fact, Person | Work):
        found += [f"event {key!r} ({'people' if isinstance(fact, Person) else 'works'})"
                  for key in fact.events.values_list("key", flat=True)]
    return found


def fact_delete(*, collection: Collection, by, kind: str, key: str) -> None:
    """Remove a fact and its citations (cards are not this app's: authoring.services.fact_remove retires them).
    Refused with FactInUse while another fact refers to it. Raises NotAllowed or FactNotFound."""
    fact = _editable_fact(collection, by, kind, key, "remove facts")
    referrers = _referrers(fact)
    if referrers:
        raise FactInUse(f"{kind} {key!r} is referred to by {', '.join(referrers)}: change or remove those first")
    with transaction.atomic(), acting_as(by):
        fact.delete()


SOURCE_LIMITS = {"title": 300, "author": 200}


def _source_values(values: dict) -> dict:
    """A source edit's values checked (title, author, year, text), or InvalidFact naming the field."""
    checked = {}
    for name, value in values.items():
        if name in SOURCE_LIMITS:
            if not isinstance(value, str) or (name == "title" and not value.strip()):
                raise InvalidFact("must be a non-empty string" if name == "title" else "must be a string",
                                  field=name)
            if len(value) > SOURCE_LIMITS[name]:
                raise InvalidFact(f"at most {SOURCE_LIMITS[name]} characters", field=name)
        elif name == "year":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or
                                      not 0 <= value <= 9999):
                raise InvalidFact("must be a whole number from 0 to 9999, or null", field=name)
        elif name == "text":
            if not isinstance(value, str) or not value.strip():
                raise InvalidFact("the source has no text", field=name)
        else:
            raise InvalidFact("unknown field (expected one of author, text, title, year)", field=name)
        checked[name] = value
    return checked


def _editable_source(collection: Collection, by, key: str, action: str) -> Source:
    if not collection.can_edit(by):
        raise NotAllowed(f"only the collection's owner and editors {action}")
    source = Source.objects.filter(collection=collection, key=key).first()
    if source is None:
        raise FactNotFound(f"no source {key!r} in this collection")
    return source


def _citations_of(source) -> list[Citation]:
    return list(source.citations.select_related("person", "work", "event").order_by("pk"))


def _citing(citations) -> str:
    """"person 'anna-karlova', work 'x'": the facts the citations belong to, once each, in order."""
    return ", ".join(dict.fromkeys(f"{c.fact._meta.model_name} {c.fact.key!r}" for c in citations))


def source_update(*, collection: Collection, by, key: str, values: dict) -> Source:
    """Change a source's title, author, year or text (plain text: callers convert uploads). A new text must still
    hold every quote citing the source, verbatim (else InvalidFact on `text` naming the facts). Cards are not this
    app's: authoring.services.source_edit regenerates them (a card shows its source's title). Raises NotAllowed,
    FactNotFound or InvalidFact (OverLimit on `text` when a longer text would take the collection past
    settings.AUTHORING_MAX_COLLECTION_TEXT_CHARS)."""
    source = _editable_source(collection, by, key, "change sources")
    values = _source_values(values)
    if "text" in values:
        lost = [c for c in _citations_of(source) if not quote_occurs(c.quote, values["text"])]
        if lost:
            raise InvalidFact(f"quotes of {_citing(lost)} are not in the new text: change those facts first",
                              field="text")
    changed = [name for name, value in values.items() if getattr(source, name) != value]
    if changed:
        with transaction.atomic(), acting_as(by):
            if "text" in changed and len(values["text"]) > len(source.text):
                _locked(collection)  # a longer text: within the collection's cap (a shorter one always is)
                _check_collection_text(collection, len(values["text"]), replacing=source)
            for name in changed:
                setattr(source, name, values[name])
            source.save(update_fields=changed)
    return source


def source_delete(*, collection: Collection, by, key: str) -> None:
    """Remove a source no fact cites (FactInUse naming the facts while any does). Raises NotAllowed or
    FactNotFound."""
    source = _editable_source(collection, by, key, "remove sources")
    citations = _citations_of(source)
    if citations:
        raise FactInUse(f"source {key!r} is cited by {_citing(citations)}: remove those citations first")
    with transaction.atomic(), acting_as(by):
        source.delete()
