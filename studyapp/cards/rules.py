"""The rules a finished card set must satisfy, checked independently of how generation made it.

`violations()` takes the card specs and the fact snapshots they came from and returns every broken
rule with its card key. `manage.py card_report` prints them; a test asserts there are none over the
real fact base. Several rules are also applied during generation (shared prompts, default answers,
cloze blanks); checking them again here catches a generator change that stops applying them.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from studyapp.cards import generation as g
from studyapp.cards import text
from studyapp.refs import ref

# Descriptions that say where a name appears rather than who the person was.
META = re.compile(
    r"\b(?:named (?:by|with|together|first|second|last|alongside|among|in)|listed|mentioned|cited in|quoted by|"
    r"described by|referred to|the reviewer|the speaker|the article|the author of the (?:article|review)|"
    r"the review|in the notes|in his notebooks' list|figure (?:listed|named))\b",
    flags=re.IGNORECASE)
DANGLING = re.compile(r"\b(?:he|his|him|she|her)\b", flags=re.IGNORECASE)
NAME_PARTICLES = {"de", "del", "van", "von", "der", "la", "le", "du", "da", "di", "y", "of", "the", "and", "ii", "i"}


@dataclass(frozen=True)
class Violation:
    card: str
    rule: str
    message: str

    def __str__(self):
        return f"{self.card}: {self.rule}: {self.message}"


def _facts(people, works, events, ideas=()):
    return {**{("person", p.key): p for p in people}, **{("work", w.key): w for w in works},
            **{("event", e.key): e for e in events}, **{("idea", i.key): i for i in ideas}}


def _leaks(spec):
    """Accepted answers the prompt states (folded, word-bounded); kind words by their stem."""
    found = [a for a in spec.accepted if len(text.fold(a)) > 1 and text.mentions(spec.prompt, a)]
    if spec.kind == "work_kind":
        kind = next((k for k, name in g.KIND_NAMES.items() if name == spec.answer), None)
        found += [stem for stem in g.KIND_WORDS.get(kind, ()) if text.mentions_stem(spec.prompt, stem)]
    if spec.kind == "event_when" and text.years_in(spec.prompt):
        found.append(f"the year(s) {', '.join(map(str, text.years_in(spec.prompt)))}")
    if spec.kind == "work_reverse":
        described = spec.prompt.split(":", 1)[-1]
        echoed = dict.fromkeys(w for t in spec.accepted for w in text.shared_words(t, described))
        found += [f"title word {w!r}" for w in echoed]
    if spec.kind == "idea":
        # An idea's question is written by hand: any word of its answer in it ("Cheka" in "the Cheka's creation")
        # gives the answer away, not only the whole answer.
        echoed = dict.fromkeys(w for a in spec.accepted for w in text.shared_words(a, spec.prompt))
        found += [f"answer word {w!r}" for w in echoed]
    if spec.kind == "work_year" and spec.date_span:
        first, last = spec.date_span
        found += [str(y) for y in text.years_in(spec.prompt) if first.year <= y <= last.year]
    return found


def _dangling(spec):
    """A pronoun in "Which periodical: journal he edited" (no author named) refers to no one in the prompt."""
    if spec.kind != "work_reverse" or " by " in spec.prompt.split(":", 1)[0]:
        return None
    described = spec.prompt.split(":", 1)[-1]
    named = re.search(r"\b(?:Serge|Victor)\b", described)
    return DANGLING.search(described[: named.start()] if named else described)


def _name_artefacts(name):
    """Name words that are not names: a lowercase fragment ("Trot sky"), a stray symbol ("Mid&night")."""
    words = name.replace("’", "'").split()
    bad = [w for w in words if "&" in w or (w[:1].islower() and w.casefold() not in NAME_PARTICLES)]
    return bad


def _title_artefacts(title):
    if "&" in title.replace(" & ", ""):
        return ["&"]
    if re.match(r"^\d+\s+\w", title) and not re.match(r"^\d{4}\b", title):
        return [title.split()[0]]
    return []


def fact_violations(people, works, events):
    """Content rules on the facts themselves (clean names and titles, substantive descriptions)."""
    found = []
    for person in people:
        for name in (person.name, *person.aliases):
            if _name_artefacts(name):
                found.append(Violation(ref("person", person.key), "artefact", f"name or alias {name!r} is not clean"))
        if person.weight in g.WEIGHTS and META.search(person.description):
            found.append(Violation(ref("person", person.key), "meta_description",
                                   f"says where the name appears, not who it was: {person.description!r}"))
    for work in works:
        for title in (work.title, *work.aliases):
            if _title_artefacts(title):
                found.append(Violation(ref("work", work.key), "artefact", f"title or alias {title!r} is not clean"))
        if work.description and any(text.mentions(work.description, t) for t in (work.title, *work.aliases)):
            found.append(Violation(ref("work", work.key), "leak", "the description names the work"))
    for event in events:
        if event.weight in g.WEIGHTS and text.years_in(event.description):
            found.append(Violation(ref("event", event.key), "leak",
                                   f"the description states a year: {event.description!r}"))
        if "[" in event.when:
            found.append(Violation(ref("event", event.key), "unclear", f"raw date text {event.when!r}"))
    return found


def violations(specs, people, works, events, ideas=()) -> list[Violation]:
    """Every broken card rule, each with the card's key (or the fact's, for a content rule)."""
    facts = _facts(people, works, events, ideas)
    found = fact_violations(people, works, events)
    prompts = Counter(text.fold(s.prompt) for s in specs)
    by_kind = defaultdict(list)
    for spec in specs:
        by_kind[spec.kind].append(spec)
        fact = facts.get((spec.fact_type, spec.fact_key))
        if fact is None or fact.weight not in g.WEIGHTS:
            found.append(Violation(spec.key, "significance", "a card of a fact weighted mention (or of no fact)"))
        leaks = _leaks(spec)
        if leaks:
            found.append(Violation(spec.key, "leak", f"the prompt states an accepted answer: {', '.join(leaks)}"))
        if prompts[text.fold(spec.prompt)] > 1:
            found.append(Violation(spec.key, "shared_prompt", f"another card asks {spec.prompt!r}"))
        if spec.kind != "event_dispute" and (not spec.answer or not spec.accepted):
            found.append(Violation(spec.key, "no_answer", "the card has no answer to accept"))
        if re.search(r"\[\d|\d\]", spec.prompt.replace(g.BLANK, "")) and spec.kind != "cloze":
            found.append(Violation(spec.key, "unclear", f"raw bracketed text in {spec.prompt!r}"))
        if spec.kind == "cloze" and spec.cloze:
            start = spec.cloze["blanked"].index(g.BLANK)
            problem = g.cloze_problem(spec.cloze["quote"], start, start + len(spec.answer))
            if problem:
                found.append(Violation(spec.key, "cloze_undetermined", problem))
        if _dangling(spec):
            found.append(Violation(spec.key, "unclear", f"'he' or 'his' before anyone is named: {spec.prompt!r}"))
        if spec.kind in ("person_who", "person_reverse") and fact is not None and META.search(fact.description):
            found.append(Violation(spec.key, "meta_description", "the description is not who the person was"))
        if spec.kind == "event_when" and fact is not None:
            found += _date_violations(spec, fact)
    found += _cross_leaks(specs)
    for kind, kind_specs in by_kind.items():
        if len(kind_specs) < g.DEFAULT_SHARE:
            continue
        answers = Counter(g.answer_identity(s) for s in kind_specs)
        limit = max(1, len(kind_specs) // g.DEFAULT_SHARE)
        for answer, count in answers.items():
            if count > limit:
                keys = [s.key for s in kind_specs if g.answer_identity(s) == answer]
                found += [Violation(k, "default_answer", f"{count} of {len(kind_specs)} {kind} cards answer "
                                                         f"{answer!r}") for k in keys]
    return found


# Answers that are a name, a title or an idea's phrase ("the Cheka"): another card's prompt stating one gives it away.
NAMED_ANSWER_KINDS = ("person_reverse", "work_reverse", "cloze", "idea")


def _cross_leaks(specs):
    """A prompt that names another fact's name, title, idea or month-and-year answer gives that card away to anyone
    who studies both ("... his son Vlady ..." beside "Who is this? Serge's son ..."; "Barcelona in July 1917" beside
    "In what month and year ...? ... Barcelona"). A fact's own cards may share it."""
    found = []
    for spec in specs:
        if spec.kind in NAMED_ANSWER_KINDS:
            answers = [a for a in spec.accepted if len(text.fold(a)) > 3]
        elif spec.kind == "event_when":
            # A month or a day ("July 1917") is one card's answer; a bare year is too common a word to count.
            answers = [a for a in spec.accepted if not text.fold(a).isdigit() and not re.fullmatch(r"[\d-]+", a)]
        else:
            continue
        for other in specs:
            if other.sibling_key == spec.sibling_key:
                continue
            named = [a for a in answers if text.mentions(other.prompt, a)]
            if named:
                found.append(Violation(other.key, "cross_leak", f"the prompt names {named[0]!r}, the answer of "
                                                               f"{spec.key}"))
    return found


