"""The pages of the fact base alone: the list of sources and search.

The pages that show a signed-in user's mastery of the facts (the timeline, people, works, events, a
source's quotes, periods) are study's: studyapp/study/explore.py.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from studyapp.facts import selectors
from studyapp.facts.models import SERGE, Source


@require_safe
def source_list(request):
    return render(request, "facts/sources.html", {"sources": selectors.in_collection(Source, SERGE)})


@require_safe
def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    hits = selectors.search(query) if query else []
    return render(request, "facts/search.html", {"q": query, "hits": hits})
