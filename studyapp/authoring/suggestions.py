"""Candidate facts in a source's text, for an editor to accept, edit or reject (issue 21, "Suggestions").

Pure: a text (and its italic spans, from text.SourceText) and the names the collection already knows go in; a
list of `Candidate`s comes out, never written anywhere. Each candidate is
- an event: a date (a full date, a month and year, a span of years, a decade, a year), parsed to the start date,
  precision and end the fixtures use;
- a person: a known name or alias (the `known` names given), or a run of two or more capitalised words that
  reads like a name;
- a work: a known title or alias, or a title the markup or punctuation marks: italics, “quoted Title Case”;
and carries its sentence as the quote, verbatim from the text and within the fixtures' quote limits (a long
sentence gives the words around the match).
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from studyapp.facts.loading import MAX_QUOTE_CHARS, MAX_QUOTE_WORDS
from studyapp.facts.models import Precision
from studyapp.text import fold


class Kind:
    PERSON, WORK, EVENT = "person", "work", "event"


@dataclass(frozen=True)
class When:
    """A date as the fixtures give an event's: ISO start, precision, and the ISO last day of a span (or None)."""

    date: str
    precision: str
    end: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One proposed fact: its kind, the words in the text (`start` is their offset), the quote, and what is known.

    `known` is the known name or title the text matched (as given), "" for a new one; `when` is set for events."""

    kind: str
    text: str
    quote: str
    start: int
    quote_start: int
    known: str = ""
    when: When | None = None

    def as_dict(self) -> dict:
        """The API's shape: {kind, text, quote}."""
        return {"kind": self.kind, "text": self.text, "quote": self.quote}


def suggest(text, *, italics=(), known_people=(), known_works=()) -> list[Candidate]:
    """Every candidate in a text, in the order of the text: each date, and each person and work once (first seen)."""
    sentences = sentence_spans(text)
    found = dates(text) + titles(text, italics, known_works) + people(text, known_people)
    candidates, seen = [], set()
    for kind, start, end, known, when in sorted(found, key=lambda row: (row[1], row[2])):
        quote_start, quote_end = quote_span(text, sentences, start, end)
        words = text[start:end]
        identity = (kind, fold(known or words)) if kind != Kind.EVENT else (kind, words, quote_start)
        if identity in seen:
            continue
        seen.add(identity)
        candidates.append(Candidate(kind, words, text[quote_start:quote_end], start, quote_start, known, when))
    return candidates


# ---- sentences and quotes -----------------------------------------------------------------------------------

# Words whose full stop ends no sentence: titles before names, and citation abbreviations.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mt", "prof", "gen", "col", "capt", "lt", "sgt", "rev", "vol",
                 "vols", "no", "nos", "pp", "p", "ed", "eds", "trans", "cf", "ca", "c", "vs", "jr", "sr", "fig"}
SENTENCE_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[]*[^\W_a-z])")