def _date_violations(spec, event):
    """A date card accepts exactly what each version's precision supports, and its periods hold its span."""
    found = []
    allowed = set()
    for values in g._event_versions(event):
        allowed |= {text.fold(f) for f in g.date_forms(values["date"], values["precision"], g._end(values),
                                                         values.get("when", ""))}
    extra = [a for a in spec.accepted if text.fold(a) not in allowed]
    if extra:
        found.append(Violation(spec.key, "date_precision", f"accepts {extra!r} beyond the date's precision"))
    first, last = spec.date_span
    wanted = g.topics_for_span(first.year, last.year)
    if sorted(spec.topics) != sorted(wanted):
        found.append(Violation(spec.key, "date_period", f"periods {spec.topics} do not hold {first}..{last}"))
    return found


def report(specs, people, works, events, ideas=()) -> dict:
    """Counts per kind, deck and weight, and the violations: what card_report prints."""
    return {
        "cards": len(specs),
        "kinds": dict(sorted(Counter(s.kind for s in specs).items())),
        "decks": dict(sorted(Counter(s.deck for s in specs).items())),
        "weights": dict(sorted(Counter(s.weight for s in specs).items())),
        "facts": {
            "people": dict(sorted(Counter(p.weight for p in people).items())),
            "works": dict(sorted(Counter(w.weight for w in works).items())),
            "events": dict(sorted(Counter(e.weight for e in events).items())),
            "ideas": dict(sorted(Counter(i.weight for i in ideas).items())),
        },
        "violations": violations(specs, people, works, events, ideas),
    }
