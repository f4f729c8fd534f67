"""A fact's reference, "person:victor-serge": how cards (their sibling key), quizzes, scopes and mastery
name a fact. Built and parsed only here. At the bottom of the import graph (imports nothing of ours).
"""

FACT_TYPES = ("person", "work", "event", "idea")


def ref(fact_type: str, key: str) -> str:
    """"person:victor-serge"."""
    return f"{fact_type}:{key}"


def ref_of(fact) -> str:
    """The reference of a Person, Work, Event or Idea row (its model name is its fact type)."""
    return ref(fact._meta.model_name, fact.key)


def parse(value: str) -> tuple[str, str]:
    """("person", "victor-serge") from "person:victor-serge" (the key is "" when there is no colon)."""
    fact_type, _, key = value.strip().partition(":")
    return fact_type, key
