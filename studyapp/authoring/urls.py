"""The authoring pages under /collections/ (issue 21); names under the `authoring` namespace."""

from django.urls import path, register_converter

from studyapp.authoring import views


class FactKindConverter:
    """person, work or event: so /collections/<key>/sources/... and /new/... never read as a kind of fact."""

    regex = "person|work|event"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FactKindConverter, "factkind")

app_name = "authoring"
urlpatterns = [
    path("collections/", views.collection_list, name="collections"),
    path("collections/<slug:key>/", views.collection_detail, name="collection"),
    path("collections/<slug:key>/details/", views.collection_details, name="details"),
    path("collections/<slug:key>/visibility/", views.collection_visibility, name="visibility"),
    path("collections/<slug:key>/editors/", views.collection_editor, name="editors"),
    path("collections/<slug:key>/editors/<str:username>/remove/", views.collection_editor_leave,
         name="editor-remove"),
    path("collections/<slug:key>/study/", views.collection_study, name="study"),
    path("collections/<slug:key>/sources/<str:source>/dismiss/undo/", views.suggestion_undismiss, name="undismiss"),
    path("collections/<slug:key>/owner/", views.collection_owner, name="owner"),
    path("collections/<slug:key>/delete/", views.collection_remove, name="delete"),
    path("collections/<slug:key>/quote/", views.quote_to_fact, name="quote"),
    path("collections/<slug:key>/sources/new/", views.source_new, name="source-new"),
    path("collections/<slug:key>/sources/<str:source>/", views.source_reader, name="source"),
    path("collections/<slug:key>/sources/<str:source>/dismiss/", views.suggestion_dismiss, name="dismiss"),
    path("collections/<slug:key>/sources/<str:source>/edit/", views.source_edit, name="source-edit"),
    path("collections/<slug:key>/sources/<str:source>/remove/", views.source_remove, name="source-remove"),
    path("collections/<slug:key>/new/<factkind:kind>/", views.fact_new, name="fact-new"),
    path("collections/<slug:key>/<factkind:kind>/<slug:fact>/", views.fact_detail, name="fact"),
    path("collections/<slug:key>/<factkind:kind>/<slug:fact>/quote/", views.fact_quote, name="fact-quote"),
    path("collections/<slug:key>/<factkind:kind>/<slug:fact>/remove/", views.fact_remove, name="fact-remove"),
    path("collections/<slug:key>/<factkind:kind>/<slug:fact>/history/", views.fact_history, name="fact-history"),
]
