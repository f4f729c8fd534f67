from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from studyapp.cards.models import CardKind, Deck
from studyapp.cards.selectors import browse_cards
from studyapp.topics import TOPICS

PAGE_SIZE = 50


@require_safe
def card_list(request):
    """Browse and search the cards of every collection listed for the visitor (public ones, and a signed-in user's
    own and edited ones): like a book's index, so anyone can see what is taught."""
    params = request.GET
    disputed = {"yes": True, "no": False}.get(params.get("disputed", ""))
    filters = {"deck": params.get("deck", ""), "kind": params.get("kind", ""), "topic": params.get("topic", ""),
               "query": params.get("q", "").strip()[:200]}
    cards = browse_cards(user=request.user, disputed=disputed, **filters)
    page = Paginator(cards, PAGE_SIZE).get_page(params.get("page"))
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    return render(request, "cards/list.html", {
        "page": page, "filters": filters, "disputed": params.get("disputed", ""),
        "decks": Deck.choices, "kinds": CardKind.choices, "topics": TOPICS,
        "base_query": query_without_page.urlencode(),
    })
