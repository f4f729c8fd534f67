"""Loading the fact base, above the apps it touches: facts are written, cards regenerated from them, and
the quiz's cached distractor pool dropped, all in one transaction (a bad file changes nothing).

This is the one place that orchestrates them, so facts never imports cards or quiz.
"""

from django.db import transaction

from studyapp.cards.services import sync_cards
from studyapp.facts.services import LoadReport, write_facts
from studyapp.quiz.selectors import forget_fact_pool


def load_facts(*, paths, full=True, sources_dir=None, now=None) -> LoadReport:
    """Validate and write every fixture file, then regenerate the cards. A full load (every file) also removes
    facts that are gone; their cards are retired, never deleted, so review history survives."""
    with transaction.atomic():
        report = write_facts(paths=paths, full=full, sources_dir=sources_dir)
        report.cards = sync_cards(now=now)
        # Quizzes draw distractors from a cached copy of the base: drop it once this load is committed.
        transaction.on_commit(forget_fact_pool)
    return report
