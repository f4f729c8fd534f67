"""The REST API: each feature keeps its views, serializers and routes in its own module here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from studyapp.api import auth, authoring, collections, exports, fsrs, me, quiz, study

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a script file: no inline script, so the CSP holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    *auth.urlpatterns,
    *study.urlpatterns,
    *quiz.urlpatterns,
    *exports.urlpatterns,
    *me.urlpatterns,
    *fsrs.urlpatterns,
    *collections.urlpatterns,
    *authoring.urlpatterns,
]
