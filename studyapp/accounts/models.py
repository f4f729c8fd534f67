"""Per-user study settings; created on first use so every user has exactly one."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DECKS = ["people", "works", "events"]


def validate_timezone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. Europe/Paris")


def validate_decks(value):
    if not isinstance(value, list) or not value or any(deck not in DECKS for deck in value):
        raise ValidationError(f"choose one or more of {', '.join(DECKS)}")


def default_decks():
    return list(DECKS)


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
    topics = models.JSONField(default=list, blank=True, help_text="Empty: every topic.")
    quiz_counts_as_review = models.BooleanField(
        default=False, help_text="Quiz answers on cards in study are recorded as reviews (wrong = Again, right = Good)."
    )

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
