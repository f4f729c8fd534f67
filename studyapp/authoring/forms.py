"""The authoring pages' forms (issue 21): a collection, its visibility and editors, a source upload, and a fact of
each kind with its citations. Forms check the shape of the input and give it to the services in the fixture shape
(`fixtures/<collection>/*.json`: a work's author as ["key"], an event's people as [["key"], ...], dates in ISO);
the rules of a fact (verbatim quotes, dates, references) are the loader's, applied by the services on save."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from studyapp.authoring.suggestions import DATE, dates, when_of
from studyapp.authoring.text import SourceFormat, SourceTextError, format_for, source_text
from studyapp.facts.loading import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS
from studyapp.facts.models import Event, Person, Precision, Visibility, Weight, Work, WorkKind

VISIBILITY_HELP = ("Private: you and your editors only. Unlisted: not listed anywhere, but anyone who has its link "
                   "can read it, signed in or not, and study it once signed in. Public: listed for everyone.")


class CollectionForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PRIVATE, help_text=VISIBILITY_HELP)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("This field is required.")
        return title


class DetailsForm(forms.Form):
    """A collection's title and description (its owner and editors)."""

    title = CollectionForm.base_fields["title"]
    description = CollectionForm.base_fields["description"]
    clean_title = CollectionForm.clean_title


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(choices=Visibility.choices, help_text=VISIBILITY_HELP)


class EditorForm(forms.Form):
    username = forms.CharField(max_length=150, label="Editor's username",
                               help_text="An editor adds sources and facts and changes them.")

    def clean_username(self):
        """The user named, or an error that says nobody has that name (usernames are public on this site)."""
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"nobody is called {name!r}")
        return user


class SourceForm(forms.Form):
    """A source: a file (its name says the format) or pasted text (format chosen), read to plain text."""

    title = forms.CharField(max_length=300)
    author = forms.CharField(max_length=200, required=False)
    year = forms.IntegerField(min_value=0, max_value=9999, required=False)
    file = forms.FileField(required=False, help_text=".txt, .md or .html, UTF-8, at most 1,000,000 bytes.")
    text = forms.CharField(required=False, strip=False, label="Or paste the text",
                           widget=forms.Textarea(attrs={"rows": 10}))
    format = forms.ChoiceField(choices=SourceFormat.choices, initial=SourceFormat.TEXT, required=False,
                               help_text="Of the pasted text (a file's name says its own).")

    def clean(self):
        """Exactly one of a file and pasted text, made plain text (authoring.text.source_text); cleaned_data["text"]
        is what the source stores."""
        data = super().clean()
        upload, pasted = data.get("file"), data.get("text", "")
        if upload and pasted.strip():
            raise forms.ValidationError("upload a file or paste a text, not both")
        if not upload and not pasted.strip():
            self.add_error("text", "upload a file or paste the text")
            return data
        try:
            if upload:
                fmt, raw, field = format_for(upload.name), upload.read(), "file"
            else:
                fmt, raw, field = data.get("format") or SourceFormat.TEXT, pasted, "text"
            data["text"] = source_text(raw, fmt=fmt).text
        except SourceTextError as error:
            self.add_error(field if error.field == "text" else ("file" if upload else "format"), str(error))
        return data


class SourceEditForm(SourceForm):
    """A source's title, author and year; a new text (file or pasted) only if one is given."""

    text = forms.CharField(required=False, strip=False, label="Or paste a new text",
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="Leave empty to keep the text. Every quote citing the source must still be in it.")

    def clean(self):
        data = self.cleaned_data
        if not data.get("file") and not data.get("text", "").strip():
            data.pop("text", None)
            return data
        return super().clean()

    def values(self) -> dict:
        """What source_edit changes: title, author, year, and the text when a new one was given."""
        data = self.cleaned_data
        values = {"title": data["title"], "author": data.get("author") or "", "year": data.get("year")}
        return {**values, "text": data["text"]} if "text" in data else values


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def when_text(date: dt.date, precision: str, end: dt.date | None = None) -> str:
    """A date as it reads at its precision (1840, March 1840, 3 March 1840, the 1840s), a span as "1889 to 1891"."""
    def one(day, precision):
        if precision == "decade":
            return f"the {day.year}s"
        if precision == "year":
            return str(day.year)
        if precision == "month":
            return f"{MONTH_NAMES[day.month - 1]} {day.year}"
        return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
    if end is None:
        return one(date, precision)
    return f"{one(date, precision)} to {one(end, 'year' if precision in ('year', 'decade') else precision)}"


