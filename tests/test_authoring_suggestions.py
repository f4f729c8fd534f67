"""Suggested facts (studyapp/authoring/suggestions.py): a paragraph in, the exact candidates out, each quoting its
sentence verbatim and within the fixtures' quote limits."""

import pytest

from studyapp.authoring.suggestions import Candidate, When, sentence_spans, suggest
from studyapp.authoring.text import format_for, quote_occurs, source_text
from studyapp.facts.loading import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS
from tests.conftest import SOURCES_DIR

PARAGRAPH = ("Victor Serge was born in Brussels on 30 December 1890. In 1919 he reached Petrograd, where Grigory "
             "Zinoviev ran the Comintern. From 1933 to 1936 he was deported to Orenburg with his son Vlady. "
             "Dr. Jean-Richard Bloch and Romain Rolland campaigned for him in the 1930s. "
             "He wrote “Midnight in the Century” and Birth of Our Power in May 1939.")
S1 = "Victor Serge was born in Brussels on 30 December 1890."
S2 = "In 1919 he reached Petrograd, where Grigory Zinoviev ran the Comintern."
S3 = "From 1933 to 1936 he was deported to Orenburg with his son Vlady."
S4 = "Dr. Jean-Richard Bloch and Romain Rolland campaigned for him in the 1930s."
S5 = "He wrote “Midnight in the Century” and Birth of Our Power in May 1939."


def rows(candidates, text):
    """(kind, text, quote, known, when) of each candidate, after checking it points into the text verbatim."""
    for c in candidates:
        assert text[c.start:c.start + len(c.text)] == c.text
        assert text[c.quote_start:c.quote_start + len(c.quote)] == c.quote and quote_occurs(c.quote, text)
        assert c.quote_start <= c.start and c.start + len(c.text) <= c.quote_start + len(c.quote)
        assert len(c.quote) <= MAX_QUOTE_CHARS and len(c.quote.split()) <= MAX_QUOTE_WORDS
    return [(c.kind, c.text, c.quote, c.known, c.when) for c in candidates]


def test_it_proposes_the_dates_people_and_titles_of_a_paragraph():
    candidates = suggest(PARAGRAPH, known_people=["Victor Serge", "Serge", "Vlady"],
                         known_works=["Birth of Our Power"])
    assert rows(candidates, PARAGRAPH) == [
        ("person", "Victor Serge", S1, "Victor Serge", None),
        ("event", "30 December 1890", S1, "", When("1890-12-30", "day")),
        ("event", "1919", S2, "", When("1919-01-01", "year")),
        ("person", "Grigory Zinoviev", S2, "", None),
        ("event", "1933 to 1936", S3, "", When("1933-01-01", "year", "1936-12-31")),
        ("person", "Vlady", S3, "Vlady", None),
        ("person", "Jean-Richard Bloch", S4, "", None),
        ("person", "Romain Rolland", S4, "", None),
        ("event", "1930s", S4, "", When("1930-01-01", "decade")),
        ("work", "Midnight in the Century", S5, "", None),
        ("work", "Birth of Our Power", S5, "Birth of Our Power", None),
        ("event", "May 1939", S5, "", When("1939-05-01", "month")),
    ]


def test_knowing_nothing_it_still_proposes_name_like_runs_and_marked_titles():
    assert [(c.kind, c.text, c.known) for c in suggest(PARAGRAPH) if c.kind != "event"] == [
        ("person", "Victor Serge", ""), ("person", "Grigory Zinoviev", ""), ("person", "Jean-Richard Bloch", ""),
        ("person", "Romain Rolland", ""), ("work", "Midnight in the Century", ""), ("work", "Birth of Our Power", "")]


def test_the_api_shape_is_kind_text_and_quote():
    assert [c.as_dict() for c in suggest("Serge died in Mexico in 1947.")] == [
        {"kind": "event", "text": "1947", "quote": "Serge died in Mexico in 1947."}]


