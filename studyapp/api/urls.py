"""The REST API: each feature keeps its views, serializers and routes in its own module here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from studyapp.api import auth, exports, facts, quiz, study

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    *auth.urlpatterns,
    *study.urlpatterns,
    *quiz.urlpatterns,
    *exports.urlpatterns,
    *facts.urlpatterns,
]
