"""Grading: lenient for typed answers, exact for choices. Pure functions; every verdict explains itself.

Typed answers forgive what a reader would forgive: case, accents, punctuation, spacing, a leading
article, an alias, another romanisation ("Trotskii"), numbers written as words or Roman numerals ("Year 1",
"Alexander 2"), a date written another way ("Jan. 1919", "1/1919", "c. 1931"), a person's initials or
given names the sources do not give ("V. Serge", "Joseph Stalin"), "surname, given name", a distinctive
short title ("Comrade Tulayev"), and a small typo in proportion to the answer's length. They never forgive
a different number (1918 is not 1919, Alexander III is not Alexander II), a given name alone, a changed
letter in a short name ("Verge" is not "Serge"), nor an answer that is the name of something else in the
base. typed_solution() decides, from the card and the base, what a typed question accepts; grade_typed()
judges one answer against it.
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Indel, Levenshtein
from text_to_num import alpha2digit

from studyapp.cards.generation import MONTHS
from studyapp.cards.text import FUNCTION_WORDS, fold

ARTICLES = ("the", "a", "an", "le", "la", "les", "l", "un", "une", "el", "los", "las", "der", "die", "das")
LONGEST_TYPED = 300  # characters: no accepted answer is nearly this long, so a longer one is not read leniently


@dataclass(frozen=True)
class Verdict:
    correct: bool
    reason: str


class InvalidAnswer(ValueError):
    """The answer has the wrong shape for the question (not one of its options, not a full order)."""


# --- what is compared ----------------------------------------------------------------------------

def _roman(n: int) -> str:
    tens, units = divmod(n, 10)
    return "X" * tens + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[units]


ROMAN = {_roman(n): n for n in range(1, 40)}
# A Roman numeral after a name, at the end or before "of": a regnal or ordinal number ("Alexander II",
# "Year I of ..."), never an initial ("V. I. Lenin") nor a pronoun ("What I Saw").
REGNAL = re.compile(r"(?<=[^\W\d_]{2})(\s+)([IVXivx]+)(?=\s*$|\s+of\b|\s*[,;:()])")
ELIDED_ARTICLE = re.compile(r"^\s*[LlDd]\s*[’'`´]\s*(?=\w)")  # "L’Anarchie": the article is "L’"
INITIAL = re.compile(r"^\s*\w\.")  # "A. Ruhle": a leading "A." is an initial, not an article
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                "eighties": 8, "nineties": 9}
# One spelling for the usual romanisations of Russian names: Trotskii/Trotskij/Trotski/Trotzky are Trotsky,
# Belyi is Bely, Natalya is Natalia. Applied to both sides, so it only ever merges spellings.
SPELLINGS = (
    (re.compile(r"tzk"), "tsk"),
    (re.compile(r"(?<=\w\w)(?:ii|iy|ij|yi|yj)$"), "y"),
    (re.compile(r"(?<=k)i$"), "y"),
    (re.compile(r"(?<=\w\w)ya$"), "ia"),
)


def _regnal(match) -> str:
    number = ROMAN.get(match.group(2).upper())
    return f"{match.group(1)}{number}" if number else match.group(0)


def _digits(folded: str) -> str:
    """Numbers written as words become digits: "year one" → "year 1", "nineteen nineteen" → "1919",
    "the nineteen thirties" → "1930s", "the second" → "2"."""
    if not re.search(r"[a-z]", folded):
        return folded
    converted = alpha2digit(folded, "en", threshold=0)
    if not re.search(r"\d", folded):  # every number was spelled out, so "nineteen nineteen" is read as a year
        converted = re.sub(r"\b(1\d|20) (\d\d)\b", r"\1\2", converted)
        converted = re.sub(rf"\b(1\d|20) ({'|'.join(DECADE_WORDS)})\b",
                           lambda m: f"{m.group(1)}{DECADE_WORDS[m.group(2)]}0s", converted)
    converted = re.sub(r"\bthe (\d+)(?:st|nd|rd|th)\b", r"\1", converted)
    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", converted)


def _spelling(word: str) -> str:
    for pattern, replacement in SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


@functools.lru_cache(maxsize=4096)  # the base's names are normalised again for every answer graded
def normalize(text, *, spellings=True) -> str:
    """What is compared: folded text, numbers as digits, one romanisation, no leading article;
    "1920's" and "1920 s" become "1920s"."""
    text = re.sub(r"(\d{3}0)\s*['’]?\s*s\b", r"\1s", str(text))
    text = ELIDED_ARTICLE.sub("", text)
    text = REGNAL.sub(_regnal, text)
    words = [_spelling(w) if spellings else w for w in _digits(fold(text)).split()]
    if len(words) > 1 and words[0] in ARTICLES and not INITIAL.match(text):
        words = words[1:]
    return " ".join(words)


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+s?", text)


def typo_allowance(length: int) -> int:
    """Edits forgiven for an answer of this many characters: none for short words, more for long titles."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 16:
        return 2
    return min(length // 8, 5)


@dataclass(frozen=True)
class Typo:
    distance: int
    swapped: bool  # two neighbouring letters swapped (one edit, as rapidfuzz's OSA distance counts it)
    changed: bool  # a letter replaced in a word of 5-8 characters: often another name, so not forgiven


def typo(typed: str, target: str) -> Typo | None:
    """How `typed` differs from `target` if it is within the typo allowance of the target's length."""
    allowed = typo_allowance(len(target))
    if not allowed:
        return None
    distance = OSA.distance(typed, target, score_cutoff=allowed)
    if distance > allowed:
        return None
    swapped = Levenshtein.distance(typed, target) > distance
    # "Verge" for "Serge", "Serve" for "Serge": one changed letter in a short name makes another word, while a
    # swapped, missing or doubled letter keeps the name recognisable.
    changed = allowed == 1 and not swapped and Indel.distance(typed, target) > distance
    return Typo(distance, swapped, changed)


def _typo_words(found: Typo) -> str:
    if found.swapped and found.distance == 1:
        return "two letters swapped"
    return f"{found.distance} letter{'s' if found.distance > 1 else ''}"


# --- dates ---------------------------------------------------------------------------------------

MONTH_NUMBERS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
MONTH = rf"({'|'.join(sorted(MONTH_NUMBERS, key=len, reverse=True))})\.?"
YEAR = r"(\d{4})"
TO = r"\s*(?:-|–|—|/|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b)\s*"
FILLERS = re.compile(r"^(?:(?:in|on|around|about|circa|ca|c|approx|approximately|during|the year|year|the|ad)"
                     r"(?:\.\s*|\s+))+")
ENDINGS = re.compile(r"(?:\s+(?:ad|ce))?\s*[.!?]*$")


def _month_day(year, month, day=None):
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    return ("day", int(year), int(month), int(day)) if day else ("month", int(year), int(month))


def _short_end(year, end):
    """"1930–33": the end written with two digits, in the start's century, after the start."""
    full = int(year) // 100 * 100 + int(end)
    return ("span", int(year), full) if full > int(year) else None


# Each pattern must match the whole (cleaned) answer; each reading says what the match means. A typed "1905-11"
# may be November 1905 or 1905 to 1911; an accepted form is read one way only (strict): the formats of
# cards.generation.date_forms.
DATE_PATTERNS = (
    (rf"{YEAR}", lambda m, strict: {("year", int(m[1]))}),
    (r"(\d{3}0)s", lambda m, strict: {("decade", int(m[1]))}),
    (rf"{MONTH}[\s,]*(?:of\s+)?{YEAR}", lambda m, strict: {_month_day(m[2], MONTH_NUMBERS[m[1]])}),
    (rf"(\d{{1,2}})\s*[/.-]\s*{YEAR}", lambda m, strict: {_month_day(m[2], m[1])}),
    (rf"{YEAR}\s*-\s*(\d{{1,2}})", lambda m, strict: {_month_day(m[1], m[2])} | (
        set() if strict or len(m[2]) < 2 else {_short_end(m[1], m[2])})),
    (rf"{YEAR}\s*[–—]\s*(\d\d)", lambda m, strict: {_short_end(m[1], m[2])}),
    (rf"(?:from\s+|between\s+)?{YEAR}{TO}{YEAR}",
     lambda m, strict: {("span", int(m[1]), int(m[2]))} if int(m[2]) > int(m[1]) else set()),
    (rf"(?:from\s+|between\s+)?{YEAR}{TO}(\d\d)", lambda m, strict: set() if strict else {_short_end(m[1], m[2])}),
    (rf"(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?{MONTH}[\s,]*{YEAR}",
     lambda m, strict: {_month_day(m[3], MONTH_NUMBERS[m[2]], m[1])}),
    (rf"{MONTH}\s*(\d{{1,2}})(?:st|nd|rd|th)?[\s,]+{YEAR}",
     lambda m, strict: {_month_day(m[3], MONTH_NUMBERS[m[1]], m[2])}),
    (rf"{YEAR}-(\d\d)-(\d\d)", lambda m, strict: {_month_day(m[1], m[2], m[3])}),
    (rf"(\d{{1,2}})\s*[/.]\s*(\d{{1,2}})\s*[/.]\s*{YEAR}",
     lambda m, strict: set() if strict else {_month_day(m[3], m[2], m[1]), _month_day(m[3], m[1], m[2])}),
    (rf"{MONTH}{TO}{MONTH}[\s,]*{YEAR}", lambda m, strict: {
        ("months", int(m[3]), MONTH_NUMBERS[m[1]], MONTH_NUMBERS[m[2]])}),
)
DATE_PATTERNS = tuple((re.compile(pattern), read) for pattern, read in DATE_PATTERNS)


def date_readings(text, *, strict=False) -> set[tuple]:
    """What a text means as a date, if it is nothing but a date: {("year", 1931)}, {("month", 1919, 1)},
    {("day", 1921, 3, 5)}, {("decade", 1930)}, {("span", 1933, 1936)}, {("months", 1921, 3, 4)}; else empty.

    Forgives words around the date ("in", "c.", "AD"), month abbreviations and numbers as words."""
    text = fold_accents(str(text)).strip()
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "thirty-one", "nineteen-nineteen"
    text = re.sub(r"\ba\.\s?d\.?(?=\s|$)", "ad", text)
    text = re.sub(r"(\d{3}0)\s*['’]?\s*s\b", r"\1s", text)
    if re.search(r"[a-z]", text):
        text = _digits(text)
    text = ENDINGS.sub("", FILLERS.sub("", " ".join(text.split())))
    found = set()
    for pattern, read in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            found |= read(match, strict)
    return {r for r in found if r is not None and 1000 <= r[1] <= 2100}


def fold_accents(text: str) -> str:
    """Case and accents folded, punctuation kept (dates need their separators)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def _date_gap(typed, wanted) -> str | None:
    """Why a typed date is not an accepted one, when the two are close: the same date at another precision, a span
    against a date in it, another month of the same year."""
    kind, want = typed[0], wanted[0]
    if want in ("month", "day") and kind == "year" and typed[1] == wanted[1]:
        return f"the {want} is asked too"
    if want == "day" and kind == "month" and typed[1:] == wanted[1:3]:
        return "the day is asked too"
    if want == "year" and kind in ("month", "day", "months") and typed[1] == wanted[1]:
        return f"the sources give {wanted[1]} without a month"
    if want == "month" and kind == "day" and typed[1:3] == wanted[1:]:
        return f"the sources give {MONTHS[wanted[2] - 1]} {wanted[1]} without a day"
    if want == "year" and kind == "decade" and typed[1] <= wanted[1] < typed[1] + 10:
        return "the year is asked, not the decade"
    if want == "decade" and kind == "year" and wanted[1] <= typed[1] < wanted[1] + 10:
        return f"the decade is asked (“{wanted[1]}s”), not a year"
    if want == "span" and kind in ("year", "month", "day") and wanted[1] <= typed[1] <= wanted[2]:
        return "both ends are asked (from when to when)"
    if kind == "span" and want in ("year", "month", "day") and typed[1] <= wanted[1] <= typed[2]:
        return "one date is asked, not a span"
    if kind == want and kind in ("month", "day") and typed[1] == wanted[1]:
        return "a different month" if typed[2] != wanted[2] else "a different day"
    return None


def _grade_date(given, forms, expected) -> Verdict | None:
    typed = date_readings(given)
    wanted = [(reading, form) for form in forms for reading in date_readings(form.text, strict=True)]
    if not typed or not wanted:
        return None
    for reading, form in wanted:
        if reading in typed:
            return _accepted(form, expected)
    if any(w[0] == "year" for w, _ in wanted):  # the question takes a year: the year of a dated version is right
        for reading, form in wanted:
            if reading[0] in ("month", "day") and ("year", reading[1]) in typed:
                return Verdict(True, f"Accepted: {reading[1]} is the year of “{form.original}”, and one source "
                                     f"gives only a year for this.")
    gaps = [gap for t in sorted(typed) for w, _ in wanted if (gap := _date_gap(t, w))]
    return Verdict(False, f"Not accepted: {gaps[0] if gaps else 'numbers must match exactly'}; "
                          f"expected “{expected}”.")


# --- names ---------------------------------------------------------------------------------------

# "Chiang Kai-shek": a Wade-Giles given name (hyphenated, lower case after the hyphen) follows the family name.
FAMILY_NAME_FIRST = re.compile(r"[A-Z][a-z]+-[a-z]+")


@dataclass(frozen=True)
class Name:
    """A person's canonical name, split: given names (normalised words) and the surname (normalised)."""

    full: str  # the canonical name as written
    given: tuple[str, ...]
    given_text: str  # as written in the canonical name
    surname: str
    surname_text: str


def parse_name(name) -> Name | None:
    """Given names and surname of a canonical name; None for a regnal name ("Alexander II"), which is whole."""
    words = str(name).split()
    if not words or words[-1].upper() in ROMAN:
        return None
    if len(words) > 1 and FAMILY_NAME_FIRST.fullmatch(words[-1]):
        surname, given = words[:1], words[1:]
    else:
        start = len(words) - 1
        while start > 0 and words[start - 1].islower():  # "de Gaulle", "van Gogh"
            start -= 1
        surname, given = words[start:], words[:start]
    return Name(full=" ".join(words), given=tuple(" ".join(normalize(w) for w in given).split()),
                given_text=" ".join(given),
                surname=normalize(" ".join(surname)), surname_text=" ".join(surname))


def _given_only(norm: str, name: Name | None) -> bool:
    """A given name alone ("Victor", "Laurette"): not enough to name anyone."""
    words = norm.split()
    return bool(name and name.given and words and words == list(name.given[: len(words)]))


def _name_tokens(given: str, norm: str) -> list[str]:
    """The words of a typed name as typed (for feedback), aligned with its normalised words when possible."""
    typed = re.findall(r"\w+", re.sub(r"[’'`´]", "", given))
    return typed if len(typed) == len(norm.split()) else norm.split()


def _grade_name(given, text, answer, name: Name, expected, others) -> Verdict | None:
    """Initials, given names the sources do not give, and a wrong given name before the right surname
    (`text`: the answer with a surname put first moved back, `answer`: the same normalised)."""
    words, tokens = answer.split(), _name_tokens(text, answer)
    size = len(name.surname.split())
    if len(words) <= size:
        return None
    tail = " ".join(words[-size:])
    slip = None if tail == name.surname else typo(tail, name.surname)
    if tail != name.surname and (slip is None or slip.changed):
        return None
    rest, rest_tokens = words[:-size], tokens[:-size]
    initials, unchecked = False, []
    if name.given:
        first = rest[0]
        if len(first) == 1 and first == name.given[0][0]:
            initials = True
        elif first != name.given[0] and (typo(first, name.given[0]) is None or typo(first, name.given[0]).changed):
            return Verdict(False, f"Not accepted: the given name in the sources is {name.given_text.split()[0]}, "
                                  f"not “{rest_tokens[0]}”; expected “{expected}”.")
        remaining = list(name.given[1:])
        for word, token in zip(rest[1:], rest_tokens[1:], strict=True):
            if remaining and (word == remaining[0] or word == remaining[0][0]):
                initials = initials or len(word) == 1
                remaining.pop(0)
            else:
                unchecked.append(token)
    else:
        unchecked = rest_tokens
    if len(unchecked) > 2 or any(not re.fullmatch(r"[^\W\d_]+", t) for t in unchecked):
        return None
    for token in unchecked:  # "Lenin Stalin" is two people, not Stalin with a given name
        if normalize(token) in others:
            return Verdict(False, f"Not accepted: “{token}” is another name in the sources "
                                  f"({others[normalize(token)][1]}); expected “{expected}”.")
    reason = f"Accepted: “{given.strip()}” is {name.full}"
    if initials:
        reason += ", by initial and surname"
    if slip:
        reason += f" (with a small typo: {_typo_words(slip)})"
    if unchecked:
        listed = " and ".join(f"“{t}”" for t in unchecked)
        reason += f"; the sources do not give {listed}, so {'it was' if len(unchecked) == 1 else 'they were'} " \
                  f"not checked"
    return Verdict(True, reason + ".")


# --- one typed answer ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Form:
    """One accepted way of writing the answer: `text` as compared, `original` the accepted answer it comes from."""

    text: str
    original: str
    norm: str


def _forms(accepted, name) -> list[Form]:
    """Each accepted answer, and the parts of one that offers alternatives in brackets ("a periodical (journal or
    newspaper)" accepts "periodical", "journal" and "newspaper"); never a given name alone."""
    forms = []
    for original in accepted:
        texts = [original]
        bracket = re.fullmatch(r"(.+?)\s*\(([^()\d]+)\)\s*", original)
        if bracket and len(bracket.group(2).split()) <= 5:
            texts += [bracket.group(1), *re.split(r"\s*(?:,|\bor\b)\s*", bracket.group(2))]
        for text in texts:
            norm = normalize(text)
            if norm and not _given_only(norm, name):
                forms.append(Form(text, original, norm))
    return forms


def _accepted(form: Form, expected, given=None, compared=None) -> Verdict:
    """Which accepted answer the typed one matched, and how (`compared`: the typed answer as compared)."""
    if given is not None and normalize(compared, spellings=False) != normalize(form.text, spellings=False):
        also = "" if form.original == expected else f", also right for “{expected}”"
        return Verdict(True, f"Accepted: “{given.strip()}” is another spelling of “{form.text}”{also}.")
    if form.text != form.original:
        return Verdict(True, f"Accepted: matches “{form.text}” in “{form.original}”.")
    if form.original == expected:
        return Verdict(True, f"Accepted: matches “{expected}”.")
    return Verdict(True, f"Accepted: “{form.original}” is also right for “{expected}” (another name or version).")


def _surname_first(given: str) -> str:
    """"Trotsky, Leon" → "Leon Trotsky"."""
    parts = given.split(",")
    return f"{parts[1].strip()} {parts[0].strip()}" if len(parts) == 2 and all(p.strip() for p in parts) else given


def grade_typed(given: str, *, accepted, near_misses=(), person: str | None = None) -> Verdict:
    """Match a typed answer against every accepted answer; say which one matched and why, or why none did.

    `near_misses` are other names in the base (a list, or a mapping of each to whose name it is): typing one
    is never a typo. `person` is the canonical name when the answer is a person, for initials and given names.
    """
    expected = accepted[0] if accepted else ""
    if len(given) > LONGEST_TYPED:
        return Verdict(False, f"Not accepted: expected “{expected}”.")
    name = parse_name(person) if person else None
    text = _surname_first(given) if name else given
    answer = normalize(text)
    if not answer:
        return Verdict(False, f"No answer given; expected “{expected}”.")
    forms = _forms(accepted, name)
    owners = near_misses if isinstance(near_misses, dict) else {n: n for n in near_misses}
    others = {normalize(form): (form, owner) for form, owner in owners.items() if normalize(form)}

    for form in forms:
        if form.norm == answer and form.original == expected:
            return _accepted(form, expected, given, text)
    verdict = _grade_date(given, forms, expected)
    if verdict:
        return verdict
    for form in forms:
        if form.norm == answer:
            return _accepted(form, expected, given, text)
    if answer in others:
        form, owner = others[answer]
        if name and answer == name.surname:
            return Verdict(False, f"Not accepted: “{given.strip()}” alone could also mean {owner}; "
                                  f"expected “{expected}”.")
        whose = f" ({owner})" if owner != form else f" (“{form}”)" if fold(form) != fold(given) else ""
        return Verdict(False, f"Not accepted: “{given.strip()}” is another name in the sources{whose}, not this "
                              f"one; expected “{expected}”.")
    held = None  # why a name was refused: said only if no typo rule accepts the answer either
    if name:
        if _given_only(answer, name):
            return Verdict(False, f"Not accepted: “{given.strip()}” is only a given name; expected “{expected}”"
                                  f"{_also(forms, expected)}.")
        held = _grade_name(given, text, answer, name, expected, others)
        if held and held.correct:
            return held

    # Typos: numbers exact, letters within the allowance, and closer to an accepted answer than to anything else.
    number_mismatch, best, changed = False, None, None
    for form in forms:
        masked, target = re.sub(r"\d+s?", "#", answer), re.sub(r"\d+s?", "#", form.norm)
        found = Typo(0, False, False) if masked == target else typo(masked, target)
        if found is None:
            continue
        if numbers(form.norm) != numbers(answer):
            number_mismatch = True
        elif found.changed:
            changed = changed or form
        elif best is None or found.distance < best[0].distance:
            best = (found, form)
    if best:
        found, form = best
        rival = min(others, key=lambda other: OSA.distance(answer, other), default=None)
        if rival is not None and OSA.distance(answer, rival) <= found.distance:
            return Verdict(False, f"Not accepted: “{given.strip()}” is as close to “{others[rival][0]}” (another "
                                  f"name in the sources) as to “{form.text}”; expected “{expected}”.")
        target = form.original if form.original == expected else f"{form.original}” for “{expected}"
        return Verdict(True, f"Accepted with a small typo ({_typo_words(found)}): expected “{target}”.")
    if number_mismatch:
        return Verdict(False, f"Not accepted: numbers must match exactly; expected “{expected}”.")
    if held:
        return held
    if changed:
        return Verdict(False, f"Not accepted: “{given.strip()}” is not “{changed.text}”; a changed letter in an "
                              f"answer this short is not taken for a typo; expected “{expected}”.")
    return Verdict(False, f"Not accepted: expected “{expected}”{_also(forms, expected)}.")


def _also(forms, expected) -> str:
    others = list(dict.fromkeys(f.original for f in forms if f.original != expected
                                and f.norm != normalize(expected)))
    return f" (also accepted: {', '.join(f'“{a}”' for a in others[:4])})" if others else ""


# --- what a typed question accepts -----------------------------------------------------------------

PERSON_ANSWERS = {"person_reverse", "work_author"}
WORK_ANSWERS = {"work_reverse"}
WEAK_WORDS = FUNCTION_WORDS | set(ARTICLES)  # words that do not make a short title on their own


def _answer_fact(card, pool):
    """(the person, the work) a typed answer to this card names, if any."""
    if card.kind == "person_reverse" or (card.kind == "cloze" and card.fact_type == "person"):
        return pool.person.get(card.fact_key), None
    if card.kind == "work_author":
        work = pool.work.get(card.fact_key)
        if work is None or work.coauthors:
            return None, None
        return pool.person.get(work.author_key), None
    if card.kind in WORK_ANSWERS or (card.kind == "cloze" and card.fact_type == "work"):
        return None, pool.work.get(card.fact_key)
    return None, None


def person_forms(person) -> list[str]:
    """Every name of a person in the base: canonical name, aliases, and the surname of the canonical name."""
    name = parse_name(person.name)
    surname = [name.surname_text] if name and name.given else []
    return list(dict.fromkeys([person.name, *person.aliases, *surname]))


def own_surname(person, pool) -> str | None:
    """The surname of the canonical name, when nobody else in the base is called that ("Sejourne")."""
    name = parse_name(person.name)
    if not name or not name.given or len(name.surname) <= 2:
        return None
    owners = {p.key for p in pool.people
              if name.surname in {normalize(f) for f in person_forms(p)}}
    return name.surname_text if owners == {person.key} else None


def short_titles(work, pool) -> list[str]:
    """What follows "of" in a title, when it names this work alone ("Comrade Tulayev" for "The Case of Comrade
    Tulayev"): two meaningful words or more, at least half of the title's, found in no other title, name or
    event of the base ("Russian Revolution" is not "Year One of the Russian Revolution")."""
    words = work.title.split()
    meaningful = [w for w in fold(work.title).split() if w not in WEAK_WORDS]
    texts = [t for w in pool.works if w.key != work.key for t in (w.title, *w.aliases)]
    texts += [n for p in pool.people for n in (p.name, *p.aliases)] + [e.description for e in pool.events]
    elsewhere = f" {' | '.join(fold(t) for t in texts)} "
    found = []
    for start in range(1, len(words) - 1):
        if fold(words[start - 1]) != "of":
            continue
        rest = words[start + 1:] if fold(words[start]) in ARTICLES else words[start:]
        folded = fold(" ".join(rest)).split()
        kept = [w for w in folded if w not in WEAK_WORDS]
        if len(kept) >= 2 and 2 * len(kept) >= len(meaningful) and f" {' '.join(folded)} " not in elsewhere:
            found.append(" ".join(rest))
    return found


def _near_misses(accepted, person, work, pool) -> dict:
    """Every form of every other person (or work) in the base, with whose name it is: typing one is never a
    typo nor an extra given name, and says whom it names instead."""
    if person is not None:
        candidates = [(form, p.name) for p in pool.people if p.key != person.key for form in person_forms(p)]
    elif work is not None:
        candidates = [(form, w.title) for w in pool.works if w.key != work.key for form in (w.title, *w.aliases)]
    else:
        return {}
    mine = {normalize(a) for a in accepted}
    misses = {}
    for form, owner in candidates:
        if normalize(form) and normalize(form) not in mine:
            misses.setdefault(form, owner)
    return dict(sorted(misses.items()))


def typed_solution(card, pool) -> dict:
    """What grading needs for a typed question on `card` (pure; `pool` is the fact base as cards.distractors.Pool):

    - accepted: the main answer first, then the card's other accepted answers (aliases, sourced versions), a
      person's surname when it is theirs alone (from the canonical name only, never from an alias), and a work's
      distinctive short titles;
    - person: the canonical name when the answer is a person (initials, given names, "surname, given");
    - near_misses: other names in the base a typo away, each with whose name it is.
    """
    accepted = list(dict.fromkeys([card.accepted[0] if card.disputed else card.answer, *card.accepted]))
    person, work = _answer_fact(card, pool)
    solution = {"accepted": accepted}
    if person is not None:
        surname = own_surname(person, pool)
        if surname and normalize(surname) not in {normalize(a) for a in accepted}:
            accepted.append(surname)
        solution["person"] = person.name
    if work is not None:
        accepted += [t for t in short_titles(work, pool) if normalize(t) not in {normalize(a) for a in accepted}]
    solution["near_misses"] = _near_misses(accepted, person, work, pool)
    return solution


# --- choices and orders --------------------------------------------------------------------------

def grade_choice(given, *, options, correct) -> Verdict:
    """Multiple choice and true/false: the answer must be one of the options, compared exactly."""
    if not isinstance(given, str):
        raise InvalidAnswer("give one of the options as a string")
    by_fold = {fold(o): o for o in options}
    chosen = by_fold.get(fold(given))
    if chosen is None:
        raise InvalidAnswer(f"“{given}” is not one of the options")
    if chosen == correct:
        return Verdict(True, f"Right: “{correct}”.")
    return Verdict(False, f"Wrong: you chose “{chosen}”; the answer is “{correct}”.")


def grade_order(given, *, options, order) -> Verdict:
    """Order questions: a list of every option exactly once, earliest first."""
    if not isinstance(given, list) or not all(isinstance(item, str) for item in given):
        raise InvalidAnswer("give the options as a list, earliest first")
    by_fold = {fold(o): o for o in options}
    chosen = [by_fold.get(fold(item)) for item in given]
    if None in chosen or sorted(chosen) != sorted(options):
        raise InvalidAnswer(f"list each of the {len(options)} options exactly once")
    if chosen == list(order):
        return Verdict(True, "Right: that is the order in which they happened.")
    wrong = sum(1 for a, b in zip(chosen, order, strict=True) if a != b)
    return Verdict(False, f"Not quite: {wrong} of {len(order)} in the wrong place.")


def grade(kind: str, solution: dict, options, given) -> Verdict:
    """Grade any question kind from its stored solution."""
    if kind == "typed":
        if not isinstance(given, str):
            raise InvalidAnswer("type the answer as a string")
        return grade_typed(given, accepted=solution["accepted"], near_misses=solution.get("near_misses", ()),
                           person=solution.get("person"))
    if kind == "order":
        return grade_order(given, options=options, order=solution["order"])
    return grade_choice(given, options=options, correct=solution["correct"])
