"""The decks, defined once: one per kind of fact, in the order every page, setting and export lists them.

At the bottom of the import graph (imports nothing of ours), so accounts, facts, cards, study, quiz,
exports and the API all take the list from here.
"""

DECKS = ("people", "works", "events")
# fact type -> its deck; an idea is what a person thought, so its cards are the People deck's (the decks are a
# public contract: export_anki --deck people|works|events|all)
DECK_OF = {"person": "people", "work": "works", "event": "events", "idea": "people"}
ALL = "all"  # a request for every deck (the user's chosen ones where settings apply)
DECK_CHOICES = (ALL, *DECKS)
