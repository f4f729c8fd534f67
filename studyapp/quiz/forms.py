from django import forms

from studyapp.quiz.models import QuestionKind, QuizDeck, QuizMode
from studyapp.quiz.services import DEFAULT_SIZE, MAX_SIZE, MIN_SIZE


class QuizSetupForm(forms.Form):
    deck = forms.ChoiceField(choices=[(d, d.title()) for d in QuizDeck.values], initial="all")
    size = forms.IntegerField(label="Number of questions", min_value=MIN_SIZE, max_value=MAX_SIZE,
                              initial=DEFAULT_SIZE)
    kinds = forms.MultipleChoiceField(label="Kinds of question", choices=QuestionKind.choices,
                                      widget=forms.CheckboxSelectMultiple, initial=QuestionKind.values)
    mode = forms.ChoiceField(label="Cards", choices=QuizMode.choices, widget=forms.RadioSelect, initial="all")
