from django import forms

from studyapp.cards.selectors import scope_card_keys
from studyapp.facts.models import SERGE
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
    # ... of a collection's explore page (?collection=KEY): the view resolves it (404 rule) and passes it in.
    collection = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)

    def __init__(self, *args, collection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.in_collection = collection
        if collection is not None:
            self.initial["collection"] = collection.key

    def clean_collection(self):
        return self.in_collection  # the Collection the view checked, not the posted text

    def clean_scope(self):
        """The sibling keys the quiz is limited to, or None for no limit."""
        value = self.cleaned_data.get("scope", "").strip()
        if not value:
            return None

        try:
            scope = parse_scope(*parse(value), collection=self._collection_key())
        except UnknownScope as error:
            raise forms.ValidationError(str(error)) from None
        return scope_card_keys(scope, self._collection_key())

    def _collection_key(self):
        return self.in_collection.key if self.in_collection is not None else SERGE

    def scope_label(self):
        """What the quiz is limited to, in words ("" for no limit or an unknown scope)."""
        value = (self.data.get("scope") if self.is_bound else self.initial.get("scope")) or ""
        if not value:
            return ""

        try:
            return parse_scope(*parse(value), collection=self._collection_key()).label
        except UnknownScope:
            return ""
