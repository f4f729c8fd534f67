from django import forms

from studyapp.facts.models import COLLECTION_KEY

DECK_LABELS = [
    ("all", "My decks (as in Settings)"),
    ("people", "People"),
    ("works", "Works"),
    ("events", "Events"),
]


class ExportForm(forms.Form):
    deck = forms.ChoiceField(choices=DECK_LABELS, initial="all", required=False)
    studied = forms.BooleanField(required=False, label="Only cards I have studied")
    # One collection's cards (its key; the view applies the 404 rule); empty: every collection the user studies.
    collection = forms.RegexField(COLLECTION_KEY, max_length=60, required=False,
                                  error_messages={"invalid": "not a collection key"})

    def clean_deck(self):
        return self.cleaned_data["deck"] or "all"


class AnkiReviewsForm(forms.Form):
    package = forms.FileField(
        label="Anki package", allow_empty_file=False,
        help_text="A .colpkg (File › Export › Anki Collection Package), or an .apkg exported with “Include "
                  "scheduling information” ticked. At most 100 MB.",
        widget=forms.FileInput(attrs={"accept": ".colpkg,.apkg"}),
    )