def date_from_text(text: str):
    """The date (When of authoring.suggestions) that a "when" text states on its own, e.g. "1840", "March 1894",
    "1889 to 1891"; None when it is not just one date."""
    match = DATE.fullmatch(text.strip())
    return when_of(match) if match else None


def first_date(quote: str):
    """(words, When) of the first date in a quote (the reader's date finder), or None."""
    for _, start, end, _, when in dates(quote):
        return quote[start:end], when
    return None


FIRST_DAY = {"year": "YYYY-01-01", "decade": "YYY0-01-01", "month": "YYYY-MM-01"}


def complete_date(form, *, when_field, date_field, precision_field, end_field, default_precision):
    """Fill in what an event's date leaves out, from what it gives: a missing date from "when" (when "1840" and
    precision year: 1840-01-01), a missing "when" from the date, a missing precision from "when" or else
    `default_precision` (a dispute's "(same)": the fact's own). What cannot be worked out, or does not agree, is
    an error in plain words on its field. Returns (when, date, precision, end), or None when nothing is given."""
    data = form.cleaned_data
    when, date = (data.get(when_field) or "").strip(), data.get(date_field)
    precision, end = data.get(precision_field) or "", data.get(end_field)
    if not when and not date:
        if data.get(precision_field) or end:
            form.add_error(when_field, "Give the date this source states (for example 1840), or leave the date "
                                       "fields empty.")
        return None
    read = date_from_text(when) if when else None
    if read is not None and not precision:
        precision = read.precision
    precision = precision or default_precision or "year"
    if date is None:
        if read is None:
            form.add_error(date_field, f"The date could not be read from “{when}”: give its first day as "
                                       f"YYYY-MM-DD (for example 1840-01-01).")
            return None
        date = dt.date.fromisoformat(read.date)
        if read.precision != precision:
            date = _first_day(date, precision)
        if end is None and read.end:
            end = dt.date.fromisoformat(read.end)
    if precision in FIRST_DAY and date != _first_day(date, precision):
        form.add_error(date_field, f"For a {precision}, the date is its first day ({FIRST_DAY[precision]}): "
                                   f"{_first_day(date, precision).isoformat()} here.")
        return None
    if end is not None and end <= date:
        form.add_error(end_field, "The end of a span comes after its start.")
        return None
    if not when:
        when = when_text(date, precision, end)
    return when, date, precision, end


def _first_day(date, precision):
    if precision == "decade":
        return dt.date(date.year // 10 * 10, 1, 1)
    if precision == "year":
        return dt.date(date.year, 1, 1)
    if precision == "month":
        return dt.date(date.year, date.month, 1)
    return date


def _lines(value) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _commas(value) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class FactForm(forms.Form):
    """What every kind shares; subclasses add their fields and `fixture_fields`."""

    aliases = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="Other names it goes by, one per line.")
    weight = forms.ChoiceField(choices=Weight.choices, initial=Weight.CONTEXT,
                               help_text="Core and context facts get cards; a mention gets none of its own.")

    def __init__(self, *args, collection, **kwargs):
        self.collection = collection
        super().__init__(*args, **kwargs)

    def fixture_fields(self) -> dict:
        data = self.cleaned_data
        return {"aliases": _lines(data.get("aliases", "")), "weight": data["weight"]}

    @staticmethod
    def initial_from(fact) -> dict:
        return {"aliases": "\n".join(fact.aliases), "weight": fact.weight}


class PersonForm(FactForm):
    name = forms.CharField(max_length=200)
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="Who they were, per the source; never their name.")
    roles = forms.CharField(required=False, max_length=2000, help_text="Separated by commas: writer, editor.")
    field_order = ["name", "description", "aliases", "roles", "weight"]

    def fixture_fields(self):
        data = self.cleaned_data
        return {"name": data["name"], "description": data["description"], **super().fixture_fields(),
                "roles": _commas(data.get("roles", ""))}

    @staticmethod
    def initial_from(fact):
        return {**FactForm.initial_from(fact), "name": fact.name, "description": fact.description,
                "roles": ", ".join(fact.roles)}