def sentence_spans(text) -> list[tuple[int, int]]:
    """(start, end) of each sentence: lines split always; a full stop splits before a capital or a digit, except
    after an abbreviation or an initial ("V. Serge")."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for end in SENTENCE_END.finditer(line.group()):
            before = re.search(r"(?<!\w)([^\W\d_]+)\W*$", line.group()[:end.start() + 1])
            word = before.group(1) if before else ""
            if end.group().startswith(".") and (word.lower() in ABBREVIATIONS or len(word) == 1):
                continue
            spans.append((start, line.start() + end.end()))
            start = line.start() + end.end()
        spans.append((start, line.end()))
    return [_strip(text, start, end) for start, end in spans if text[start:end].strip()]


def _strip(text, start, end):
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


def quote_span(text, sentences, start, end) -> tuple[int, int]:
    """The sentence(s) holding text[start:end], or the words around it when they exceed the quote limits."""
    first = next((s for s, e in sentences if s <= start < e), start)
    last = next((e for s, e in reversed(sentences) if s < end <= e), end)
    words = [(m.start() + first, m.end() + first) for m in re.finditer(r"\S+", text[first:last])]
    if len(words) <= MAX_QUOTE_WORDS and last - first <= MAX_QUOTE_CHARS:
        return first, last
    inside = [i for i, (s, e) in enumerate(words) if s < end and e > start]
    low, high = inside[0], inside[-1]
    grew = True
    while grew:  # one word on each side in turn, while the quote stays within both limits
        grew = False
        for step in (-1, 1):
            low2, high2 = (low - 1, high) if step < 0 else (low, high + 1)
            if 0 <= low2 and high2 < len(words) and high2 - low2 < MAX_QUOTE_WORDS and \
                    words[high2][1] - words[low2][0] <= MAX_QUOTE_CHARS:
                low, high, grew = low2, high2, True
    return words[low][0], words[high][1]


# ---- dates ----------------------------------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({"sept": 9, **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}})
_MONTH = r"(?:" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_DASH = r"\s?[-–—]\s?"
DATE = re.compile(rf"""(?<![\w,.])(?:
      (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s(?P<day_month>{_MONTH}),?\s(?P<day_year>{_YEAR})
    | (?P<mday_month>{_MONTH})\s(?P<mday>\d{{1,2}})(?:st|nd|rd|th)?,\s(?P<mday_year>{_YEAR})
    | (?:(?P<from>[Ff]rom|[Bb]etween)\s)?
      (?:(?P<span_month>{_MONTH})(?:\s(?P<span_year>{_YEAR}))?|(?P<span_first>{_YEAR}))
      (?P<to>{_DASH}|\s(?:to|and|until)\s)(?:(?P<span_end_month>{_MONTH})\s)?(?P<span_end>{_YEAR}|\d{{2}}(?!\d))
    | (?P<month>{_MONTH}),?\s(?P<month_year>{_YEAR})
    | (?P<decade>(?:(?:early|mid|late)[-\s])?(?:1[0-9]{{2}}|20[0-9])0)[’']?s
    | (?P<year>{_YEAR})
)(?![\w-]|[.,]\d)""", re.VERBOSE)


def _month(name):
    return MONTHS[name.rstrip(".").lower()]


def _last_day(year, month=12):
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def when_of(match) -> When | None:
    """The date a DATE match states, at its precision; None for an impossible one (31 February, a span ending
    before it starts)."""
    g = match.groupdict()
    try:
        if g["day"]:
            return When(dt.date(int(g["day_year"]), _month(g["day_month"]), int(g["day"])).isoformat(), Precision.DAY)
        if g["mday"]:
            return When(dt.date(int(g["mday_year"]), _month(g["mday_month"]), int(g["mday"])).isoformat(),
                        Precision.DAY)
    except ValueError:
        return None
    if g["span_end"]:
        if g["span_first"] or g["span_year"]:
            start = int(g["span_first"] or g["span_year"])
            end = int(g["span_end"]) if len(g["span_end"]) == 4 else start // 100 * 100 + int(g["span_end"])
        elif g["span_end_month"] and len(g["span_end"]) == 4:  # "from November until July 1918": the November before
            end = int(g["span_end"])
            start = end - (_month(g["span_month"]) > _month(g["span_end_month"]))
        else:
            return None
        begin = dt.date(start, _month(g["span_month"]) if g["span_month"] else 1, 1)
        last = _last_day(end, _month(g["span_end_month"])) if g["span_end_month"] else _last_day(end)
        if last <= begin or end - start > 100:
            return None
        precision = Precision.MONTH if g["span_month"] else Precision.YEAR
        return When(begin.isoformat(), precision, last.isoformat())
    if g["month"]:
        return When(dt.date(int(g["month_year"]), _month(g["month"]), 1).isoformat(), Precision.MONTH)
    if g["decade"]:
        return When(f"{re.search(r'[0-9]{4}', g['decade']).group()}-01-01", Precision.DECADE)
    return When(f"{g['year']}-01-01", Precision.YEAR)


def dates(text):
    """(kind, start, end, known, when) of each date in a text."""
    found = []
    for match in DATE.finditer(text):
        when = when_of(match)
        # "from" is not part of the date
        start = match.start("span_month" if match.group("span_month") else "span_first") if match.group("from") \
            else match.start()
        if match.group("to") == " and " and (match.group("from") or "").lower() != "between":
            # "in 1917 and 1918": two years, not a span
            found.extend((Kind.EVENT, match.start() + year.start(), match.start() + year.end(), "",
                          When(f"{year.group()}-01-01", Precision.YEAR)) for year in re.finditer(_YEAR, match.group()))
        elif when is not None:
            found.append((Kind.EVENT, start, match.end(), "", when))
    return found


# ---- names: people and works ----------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")
POSSESSIVE = re.compile(r"[’']s$")
# Lower-case words inside a name ("Charles de Gaulle") and inside a title ("Midnight in the Century").
PARTICLES = {"de", "da", "del", "della", "der", "di", "du", "la", "le", "van", "von", "y", "al", "bin", "ibn"}
CONNECTORS = {"of", "the", "in", "a", "an", "and", "to", "for", "on", "at", "without", "contra", "versus", "from",
              "with", "by", "against", "into", "under", "or"}
ARTICLES = {"the", "a", "an"}
COORDINATORS = ARTICLES | {"and", "or"}  # an unmarked title needs a preposition: "Stalin and the Bolsheviks" is none
# A run of capitalised words that begins with one of these is read from the next word: they are capitalised
# because a sentence or a heading starts with them, not because they are names.
LEADING = {"a", "an", "the", "in", "on", "at", "as", "by", "for", "from", "of", "to", "with", "and", "but", "or",
           "if", "when", "while", "after", "before", "since", "during", "however", "thus", "then", "so", "yet",
           "this", "that", "these", "those", "his", "her", "their", "its", "our", "my", "your", "it", "he", "she",
           "they", "we", "i", "there", "here", "what", "who", "why", "how", "where", "although", "though",
           "moreover", "meanwhile", "indeed", "later", "both", "each", "every", "all", "some", "no", "not", "one",
           "see", "reading", "nevertheless", "apparently", "whatever", "was", "were", "is", "are", "near",
           "mr", "mrs", "ms", "dr", "comrade", "general", "tsar", "czar", "president", "leader", "chairman"}
# A run holding one of these names a body, a place or a thing: a person's name holds none of them.
NOT_A_PERSON = {"revolution", "revolutionary", "party", "union", "international", "opposition", "army", "republic",
                "congress", "committee", "church", "university", "press", "war", "state", "states", "soviet",
                "soviets", "communist", "communists", "socialist", "socialists", "bolshevik", "bolsheviks",
                "russian", "russia", "french", "france", "german", "germany", "spanish", "spain", "mexico",
                "mexican", "european", "europeans", "europe", "american", "america", "british", "english", "league",
                "front", "government", "council", "trial", "trials", "purge", "purges", "movement", "guard",
                "guards", "review", "reviews", "books", "book", "street", "city", "island", "sea", "river",
                "left", "right", "centre", "center", "new", "york", "paris", "moscow", "petrograd", "leningrad",
                "brussels", "berlin", "vienna", "empire", "kingdom", "institute", "society", "group", "faction",
                "commission", "cheka", "gpu", "nkvd", "comintern", "politburo", "bureau", "plan", "policy",
                "theses", "memoirs", "history", "appendix", "chapter", "introduction", "preface", "note", "notes",
                "edition", "editions", "translation", "library", "archive", "archives", "collection", "series",
                "year", "years", "question", "license", "museum"}
NOT_A_PERSON |= set(MONTHS) | {day.lower() for day in calendar.day_name}
MIN_TITLE_WORDS, MAX_TITLE_WORDS = 3, 12  # an unmarked title has a connector between capitalised words


def _capitalised(word):
    return word[:1].isupper()


def _tokens(text):
    """(start, end, word) of each word; a possessive ’s is not part of the word."""
    tokens = []
    for match in WORD.finditer(text):
        word = POSSESSIVE.sub("", match.group())
        tokens.append((match.start(), match.start() + len(word), word))
    return tokens


def _gap(text, tokens, k):
    return text[tokens[k][1]:tokens[k + 1][0]]


def _joined(text, tokens, i, j, *, loose=False):
    """Whether tokens[i..j] are one phrase: a space or a hyphen between them, or an initial's full stop ("V.
    Serge"); `loose` also lets a known title through a possessive or a colon ("Notebooks: 1936-1947")."""
    for k in range(i, j):
        gap = _gap(text, tokens, k)
        if not (re.fullmatch(r"[ \u00a0]|-", gap) or (re.fullmatch(r"\.[ \u00a0]", gap) and len(tokens[k][2]) == 1)
                or (loose and re.fullmatch(r"(?:[’']s)?[:,]?[ \u00a0]|[–—]", gap))):
            return False
    return True


def _index(names):
    """Known names by their folded form (the first spelling given wins), and the longest length in words."""
    index = {}
    for name in names:
        index.setdefault(fold(name), name)
    return index, max((len(key.split()) for key in index if key), default=0)


def known_names(text, tokens, names, taken):
    """(start, end, known name) of each phrase starting with a capital whose fold is a known name, longest first;
    the words used are added to `taken`."""
    index, longest = _index(names)
    found = []
    for i in range(len(tokens)):
        if i in taken or not _capitalised(tokens[i][2]):
            continue
        for j in range(min(i + longest, len(tokens)) - 1, i - 1, -1):
            last = tokens[j][2]
            if any(k in taken for k in range(i, j + 1)) or not (_capitalised(last) or last[:1].isdigit()) \
                    or not _joined(text, tokens, i, j, loose=True):
                continue
            name = index.get(fold(text[tokens[i][0]:tokens[j][1]]))
            if name:
                found.append((tokens[i][0], tokens[j][1], name))
                taken.update(range(i, j + 1))
                break
    return found


def _runs(text, tokens, joiners, breakers=frozenset()):
    """(first, last) token of each maximal run of capitalised words, lower-case `joiners` allowed between them;
    a word in `breakers` (folded) is in no run."""
    def capitalised(k):
        return _capitalised(tokens[k][2]) and tokens[k][2].lower() not in breakers

    i = 0
    while i < len(tokens):
        if not capitalised(i):
            i += 1
            continue
        j = i
        while True:
            k = j + 1
            while k < len(tokens) and tokens[k][2] in joiners:
                k += 1
            if k < len(tokens) and capitalised(k) and _joined(text, tokens, j, k):
                j = k
            else:
                break
        yield i, j
        i = j + 1


def people(text, known=()):
    """(kind, start, end, known, None) of each known person's name or alias, and of each new name-like run: two
    or more capitalised words, none of them a body, place or thing, an acronym or a number."""
    tokens = _tokens(text)
    taken = set()
    found = [(Kind.PERSON, start, end, name, None) for start, end, name in known_names(text, tokens, known, taken)]
    for i, j in _runs(text, tokens, PARTICLES):
        run = list(range(i, j + 1))
        while run and tokens[run[0]][2].lower() in LEADING:
            run.pop(0)
        words = [tokens[k][2] for k in run]
        if len(run) >= 2 and not set(run) & taken and not any(
                word.lower() in NOT_A_PERSON or (word.isupper() and len(word) > 1) for word in words):
            found.append((Kind.PERSON, tokens[run[0]][0], tokens[run[-1]][1], "", None))
    return found


QUOTED = re.compile(r"(?<!\w)(?:“(?P<curly>[^”\n]{1,120})”|\"(?P<straight>[^\"\n]{1,120})\""
                    r"|‘(?P<single>[^’\n]{1,120})’(?!\w))")


def _title_case(words) -> bool:
    """A marked title: it starts with a capital, is not a quoted sentence, and most of its long words (four
    letters or more) are capitalised ("Stalinism versus Bolshevism", not "There is no alternative")."""
    long = [word for word in WORD.findall(words) if len(word) >= 4]
    return (_capitalised(words) and len(words.split()) <= MAX_TITLE_WORDS and not words.endswith(".")
            and (len(long) <= 1 or 2 * sum(map(_capitalised, long)) > len(long)))


def titles(text, italics=(), known=()):
    """(kind, start, end, known, None) of each known title, each title the text marks (italics, quotation marks),
    and each unmarked title-case phrase of three words or more joined by a preposition ("Birth of Our Power", but
    not "Stalin and the Bolsheviks")."""
    tokens = _tokens(text)
    index, _ = _index(known)
    found = [(Kind.WORK, start, end, name, None) for start, end, name in known_names(text, tokens, known, set())]
    marked = list(italics)
    for match in QUOTED.finditer(text):
        group = next(name for name in ("curly", "straight", "single") if match.group(name) is not None)
        marked.append((match.start(group), match.end(group)))
    for start, end in marked:
        words = text[start:end].strip().rstrip(",;:").strip()
        if words and _title_case(words):
            start = text.index(words, start)
            found.append((Kind.WORK, start, start + len(words), index.get(fold(words), ""), None))
    starts = {start for start, _ in sentence_spans(text)}
    for i, j in _runs(text, tokens, CONNECTORS, breakers=set(MONTHS)):
        while i < j and (tokens[i][2].lower() in LEADING - ARTICLES or not _capitalised(tokens[i][2])
                         or (tokens[i][0] in starts and re.search(r"(?:ing|ed)$", tokens[i][2]))):
            i += 1  # "Arriving in the Soviet Union": a sentence opening with a verb
        words = [token[2] for token in tokens[i:j + 1]]
        if MIN_TITLE_WORDS <= len(words) <= MAX_TITLE_WORDS and set(words[1:]) & (CONNECTORS - COORDINATORS):
            phrase = text[tokens[i][0]:tokens[j][1]]
            found.append((Kind.WORK, tokens[i][0], tokens[j][1], index.get(fold(phrase), ""), None))
    return found
