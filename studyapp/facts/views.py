"""The pages of the fact base alone: the list of sources and search.

The pages that show a signed-in user's mastery of the facts (the timeline, people, works, events, a
source's quotes, periods) are study's: studyapp/study/explore.py. Every explore page shows the Serge base, or
with ?collection=KEY that collection (`shown_collection`: 404 unless the visitor may study it), and then every
link inside it carries ?collection=KEY (`collection_context`).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from studyapp.facts import selectors
from studyapp.facts.models import SERGE, Source


def collection_context(collection) -> dict:
    """What the explore templates need to name the collection shown and keep it in their links: `in_collection`
    ends a link with no query ("?collection=KEY"), `and_collection` one that has one; both empty for the Serge
    base reached without the parameter (its URLs stay as they always were). Keys are slugs: nothing to escape."""
    if collection is None:
        return {"collection": None, "in_collection": "", "and_collection": ""}
    return {"collection": collection, "in_collection": f"?collection={collection.key}",
            "and_collection": f"&collection={collection.key}"}


@require_safe
def source_list(request):
    collection = selectors.shown_collection(request.user, request.GET)
    key = collection.key if collection else SERGE
    return render(request, "facts/sources.html", {
        "sources": selectors.in_collection(Source, key).defer("text"), **collection_context(collection)})


@require_safe
def search_page(request):
    collection = selectors.shown_collection(request.user, request.GET)
    query = request.GET.get("q", "").strip()[:200]
    hits = selectors.search(query, collection=collection.key if collection else SERGE) if query else []
    return render(request, "facts/search.html", {"q": query, "hits": hits, **collection_context(collection)})
