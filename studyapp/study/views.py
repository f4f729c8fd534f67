"""Study pages: thin views over study_queue (what to show) and the services (what to write)."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from studyapp.accounts.models import settings_for
from studyapp.cards.models import Card
from studyapp.cards.selectors import scope_card_keys
from studyapp.converters import MAX_ID
from studyapp.decks import DECKS
from studyapp.facts.models import SERGE, Collection
from studyapp.facts.selectors import collection_for, scope_from_params
from studyapp.study import scheduling, services, stats
from studyapp.study.models import Rating, ReviewState, StudyAction
from studyapp.study.selectors import interval_preview, study_queue

RATING_LABELS = [(Rating.AGAIN, "Again"), (Rating.HARD, "Hard"), (Rating.GOOD, "Good"), (Rating.EASY, "Easy")]
UNDONE = {
    StudyAction.Kind.REVIEW: "Undid your answer to “{prompt}”.",
    StudyAction.Kind.SUSPEND: "Undid suspending “{prompt}”: it is back in study.",
    StudyAction.Kind.UNSUSPEND: "Undid bringing back “{prompt}”: it is suspended again.",
    StudyAction.Kind.BURY: "Undid burying “{prompt}”.",
}


STUDY_LIMITS = ("collection", "deck", "scope")  # what limits the study page, kept through every form on it


def _back_to_study(request):
    """Back to the study page, still limited to the collection, deck and "Study this" scope the form came with."""
    limits = {name: request.POST.get(name, "").strip() for name in STUDY_LIMITS}
    limits = {name: value for name, value in limits.items() if value}
    return redirect(f"{reverse('study')}?{urlencode(limits)}" if limits else "study")


def _posted_card(request):
    try:
        pk = int(request.POST.get("card", ""))
        if not 0 < pk <= MAX_ID:  # SQLite cannot even look up an id beyond 64 bits
            raise Card.DoesNotExist
        return Card.objects.active().studyable_by(request.user).get(pk=pk)
    except (ValueError, Card.DoesNotExist):
        raise Http404("no such card") from None


def _choices(user, queue, *, collection, deck, scope):
    """The study page's choice of collection and deck, for a user who studies two or more collections (the queue
    counted them at no extra query; listing them is one). Links with the existing ?collection= and ?deck=; a
    "Study this" scope belongs to one collection's fact, so it is not offered across collections."""
    if queue.collections < 2 or scope is not None:
        return None
    studied = list(Collection.objects.studied_by(user, settings_for(user).collections).values_list("key", "title"))
    here = collection.key if collection else ""

    def link(key, deck_name=""):
        query = urlencode({name: value for name, value in (("collection", key), ("deck", deck_name)) if value})
        return f"{reverse('study')}?{query}" if query else reverse("study")

    collections = [("", "All my collections", link("", deck), here == "")]
    collections += [(key, title, link(key, deck), key == here) for key, title in studied]
    if here and here not in dict(studied):  # an unlisted collection studied by its link
        collections.append((here, collection.title, link(here, deck), True))
    decks = [("", "All decks", link(here), deck == "")]
    decks += [(name, name.title(), link(here, name), name == deck) for name in DECKS]
    return {"collections": collections, "decks": decks}


@login_required
@require_safe
def study_page(request):
    now = timezone.now()
    key = request.GET.get("collection", "").strip()  # one collection: 404 unless the user may study it
    collection = collection_for(request.user, key) if key else None
    deck = request.GET.get("deck", "").strip()  # one deck (of that collection, when one is given)
    if deck and deck not in DECKS:
        raise Http404(f"deck: choose one of {', '.join(DECKS)}")
    # "Study this": ?scope=person:victor-serge, ?period=1917-1921, ...: a fact of the collection given (the Serge
    # base without one, as the explore pages' links have it), its refs turned into that collection's sibling keys.
    in_key = collection.key if collection else SERGE
    scope = scope_from_params(request.GET, collection=in_key)
    siblings = None if scope is None else scope_card_keys(scope, in_key)
    queue = study_queue(request.user, now, deck=deck or None, scope=siblings, collection=collection)
    context = {"queue": queue, "review_id": uuid.uuid4(), "scope": scope, "collection": collection, "deck": deck,
               "choices": _choices(request.user, queue, collection=collection, deck=deck, scope=scope)}
    if queue.card is not None:
        outcomes = interval_preview(request.user, queue.card, queue.state, now)
        context["buttons"] = [(value, label, scheduling.format_interval(outcomes[value].interval))
                              for value, label in RATING_LABELS]
        context["version"] = queue.state.version if queue.state else 0
        done, left = queue.done_today, queue.total_left
        context["progress"] = round(100 * done / (done + left)) if done + left else 100
    return render(request, "study/study.html", context)


