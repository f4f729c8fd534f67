"""The decks, defined once: one per kind of fact, in the order every page, setting and export lists them.

At the bottom of the import graph (imports nothing of ours), so accounts, facts, cards, study, quiz,
exports and the API all take the list from here.
"""

DECKS = ("people", "works", "events")
DECK_OF = {"person": "people", "work": "works", "event": "events"}  # fact type -> its deck
ALL = "all"  # a request for every deck (the user's chosen ones where settings apply)
DECK_CHOICES = (ALL, *DECKS)