class WorkForm(FactForm):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=WorkKind.choices, initial=WorkKind.OTHER)
    author = forms.ChoiceField(required=False, help_text="One of the collection's people (add them first).")
    year = forms.IntegerField(min_value=0, max_value=9999, required=False)
    description = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="What the work is, per the source; never its title.")
    field_order = ["title", "kind", "author", "year", "description", "aliases", "weight"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "(not given)"), *people]

    def fixture_fields(self):
        data = self.cleaned_data
        fields = {"title": data["title"], "kind": data["kind"], "year": data.get("year"),
                  "description": data.get("description", ""), **super().fixture_fields()}
        # Always given, None when blank, so an edit that clears the author clears it.
        fields["author"] = [data["author"]] if data.get("author") else None
        return fields

    @staticmethod
    def initial_from(fact):
        return {**FactForm.initial_from(fact), "title": fact.title, "kind": fact.kind, "year": fact.year,
                "author": fact.author.key if fact.author_id else "", "description": fact.description}


class EventForm(FactForm):
    when = forms.CharField(max_length=100, required=False,
                           help_text="As it is shown: 1917, March 1921, 1889 to 1891, the 1930s.")
    date = forms.DateField(required=False, help_text="Its first day, YYYY-MM-DD: YYYY-01-01 for a year, YYYY-MM-01 "
                                                     "for a month. Worked out from “When” if left empty.")
    precision = forms.ChoiceField(choices=Precision.choices, initial=Precision.YEAR)
    end = forms.DateField(required=False, help_text="A span's last day, YYYY-MM-DD (1933–1936 ends 1936-12-31).")
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="What happened, per the source; never the date.")
    people = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text="The collection's people it involves.")
    works = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="The collection's works it involves.")
    field_order = ["when", "date", "precision", "end", "description", "people", "works", "aliases", "weight"]

    def __init__(self, *args, people=(), works=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = list(people)
        self.fields["works"].choices = list(works)

    def clean(self):
        data = super().clean()
        if not (data.get("when") or "").strip() and data.get("date") is None:
            if "when" not in self.errors:
                self.add_error("when", "Give the date, as it reads (for example 1838 or March 1894).")
            return data
        if self.errors.keys() & {"when", "date", "precision", "end"}:
            return data
        # The precision is always given here (a select): what "When" reads as wins only when the date is left out.
        given = data.get("precision") if data.get("date") is not None else ""
        data_precision = data.get("precision")
        data["precision"] = given
        done = complete_date(self, when_field="when", date_field="date", precision_field="precision",
                             end_field="end", default_precision=data_precision)
        data["precision"] = data_precision
        if done is not None:
            data["when"], data["date"], data["precision"], data["end"] = done
        return data

    def fixture_fields(self):
        data = self.cleaned_data
        fields = {"when": data["when"], "date": data["date"].isoformat(), "precision": data["precision"],
                  "description": data["description"], **super().fixture_fields(),
                  "people": [[key] for key in data.get("people", [])],
                  "works": [[key] for key in data.get("works", [])]}
        fields["end"] = data["end"].isoformat() if data.get("end") else None  # None clears a span on edit
        return fields

    @staticmethod
    def initial_from(fact):
        return {**FactForm.initial_from(fact), "when": fact.when, "date": fact.date, "precision": fact.precision,
                "end": fact.end, "description": fact.description,
                "people": [p.key for p in fact.people.all()], "works": [w.key for w in fact.works.all()]}


FACT_FORMS = {"person": PersonForm, "work": WorkForm, "event": EventForm}
FACT_MODELS = {"person": Person, "work": Work, "event": Event}

# The fields a citation may state differently (a dispute): the model's CLAIM_FIELDS, each with its form field.
CLAIM_FIELDS = {
    "description": lambda: forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})),
    "year": lambda: forms.IntegerField(min_value=0, max_value=9999, required=False),
    "when": lambda: forms.CharField(max_length=100, required=False),
    "date": lambda: forms.DateField(required=False),
    "precision": lambda: forms.ChoiceField(choices=[("", "(same)"), *Precision.choices], required=False),
    "end": lambda: forms.DateField(required=False),
}


def quote_problem(quote: str) -> str:
    """Why a quote is too long to cite ("" if it is not): the loader's limits, said before a save is tried."""
    if len(quote) > MAX_QUOTE_CHARS:
        return f"the quote is {len(quote)} characters; at most {MAX_QUOTE_CHARS}: select a shorter passage"
    words = len(quote.split())
    if words > MAX_QUOTE_WORDS:
        return f"the quote is {words} words; at most {MAX_QUOTE_WORDS}: select a shorter passage"
    return ""


