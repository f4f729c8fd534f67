import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.db.models import Q

from studyapp.accounts.models import DECKS, StudySettings
from studyapp.facts.models import Collection
from studyapp.facts.timeline import PERIODS
from studyapp.topics import PERIODS as TOPIC_SPANS

ZONES = sorted(zoneinfo.available_timezones())


def _topics_within(period) -> list[str]:
    """The card topics (periods cards are filed under) that lie inside one of the site's periods: the timeline,
    the period pages and the stats say "before 1917", the cards split it at 1905; settings speak like the site."""
    return [label for start, end, label in TOPIC_SPANS
            if (period.start is None or (start is not None and start >= period.start))
            and (period.end is None or (end is not None and end <= period.end))]


PERIOD_TOPICS = {period.slug: _topics_within(period) for period in PERIODS}


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; only used to reset your password.")
    # Filled from the browser by accounts/timezone.js; without JavaScript (or with an unknown zone) the account
    # starts on UTC, and Settings can change it.
    timezone = forms.CharField(required=False, widget=forms.HiddenInput(
        attrs={"data-browser-timezone": ""}))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_timezone(self):
        zone = self.cleaned_data.get("timezone", "").strip()
        return zone if zone in zoneinfo.available_timezones() else "UTC"


class StudySettingsForm(forms.ModelForm):
    """The /settings/ page; the model's validators (retention range, known time zone) do the checking."""

    timezone = forms.ChoiceField(label="Time zone", choices=[(z, z.replace("_", " ")) for z in ZONES])
    decks = forms.MultipleChoiceField(choices=[(d, d.title()) for d in DECKS], widget=forms.CheckboxSelectMultiple)
    periods = forms.MultipleChoiceField(
        label="Periods", choices=[(p.slug, p.label) for p in PERIODS], widget=forms.CheckboxSelectMultiple,
        required=False, help_text="None ticked: every period.")
    collections = forms.MultipleChoiceField(
        label="Collections", choices=[], widget=forms.CheckboxSelectMultiple, required=False,
        help_text="None ticked: every public collection.")

    class Meta:
        model = StudySettings
        fields = ["timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day", "decks",
                  "quiz_counts_as_review"]
        labels = {"day_starts_at": "Study day starts at (hour, 0–23)", "desired_retention": "Desired retention",
                  "new_per_day": "New cards per day", "reviews_per_day": "Maximum reviews per day",
                  "quiz_counts_as_review": "Quiz answers count as reviews"}
        help_texts = {"desired_retention": "0.70–0.97. Higher means more reviews and fewer cards forgotten.",
                      "day_starts_at": "Reviews done before this hour count for the day before."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        saved = set(self.instance.topics or [])
        # A period is ticked when any of its topics is saved (the API can save one of two); saving ticks all.
        self.initial["periods"] = [slug for slug, topics in PERIOD_TOPICS.items() if saved & set(topics)]
        # Public collections, the user's own and edited ones, and any unlisted one they chose by its key.
        chosen = list(self.instance.collections or [])
        user = self.instance.user
        shown = Collection.objects.filter(Q(pk__in=Collection.objects.listed_for(user).values("pk"))
                                          | Q(pk__in=Collection.objects.studyable_by(user).filter(key__in=chosen)
                                              .values("pk")))
        self.fields["collections"].choices = list(shown.values_list("key", "title"))
        self.initial["collections"] = chosen

    def _post_clean(self):
        self.instance.topics = [t for slug in self.cleaned_data.get("periods", []) for t in PERIOD_TOPICS[slug]]
        self.instance.collections = list(self.cleaned_data.get("collections", []))
        super()._post_clean()


class DeleteAccountForm(forms.Form):
    password = forms.CharField(strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text="Your password, to confirm.")
    confirm = forms.BooleanField(label="I understand my study history and quizzes are deleted for good.")
