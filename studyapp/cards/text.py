"""Text tests shared by card generation, the card rules and quiz building. Pure functions.

Whether a prompt "contains" an answer is judged as a reader would: ignoring case, accents and
punctuation, on word boundaries, and with the plural or adjective of a kind word counting
("Memoirs of ..." gives away "memoir").
"""

import re

from studyapp.text import fold  # noqa: F401 - one fold for the whole app; card code imports it from here


def mentions(haystack, needle) -> bool:
    """Whether `needle` can be read in `haystack` (folded, word-bounded)."""
    needle = fold(needle)
    return bool(needle) and f" {needle} " in f" {fold(haystack)} "


def mentions_stem(haystack, stem) -> bool:
    """Whether a word of `haystack` starts with `stem` ("memoir" in "Memoirs", "histor" in "historical")."""
    stem = fold(stem)
    return bool(stem) and any(word.startswith(stem) for word in fold(haystack).split())


YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?:['’]?s)?(?!\d)")


def years_in(text) -> list[int]:
    """Four-digit years (and decades: "1930s" counts as 1930) written in a text."""
    return [int(m.group(1)) for m in YEAR.finditer(str(text))]


REFERENCE = re.compile(
    r"\bquoted in\b|\bibid\b|\bop\. cit\b|\bpp?\.\s*\d|\b\d{1,3}\s*[-–]\s*\d{1,3}\b"
    r"|\bvol\.|\bno\.\s*\d|\btranslated by\b|\bed\.\s|\b(?:Press|Books|Verso|Haymarket)\b"
    r"|^See\b|\(\w[\w ]*:\s|\b\d+ pages\b|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.\s*\d{4}",
    flags=re.IGNORECASE)


def looks_like_reference(quote) -> bool:
    """A footnote or bibliographic fragment ("..., 105-7, quoted in ...", "New International, July 1938"):
    nothing in it determines a blank."""
    if REFERENCE.search(quote):
        return True
    return quote.count(",") >= 3 and len(re.findall(r"\b(?:January|February|March|April|May|June|July|August|"
                                                    r"September|October|November|December|Jan|Feb|Oct|Nov|Dec)"
                                                    r"\b\.?\s*\d{4}", quote)) >= 1


def is_list(quote) -> bool:
    """A run of names or items separated by commas or semicolons (three items or more)."""
    items = re.split(r"\s*[;,]\s*|\s+and\s+", quote)
    capitalised = [item for item in items if item[:1].isupper() and len(item.split()) <= 4]
    return quote.count(";") >= 2 or len(capitalised) >= 3


def is_sentence(quote) -> bool:
    """A whole sentence: it starts with a capital (after any opening quote mark) and ends with a full stop,
    a question or exclamation mark (before any closing quote mark), and carries no footnote marker."""
    body = quote.strip().lstrip("“\"‘'(")
    end = quote.strip().rstrip("”\"’')")
    return bool(body[:1].isupper() and end[-1:] in {".", "!", "?"} and not re.search(r"\(\d+\)", quote))


FUNCTION_WORDS = set("the of and a an to in on for by with from about what when who should every know after before "
                     "into our one two its his her their this that".split())


def shared_words(title, description) -> list[str]:
    """Words of a title that a description echoes, by their first letters ("Witness" in "witnessed",
    "German" in "Germany"): a reader matches the echo to the title without recalling anything."""
    found = []
    for word in fold(title).split():
        if len(word) >= 4 and word not in FUNCTION_WORDS and mentions_stem(description, word[: max(4, len(word) - 3)]):
            found.append(word)
    return found
