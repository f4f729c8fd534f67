"""Grading: lenient for typed answers, exact for choices. Pure functions; every verdict explains itself.

Typed answers forgive what a reader would forgive: case, accents, punctuation, spacing, a leading
article, an alias, a small typo in proportion to the answer's length. They never forgive a different
number (1918 is not 1919), nor a near miss that is exactly the name of something else in the base.
"""

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from studyapp.cards.distractors import fold

ARTICLES = ("the", "a", "an", "le", "la", "les", "l", "un", "une", "el", "los", "las", "der", "die", "das")


@dataclass(frozen=True)
class Verdict:
    correct: bool
    reason: str


class InvalidAnswer(ValueError):
    """The answer has the wrong shape for the question (not one of its options, not a full order)."""


def normalize(text) -> str:
    """What is compared: folded text without a leading article; "1920's" and "1920 s" become "1920s"."""
    text = re.sub(r"(\d{3}0)\s*['’]?\s*s\b", r"\1s", str(text))
    words = fold(text).split()
    if len(words) > 1 and words[0] in ARTICLES:
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


def grade_typed(given: str, *, accepted, near_misses=()) -> Verdict:
    """Match a typed answer against every accepted answer; say which one matched and why."""
    answer = normalize(given)
    expected = accepted[0] if accepted else ""
    if not answer:
        return Verdict(False, f"No answer given; expected “{expected}”.")
    for other in near_misses:
        if normalize(other) == answer:
            return Verdict(False, f"“{given.strip()}” is another name in the sources, not this one; "
                                  f"expected “{expected}”.")
    candidates = [(normalize(a), a) for a in accepted if normalize(a)]
    for norm, original in candidates:
        if norm == answer:
            if original == expected:
                return Verdict(True, f"Accepted: matches “{expected}”.")
            return Verdict(True, f"Accepted: “{original}” is also right for “{expected}” (another name or version).")
    number_mismatch = False
    for norm, original in candidates:
        want, got = numbers(norm), numbers(answer)
        if want or got:
            if want != got:
                number_mismatch = number_mismatch or bool(want)
                continue
            norm, answer_words = re.sub(r"\d+s?", "#", norm), re.sub(r"\d+s?", "#", answer)
        else:
            answer_words = answer
        allowed = typo_allowance(len(norm))
        distance = Levenshtein.distance(norm, answer_words, score_cutoff=allowed)
        if distance <= allowed and allowed:
            target = original if original == expected else f"{original}” for “{expected}"
            return Verdict(True, f"Accepted with a small typo ({distance} letter{'s' if distance > 1 else ''}): "
                                 f"expected “{target}”.")
    if number_mismatch:
        return Verdict(False, f"Not accepted: numbers must match exactly; expected “{expected}”.")
    others = [a for a in accepted[1:] if normalize(a) != normalize(expected)]
    also = f" (also accepted: {', '.join(f'“{a}”' for a in others[:4])})" if others else ""
    return Verdict(False, f"Not accepted: expected “{expected}”{also}.")


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
        return grade_typed(given, accepted=solution["accepted"], near_misses=solution.get("near_misses", ()))
    if kind == "order":
        return grade_order(given, options=options, order=solution["order"])
    return grade_choice(given, options=options, correct=solution["correct"])
