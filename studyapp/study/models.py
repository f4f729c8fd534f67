"""Per-user review state (one row per user and card once seen) and the append-only review log."""

from django.conf import settings
from django.db import models

from studyapp.cards.models import Card


class FsrsState(models.IntegerChoices):
    # Values match fsrs.State so conversion is a cast.
    LEARNING = 1, "learning"
    REVIEW = 2, "review"
    RELEARNING = 3, "relearning"


class Rating(models.IntegerChoices):
    AGAIN = 1, "again"
    HARD = 2, "hard"
    GOOD = 3, "good"
    EASY = 4, "easy"


LEECH_LAPSES = 8


def is_leech_lapse(lapses: int) -> bool:
    """Anki's leech rule: the 8th lapse, then every 4 more (12, 16, ...) for a card brought back."""
    return lapses >= LEECH_LAPSES and (lapses - LEECH_LAPSES) % (LEECH_LAPSES // 2) == 0


class ReviewStateQuerySet(models.QuerySet):
    def studied(self):
        """What "studied" means everywhere: answered at least once, of a card that still exists (a retired
        card's state is kept, not counted). The raw-SQL queue in study/selectors.py says the same."""
        return self.filter(reps__gt=0, card__retired=False)

    def suspended(self):
        """Suspended cards that still exist, studied or not (a card can be suspended before its first
        answer): the suspended page lists exactly these and the stats page counts exactly these."""
        return self.filter(suspended=True, card__retired=False)


class ReviewState(models.Model):
    # No index of its own: the composite indexes below all start with user (each index is one more write per review).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_states",
                             db_index=False)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_states")
    state = models.PositiveSmallIntegerField(choices=FsrsState.choices, default=FsrsState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    suspended = models.BooleanField(default=False)
    leech = models.BooleanField(default=False)
    buried_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Bumped on every change; guards stale answers.")

    objects = ReviewStateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="reviewstate_user_card_unique")]
        # (user, state, due): the queue's counts and picks and the load balancer's days each read one state's
        # due range of one user (study/selectors.py), so that range is one index scan whatever the table size.
        indexes = [models.Index(fields=["user", "state", "due"], name="reviewstate_user_state_due_idx")]

    def __str__(self):
        return f"{self.user} · {self.card.key}"


class ReviewLog(models.Model):
    """Append-only: one row per review; review_id lets a repeated submission be recognised."""

    # No index of its own: the composite indexes below all start with user (each index is one more write per review).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs",
                             db_index=False)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="review_logs")
    review_id = models.UUIDField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    state_before = models.JSONField(help_text="ReviewState fields before the review (null: new card).", null=True)
    state_after = models.JSONField()
    source = models.CharField(max_length=10, default="study", help_text="study, quiz or anki")
    anki_revlog_id = models.BigIntegerField(
        null=True, blank=True, help_text="A review brought back from Anki: its revlog id (ms since the epoch).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "review_id"], name="reviewlog_user_review_id_unique"),
            # Each Anki review is imported once per user, however often the same file is uploaded.
            models.UniqueConstraint(fields=["user", "anki_revlog_id"], condition=models.Q(anki_revlog_id__isnull=False),
                                    name="reviewlog_user_anki_revlog_unique"),
        ]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="reviewlog_user_time_idx")]

    def __str__(self):
        return f"{self.user} rated {self.card.key} {self.rating}"


class StudyAction(models.Model):
    """The user's study actions in the order applied: what undo reverses, latest first.

    Reviews given on the study page or through the API are here (pointing at their log); reviews fed by a
    quiz are not, so undo leaves them to the quiz. Suspend, unsuspend and bury keep the card's state
    before and after (state_before null: the user had no state row for the card yet).
    """

    class Kind(models.TextChoices):
        REVIEW = "review"
        SUSPEND = "suspend"
        UNSUSPEND = "unsuspend"
        BURY = "bury"

    # No index of its own: the composite indexes below all start with user (each index is one more write per review).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_actions",
                             db_index=False)
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    review_log = models.OneToOneField(ReviewLog, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="action")
    state_before = models.JSONField(null=True, blank=True)
    state_after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "id"], name="studyaction_user_id_idx")]

    def __str__(self):
        return f"{self.user} {self.kind} {self.card_id}"


class FsrsOptimization(models.Model):
    """One run of the FSRS optimizer for a user, queued, running or finished: what it found and whether the
    parameters were adopted. The latest finished run is what the settings page shows."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fsrs_optimizations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0, help_text="Reviews in the user's log when it ran.")
    items = models.PositiveIntegerField(default=0, help_text="Training items built from them.")
    needed = models.PositiveIntegerField(default=0, help_text="More reviews needed before a fit is tried.")
    adopted = models.BooleanField(default=False)
    parameters = models.JSONField(default=list, blank=True, help_text="Fitted parameters (adopted or not).")
    parameters_before = models.JSONField(default=list, blank=True, help_text="The parameters in use before.")
    log_loss_before = models.FloatField(null=True, blank=True)
    log_loss_after = models.FloatField(null=True, blank=True)
    rmse_before = models.FloatField(null=True, blank=True)
    rmse_after = models.FloatField(null=True, blank=True)
    optimal_retention = models.FloatField(null=True, blank=True)
    simulation = models.JSONField(default=list, blank=True,
                                  help_text="[{retention, reviews_per_day, remembered}] over the next year.")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"], name="fsrsopt_user_latest_idx")]

    def __str__(self):
        return f"{self.user} FSRS optimization {self.pk} ({self.status})"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