@pytest.mark.parametrize(("sentence", "text", "when"), [
    ("He died on 17 November 1947 in Mexico.", "17 November 1947", When("1947-11-17", "day")),
    ("He died on November 17, 1947, in Mexico.", "November 17, 1947", When("1947-11-17", "day")),
    ("He died on 17th Nov. 1947 in Mexico.", "17th Nov. 1947", When("1947-11-17", "day")),
    ("He arrived in January 1919 in Petrograd.", "January 1919", When("1919-01-01", "month")),
    ("He arrived in January, 1919 in Petrograd.", "January, 1919", When("1919-01-01", "month")),
    ("He was jailed in 1912.", "1912", When("1912-01-01", "year")),
    ("He lived there 1919-1920 with them.", "1919-1920", When("1919-01-01", "year", "1920-12-31")),
    ("He lived there 1927–28 with them.", "1927–28", When("1927-01-01", "year", "1928-12-31")),
    ("He lived there between 1927 and 1928.", "1927 and 1928", When("1927-01-01", "year", "1928-12-31")),
    ("They ruled from November until July 1918.", "November until July 1918",
     When("1917-11-01", "month", "1918-07-31")),
    ("They ruled from March 1921 to June 1923.", "March 1921 to June 1923",
     When("1921-03-01", "month", "1923-06-30")),
    ("The purges of the 1930’s were worse.", "1930’s", When("1930-01-01", "decade")),
    ("In the late 1930s he broke with Trotsky.", "late 1930s", When("1930-01-01", "decade")),
    ("In the mid-1920s he joined it.", "mid-1920s", When("1920-01-01", "decade")),
])
def test_it_reads_each_form_of_date_at_its_precision(sentence, text, when):
    assert [(c.text, c.when) for c in suggest(sentence)] == [(text, when)]


@pytest.mark.parametrize("sentence", [
    "It sold 1,500 copies and 12000 more.",  # numbers that are no year
    "See page 123 and the 3rd edition.",
    "It cost 1500.50 francs.",
    "He died on 31 February 1947.",  # no such day: no candidate rather than a wrong one
    "It ran 1936-1930 in reverse.",
])
def test_it_proposes_no_date_where_there_is_none(sentence):
    assert [c.text for c in suggest(sentence) if c.kind == "event"] == []


def test_two_years_joined_by_and_are_two_dates_not_a_span():
    assert [(c.text, c.when) for c in suggest("He was in Paris in 1917 and 1918.")] == [
        ("1917", When("1917-01-01", "year")), ("1918", When("1918-01-01", "year"))]


def test_it_matches_known_names_through_possessives_and_proposes_each_person_once():
    text = "Trotsky’s answer came late. Leon Trotsky wrote back. Then Trotsky's son died."
    assert [(c.text, c.known, c.quote) for c in suggest(text, known_people=["Leon Trotsky", "Trotsky"])] == [
        ("Trotsky", "Trotsky", "Trotsky’s answer came late."),
        ("Leon Trotsky", "Leon Trotsky", "Leon Trotsky wrote back.")]


def test_it_matches_a_known_name_whatever_its_accents_and_case_but_never_a_lower_case_word():
    text = "He met Natalia Sedova and NATALIA SEDOVA again. The natalia sedova rose grew."
    assert [(c.text, c.known) for c in suggest(text, known_people=["Natália Sedova"])] == [
        ("Natalia Sedova", "Natália Sedova")]


@pytest.mark.parametrize(("sentence", "names"), [
    ("However Boris Souvarine left.", ["Boris Souvarine"]),  # a sentence's first word is not part of the name
    ("The Communist Party of France expelled him.", []),  # a body, not a person
    ("In the Soviet Union and New York it sold.", []),
    ("He saw Charles de Gaulle.", ["Charles de Gaulle"]),
    ("V. Serge and J. Edgar Hoover met.", ["V. Serge", "J. Edgar Hoover"]),
    ("The NKVD Chief spoke.", []),
    ("It was Monday March Fourth.", []),
])
def test_it_reads_a_capitalised_run_as_a_person_only_when_it_looks_like_a_name(sentence, names):
    assert [c.text for c in suggest(sentence) if c.kind == "person"] == names


