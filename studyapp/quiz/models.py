"""One user's quizzes: the questions as they were asked (frozen, so later fact edits never change a result)."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q

from studyapp.cards.models import Card


class QuizDeck(models.TextChoices):
    PEOPLE = "people"
    WORKS = "works"
    EVENTS = "events"
    ALL = "all"


class QuizMode(models.TextChoices):
    ALL = "all", "All cards"
    STUDIED = "studied", "Only cards I have studied"
    WEAKEST = "weakest", "My weakest cards"


class QuestionKind(models.TextChoices):
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    TYPED = "typed", "Typed answer"
    TRUE_FALSE = "true_false", "True or false"
    ORDER = "order", "Put in order"


class QuizQuerySet(models.QuerySet):
    def with_scores(self):
        """Each quiz with `total`, `answered` and `score` (right answers) counted in the database."""
        return self.annotate(
            total=Count("questions", distinct=True),
            answered=Count("questions__answer", distinct=True),
            score=Count("questions__answer", filter=Q(questions__answer__correct=True), distinct=True),
        )


class Quiz(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes")
    deck = models.CharField(max_length=10, choices=QuizDeck.choices)
    mode = models.CharField(max_length=10, choices=QuizMode.choices, default=QuizMode.ALL)
    kinds = models.JSONField(default=list)
    size = models.PositiveSmallIntegerField(help_text="Questions asked for; fewer if the deck is small.")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="quiz_user_created_idx")]
        verbose_name_plural = "quizzes"

    def __str__(self):
        return f"quiz {self.pk} of {self.user}"


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    card = models.ForeignKey(Card, null=True, blank=True, on_delete=models.SET_NULL, related_name="quiz_questions")
    facts = models.JSONField(default=list, help_text="The facts asked about, as 'event:key'.")
    prompt = models.TextField()
    options = models.JSONField(default=list, help_text="Shown in this order; empty for typed questions.")
    solution = models.JSONField(help_text="What grading needs; never shown before the answer.")
    expected = models.TextField()
    citations = models.JSONField(default=list)
    versions = models.JSONField(default=list, help_text="Disputed facts: [{value, citations}].")

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "position"], name="quizquestion_position_unique")]

    def __str__(self):
        return f"{self.quiz} · {self.position}"

    @property
    def citation(self):
        return self.citations[0] if self.citations else None


class QuizAnswer(models.Model):
    question = models.OneToOneField(QuizQuestion, on_delete=models.CASCADE, related_name="answer")
    given = models.JSONField(help_text="A string, or a list for order questions.")
    correct = models.BooleanField()
    feedback = models.TextField()
    answered_at = models.DateTimeField()
    review_id = models.UUIDField(null=True, blank=True, help_text="The review this answer fed, if any.")

    def __str__(self):
        return f"{self.question}: {'right' if self.correct else 'wrong'}"
