from django.urls import path

from studyapp.facts import views

# The explore pages that show mastery (timeline, people, works, events, a source, periods) are in study/urls.py.
urlpatterns = [
    path("sources/", views.source_list, name="source-list"),
    path("search/", views.search_page, name="fact-search"),
]
