"""What authoring keeps of its own (issue 21): the suggestions an editor dismissed.

Dismissals are remembered, per source and for all of its collection's editors, so that a suggestion set aside
does not come back at every visit of the reader (suggestions are computed from the text each time, never stored).
A suggestion is named by its kind, its words and its quote: a source edited so the sentence changes proposes it
again, which is what an editor would want.
"""

import hashlib

from django.conf import settings
from django.db import models, transaction

from studyapp.facts.models import Source


class DismissedSuggestionQuerySet(models.QuerySet):
    def keys_for(self, source) -> set[str]:
        """The keys (DismissedSuggestion.key_of) of the suggestions dismissed on one source: one query."""
        return set(self.filter(source=source).values_list("key", flat=True))

    @transaction.atomic
    def dismiss(self, *, source, by, kind: str, text: str, quote: str):
        """Set a suggestion aside on a source (the caller has checked `by` edits its collection); idempotent."""
        row, _ = self.get_or_create(source=source, key=DismissedSuggestion.key_of(kind, text, quote),
                                    defaults={"kind": kind, "text": text[:300], "dismissed_by": by})
        return row

    def restore(self, *, source, kind: str, text: str, quote: str) -> bool:
        """Undo a dismissal (the caller has checked the user edits the collection): whether one was removed."""
        removed, _ = self.filter(source=source, key=DismissedSuggestion.key_of(kind, text, quote)).delete()
        return bool(removed)


class DismissedSuggestion(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="dismissed_suggestions")
    key = models.CharField(max_length=64, help_text="sha256 of kind, text and quote (key_of).")
    kind = models.CharField(max_length=10)
    text = models.CharField(max_length=300, help_text="The suggestion's words, for people reading the table.")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    objects = DismissedSuggestionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="dismissed_suggestion_once")]

    def __str__(self):
        return f"{self.kind} {self.text!r} on {self.source_id}"

    @staticmethod
    def key_of(kind: str, text: str, quote: str) -> str:
        """One suggestion's identity: its kind, words and quote (a quote may be 400 characters: hashed)."""
        return hashlib.sha256("\x1f".join((kind, text, quote)).encode("utf-8")).hexdigest()