@login_required
@require_POST
def review(request):
    card = _posted_card(request)
    try:
        rating = int(request.POST.get("rating", ""))
        version = int(request.POST.get("version", "0"))
        duration = request.POST.get("duration_ms")
        result = services.review_submit(
            user=request.user, card=card, rating=rating, now=timezone.now(), review_id=request.POST.get("review_id"),
            duration_ms=int(duration) if duration else None, expected_version=version,
        )
    except (ValueError, ValidationError):
        messages.error(request, "That answer was not understood: choose Again, Hard, Good or Easy.")
    except services.StaleReview as error:
        messages.info(request, str(error).capitalize() + ".")
    except services.ReviewConflict:
        messages.info(request, "That answer was already recorded.")
    else:
        if result.created and result.leeched:
            quote = card.citations[0] if card.citations else None
            lapses = result.log.state_after["lapses"]
            text = f"“{card.prompt}” was forgotten {lapses} times, so it is suspended as a leech. Reread its source"
            text += f": “{quote['quote']}” ({quote['title']})." if quote else "."
            messages.warning(request, text)
    return _back_to_study(request)


@login_required
@require_POST
def undo(request):
    try:
        undone = services.study_undo(user=request.user)
    except services.NothingToUndo:
        messages.info(request, "There is nothing to undo.")
    except services.UndoBlocked as error:
        messages.warning(request, str(error) + ".")
    else:
        messages.info(request, UNDONE[undone.kind].format(prompt=undone.card.prompt))
    return _back_to_study(request)


@login_required
@require_POST
def suspend(request):
    card = _posted_card(request)
    services.card_suspend(user=request.user, card=card, now=timezone.now())
    messages.info(request, f"Suspended “{card.prompt}”. Suspended cards are listed under Stats, to bring back.")
    return _back_to_study(request)


@login_required
@require_POST
def bury(request):
    card = _posted_card(request)
    services.card_bury(user=request.user, card=card, now=timezone.now())
    messages.info(request, f"Buried “{card.prompt}” until tomorrow.")
    return _back_to_study(request)


@login_required
@require_POST
def unsuspend(request):
    card = _posted_card(request)
    services.card_suspend(user=request.user, card=card, now=timezone.now(), suspended=False)
    messages.info(request, f"“{card.prompt}” is back in study.")
    return redirect("suspended")


@login_required
@require_safe
def suspended_list(request):
    """The user's suspended cards (leeches first), each with its citation and a button to bring it back."""
    states = (ReviewState.objects.suspended()
              .filter(user=request.user, card__in=Card.objects.studyable_by(request.user))
              .select_related("card").order_by("-leech", "card__deck", "card_id"))
    return render(request, "study/suspended.html", {"states": states})


@login_required
@require_safe
def stats_page(request):
    """The user's stats over all their reviews, or with ?collection=KEY that collection's cards and reviews only
    (404 unless the user may study it); a user who studies two or more collections is offered each."""
    key = request.GET.get("collection", "").strip()
    collection = collection_for(request.user, key) if key else None
    numbers = stats.user_stats(request.user, timezone.now(), collection=collection)
    studied = list(Collection.objects.studied_by(request.user, settings_for(request.user).collections)
                   .values_list("key", "title"))
    choices = None
    if len(studied) > 1 or collection is not None:
        here = collection.key if collection else ""
        choices = [(key, title, key == here) for key, title in [("", "All my collections"), *studied]]
        if here and here not in dict(studied):
            choices.append((here, collection.title, True))
    return render(request, "study/stats.html", {**numbers, "collection": collection, "choices": choices,
                                                "in_collection": f"?collection={key}" if collection else ""})
