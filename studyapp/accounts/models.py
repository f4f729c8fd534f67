"""Per-user study settings; created on first use so every user has exactly one."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from studyapp.decks import DECKS
from studyapp.facts.models import COLLECTION_KEY
from studyapp.topics import TOPICS


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. Europe/Paris")


def _validate_choices(value, known, what, *, allow_empty):
    """A list of distinct known values: no more items than there are choices, so a setting can never grow
    into a query too large to run (a hostile PATCH once sent the same deck 40,000 times)."""
    if not isinstance(value, list) or (not value and not allow_empty):
        raise ValidationError(f"choose {'zero' if allow_empty else 'one'} or more of {', '.join(known)}")
    if len(value) > len(known) or len(set(map(str, value))) != len(value):
        raise ValidationError(f"{what}: each of {', '.join(known)} at most once")
    unknown = [item for item in value if item not in known]
    if unknown:
        raise ValidationError(f"{what}: {str(unknown[0])[:40]!r} is not one of {', '.join(known)}")


def validate_decks(value):
    _validate_choices(value, DECKS, "decks", allow_empty=False)


def validate_topics(value):
    _validate_choices(value, TOPICS, "topics", allow_empty=True)


MAX_COLLECTIONS = 100  # studied at once; bounds the queue's IN list as the deck and topic lists are bounded


def validate_collection_keys(value):
    """A list of distinct collection keys (whether each exists and is the user's to study is
    accounts.services.settings_update's check)."""
    if not isinstance(value, list) or len(value) > MAX_COLLECTIONS:
        raise ValidationError(f"collections: a list of at most {MAX_COLLECTIONS} collection keys")
    if any(not isinstance(key, str) or not COLLECTION_KEY.match(key) for key in value):
        raise ValidationError("collections: each item is a collection key")
    if len(set(value)) != len(value):
        raise ValidationError("collections: each collection at most once")


def default_decks():
    return list(DECKS)


FSRS_PARAMETER_COUNT = 21  # FSRS-6, as py-fsrs schedules and fsrs-rs fits


def validate_fsrs_parameters(value):
    """Empty (FSRS's defaults) or FSRS-6's 21 numbers; their bounds are py-fsrs's to check when it schedules."""
    if not isinstance(value, list) or (value and len(value) != FSRS_PARAMETER_COUNT) or any(
            isinstance(item, bool) or not isinstance(item, int | float) for item in value):
        raise ValidationError(f"FSRS parameters: empty, or {FSRS_PARAMETER_COUNT} numbers")


class StudySettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_settings")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    day_starts_at = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(23)], help_text="Hour (0-23) the study day starts."
    )
    desired_retention = models.FloatField(
        default=0.90, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)]
    )
    new_per_day = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(9999)])
    reviews_per_day = models.PositiveSmallIntegerField(default=200, validators=[MaxValueValidator(9999)])
    decks = models.JSONField(default=default_decks, validators=[validate_decks])
    topics = models.JSONField(default=list, blank=True, validators=[validate_topics], help_text="Empty: every topic.")
    collections = models.JSONField(
        default=list, db_default=[], blank=True, validators=[validate_collection_keys],
        help_text="Keys of the collections studied; empty: every public collection (the Serge base included).")
    quiz_counts_as_review = models.BooleanField(
        default=False, help_text="Quiz answers on cards in study are recorded as reviews (wrong = Again, right = Good)."
    )
    # Written only by study.services.fsrs_optimize (through save(), so post_save listeners see it); read on
    # every review, free with the user.
    fsrs_parameters = models.JSONField(
        default=list, db_default=[], blank=True, validators=[validate_fsrs_parameters],
        help_text="The user's own FSRS parameters, fitted to their reviews; empty: FSRS's defaults.")

    class Meta:
        verbose_name_plural = "study settings"

    def __str__(self):
        return f"settings of {self.user}"


def settings_for(user) -> StudySettings:
    """The user's settings, created with defaults the first time.

    Free when the user was loaded by our auth backends (select_related), one query otherwise.
    """
    cached = user._state.fields_cache.get("study_settings")
    if cached is not None:
        return cached
    obj, _ = StudySettings.objects.get_or_create(user=user)
    user._state.fields_cache["study_settings"] = obj
    return obj
