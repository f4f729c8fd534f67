from django import forms

DECK_LABELS = [
    ("all", "My decks (as in Settings)"),
    ("people", "People"),
    ("works", "Works"),
    ("events", "Events"),
]


class ExportForm(forms.Form):
    deck = forms.ChoiceField(choices=DECK_LABELS, initial="all", required=False)
    studied = forms.BooleanField(required=False, label="Only cards I have studied")

    def clean_deck(self):
        return self.cleaned_data["deck"] or "all"