@pytest.mark.parametrize(("text", "titles"), [
    ("He wrote “Men in Prison” in jail.", ["Men in Prison"]),
    ("He wrote \"Conquered City\", then slept.", ["Conquered City"]),
    ("He cited ‘Kommunist’ often.", ["Kommunist"]),
    ("He said “there is no alternative” twice.", []),  # lower case: a phrase, not a title
    ("He said “There is no alternative” twice.", []),  # most long words lower case
    ("She read “Stalinism versus Bolshevism,” a pamphlet.", ["Stalinism versus Bolshevism"]),
    ("He said “Go home.” and left.", []),  # a quoted sentence
    ("He wrote The Case of Comrade Tulayev late.", ["The Case of Comrade Tulayev"]),
    ("In Memoirs of a Revolutionary he tells it.", ["Memoirs of a Revolutionary"]),
    ("On the Importance of History, a chapter.", ["Importance of History"]),  # never from a lower-case word
    ("He hated Stalin and Trotsky alike.", []),  # two names joined by "and"
    ("He hated Stalin and the Bolsheviks alike.", []),  # no preposition: no title
    ("Yudenich in October was near.", []),  # a month breaks a title
])
def test_it_proposes_titles_the_text_marks_or_writes_in_title_case(text, titles):
    assert [c.text for c in suggest(text) if c.kind == "work"] == titles


def test_it_proposes_the_italics_of_markdown_as_titles():
    source = source_text(b"Serge wrote *Conquered City* and _the_ *Notebooks* in *exile, far away*.",
                         fmt=format_for("notes.md"))
    assert [(c.text, c.quote) for c in suggest(source.text, italics=source.italics)] == [
        ("Conquered City", "Serge wrote Conquered City and the Notebooks in exile, far away."),
        ("Notebooks", "Serge wrote Conquered City and the Notebooks in exile, far away.")]


def test_it_splits_sentences_but_not_after_abbreviations_initials_or_inside_a_line():
    text = "Dr. V. Serge met Mr. Smith (ed. 1951). Then “Why?” he asked. Next\nline 2. and more.\n\nLast"
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "Dr. V. Serge met Mr. Smith (ed. 1951).", "Then “Why?” he asked.", "Next", "line 2. and more.", "Last"]


def test_a_long_sentence_gives_the_words_around_the_match_within_the_quote_limits():
    words = [f"w{i}" for i in range(60)]
    text = " ".join(words[:50]) + " in 1921 " + " ".join(words[50:]) + "."
    [candidate] = suggest(text)
    assert candidate.text == "1921"
    assert candidate.quote == " ".join(words[22:50]) + " in 1921 " + " ".join(words[50:]) + "."
    assert len(candidate.quote.split()) == MAX_QUOTE_WORDS


def test_a_quote_never_runs_past_the_quote_character_limit():
    text = ("x" * 150 + " ") * 2 + "in 1921 " + ("y" * 150 + " ") * 2 + "end."
    [candidate] = suggest(text)
    assert candidate.quote == "x" * 150 + " in 1921 " + "y" * 150
    assert len(candidate.quote) <= MAX_QUOTE_CHARS


def test_the_same_date_in_two_sentences_is_two_candidates():
    text = "He was jailed in 1912. He was freed in 1917. He wrote it in 1912."
    assert [(c.text, c.quote) for c in suggest(text)] == [
        ("1912", "He was jailed in 1912."), ("1917", "He was freed in 1917."), ("1912", "He wrote it in 1912.")]


def test_an_empty_text_has_no_candidates():
    assert suggest("") == []


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="needs ../shared/sources")
@pytest.mark.parametrize("name", sorted(path.name for path in SOURCES_DIR.glob("*.txt")) if SOURCES_DIR.is_dir()
                         else ["none"])
def test_every_candidate_in_a_real_source_quotes_it_verbatim(name):
    text = (SOURCES_DIR / name).read_text(encoding="utf-8")
    candidates = suggest(text, known_people=["Victor Serge", "Serge", "Leon Trotsky", "Trotsky"])
    assert candidates and all(isinstance(c, Candidate) for c in candidates)
    rows(candidates, text)
