from django import forms

from studyapp.facts.selectors import UnknownScope, parse_scope
from studyapp.quiz.models import QuestionKind, QuizDeck, QuizMode
from studyapp.quiz.services import DEFAULT_SIZE, MAX_SIZE, MIN_SIZE
from studyapp.refs import parse


class QuizSetupForm(forms.Form):
    deck = forms.ChoiceField(choices=[(d, d.title()) for d in QuizDeck.values], initial="all")
    size = forms.IntegerField(label="Number of questions", min_value=MIN_SIZE, max_value=MAX_SIZE,
                              initial=DEFAULT_SIZE)
    kinds = forms.MultipleChoiceField(label="Kinds of question", choices=QuestionKind.choices,
                                      widget=forms.CheckboxSelectMultiple, initial=QuestionKind.values)
    mode = forms.ChoiceField(label="Cards", choices=QuizMode.choices, widget=forms.RadioSelect, initial="all")
    # "Quiz me on this" from a person, work, source or period page: person:<key>, period:<slug>, ...
    scope = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def clean_scope(self):
        """The sibling keys the quiz is limited to, or None for no limit."""
        value = self.cleaned_data.get("scope", "").strip()
        if not value:
            return None

        try:
            return parse_scope(*parse(value)).sibling_keys
        except UnknownScope as error:
            raise forms.ValidationError(str(error)) from None

    def scope_label(self):
        """What the quiz is limited to, in words ("" for no limit or an unknown scope)."""
        value = (self.data.get("scope") if self.is_bound else self.initial.get("scope")) or ""
        if not value:
            return ""

        try:
            return parse_scope(*parse(value)).label
        except UnknownScope:
            return ""