class CitationForm(forms.Form):
    """One citation: a source of the collection, a verbatim quote from it, and optionally what this source states
    differently (`claim_<field>`: a disputed version of the fact)."""

    source = forms.ChoiceField()
    quote = forms.CharField(strip=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Exactly as in the source (checked on save).")
    kind = "person"  # set per fact kind by citation_form

    def __init__(self, *args, sources=(), fact_precision="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = list(sources)
        self.fact_precision = fact_precision
        for name, hint in (("claim_when", "As it reads in this source: 1840, March 1840."),
                           ("claim_date", "YYYY-MM-DD; worked out from “When” if left empty."),
                           ("claim_precision", "“(same)”: read from “When”, else the fact's own."),
                           ("claim_end", "A span's last day, YYYY-MM-DD.")):
            if name in self.fields:
                self.fields[name].help_text = hint

    def clean(self):
        data = super().clean()
        if "claim_date" in self.fields and not (self.errors.keys() & {"claim_when", "claim_date", "claim_end"}):
            done = complete_date(self, when_field="claim_when", date_field="claim_date",
                                 precision_field="claim_precision", end_field="claim_end",
                                 default_precision=self.fact_precision)
            if done is not None:
                data["claim_when"], data["claim_date"], data["claim_precision"], data["claim_end"] = done
        return data

    def has_changed(self):
        # An extra, blank citation keeps its source select on the first source: that alone is no citation.
        return any(name != "source" for name in self.changed_data)

    def clean_quote(self):
        # Browsers post a textarea's line breaks as CRLF; stored texts have LF (authoring.text), so a passage
        # spanning a line break would never be found verbatim.
        quote = self.cleaned_data["quote"].replace("\r\n", "\n").replace("\r", "\n")
        if not quote.strip():
            raise forms.ValidationError("This field is required.")
        if "\n\n" in quote.strip():
            raise forms.ValidationError("a quote is one passage within one paragraph: select less")
        if len(quote.split()) < 2:
            raise forms.ValidationError("a quote of one word proves nothing: select the words that state the fact")
        problem = quote_problem(quote)
        if problem:
            raise forms.ValidationError(problem)
        return quote

    def claim(self) -> dict:
        """The fields this source states differently, in the fixtures' shape ({} when it agrees)."""
        claim = {}
        for name in FACT_MODELS[self.kind].CLAIM_FIELDS:
            value = self.cleaned_data.get(f"claim_{name}")
            if value not in (None, ""):
                claim[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return claim

    def citation(self) -> dict:
        citation = {"source": self.cleaned_data["source"], "quote": self.cleaned_data["quote"]}
        claim = self.claim()
        return {**citation, "claim": claim} if claim else citation

    @property
    def claim_fields(self):
        return [self[f"claim_{name}"] for name in FACT_MODELS[self.kind].CLAIM_FIELDS]


def citation_form(kind: str) -> type[CitationForm]:
    """The citation form of one kind of fact: its claim fields are that kind's CLAIM_FIELDS."""
    fields = {f"claim_{name}": CLAIM_FIELDS[name]() for name in FACT_MODELS[kind].CLAIM_FIELDS}
    for name, field in fields.items():
        field.label = f"{name.removeprefix('claim_').capitalize()} in this source"
    return type(f"{kind.title()}CitationForm", (CitationForm,), {"kind": kind, **fields})


class BaseCitations(forms.BaseFormSet):
    def __init__(self, *args, sources=(), fact_precision="", **kwargs):
        self.sources = sources
        self.fact_precision = fact_precision
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "sources": self.sources, "fact_precision": self.fact_precision}

    @property
    def empty_form(self):
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, sources=self.sources, renderer=self.renderer)

    def citations(self) -> list[dict]:
        """Every filled citation not marked for removal, in order."""
        return [form.citation() for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]

    def clean(self):
        if any(self.errors):
            return
        if not self.citations():
            raise forms.ValidationError("a fact cites at least one source: give a quote")


def citation_formset(kind: str, *, extra: int):
    return forms.formset_factory(citation_form(kind), formset=BaseCitations, extra=extra, can_delete=True,
                                 max_num=20, validate_max=True)


def claim_initial(citation) -> dict:
    """A stored citation as its form's initial values."""
    initial = {"source": citation.source.key, "quote": citation.quote}
    for name, value in (citation.claim or {}).items():
        initial[f"claim_{name}"] = value
    return initial
