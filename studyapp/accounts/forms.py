import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User

from studyapp.accounts.models import DECKS, StudySettings
from studyapp.cards.generation import TOPICS


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; only used to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class StudySettingsForm(forms.ModelForm):
    """The /settings/ page; the model's validators (retention range, known time zone) do the checking."""

    timezone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())])
    decks = forms.MultipleChoiceField(choices=[(d, d.title()) for d in DECKS], widget=forms.CheckboxSelectMultiple)
    topics = forms.MultipleChoiceField(choices=[(t, t) for t in TOPICS], widget=forms.CheckboxSelectMultiple,
                                       required=False, help_text="None ticked: every period.")

    class Meta:
        model = StudySettings
        fields = ["timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day", "decks",
                  "topics", "quiz_counts_as_review"]
        labels = {"day_starts_at": "Study day starts at (hour, 0–23)", "desired_retention": "Desired retention",
                  "new_per_day": "New cards per day", "reviews_per_day": "Maximum reviews per day",
                  "quiz_counts_as_review": "Quiz answers count as reviews"}
        help_texts = {"desired_retention": "0.70–0.97. Higher means more reviews and fewer cards forgotten."}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text="Your password, to confirm.")
    confirm = forms.BooleanField(label="I understand my study history and quizzes are deleted for good.")
