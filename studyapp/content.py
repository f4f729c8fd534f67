"""Loading the fact base, above the apps it touches: facts are written, cards regenerated from them, and
the quiz's cached distractor pool dropped, all in one transaction (a bad file changes nothing).

This is the one place that orchestrates them, so facts never imports cards or quiz.
"""

from django.db import transaction

from studyapp.cards.services import sync_cards
from studyapp.facts.models import SERGE, Source
from studyapp.facts.services import LoadReport, write_facts
from studyapp.quiz.selectors import forget_fact_pool


def load_facts(*, paths, collection=SERGE, full=True, sources_dir=None, now=None, about=None) -> LoadReport:
    """Validate and write fixture files into one collection (by key; created on its first load, `about` giving
    its title, description and visibility), then regenerate its cards. A full load (every file of the
    collection) also removes its facts that are gone; their cards are retired, never deleted, so review
    history survives.

    With `sources_dir` (--verify-quotes DIR) every quote is checked verbatim in DIR/<source key>, or, for a source
    with no file there, in the text the collection stores for it (an uploaded source's)."""
    with transaction.atomic():
        stored = None
        if sources_dir is not None:
            stored = dict(Source.objects.filter(collection__key=collection).exclude(text="")
                          .values_list("key", "text"))
        target, report = write_facts(paths=paths, collection=collection, about=about, full=full,
                                     sources_dir=sources_dir, source_texts=stored)
        report.cards = sync_cards(collection=target, now=now)
        # Quizzes draw distractors from a cached copy of the base: drop it once this load is committed.
        transaction.on_commit(lambda: forget_fact_pool(target.pk))
    return report
