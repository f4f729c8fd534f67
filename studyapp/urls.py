from django.contrib import admin
from django.urls import include, path

from studyapp import converters, views
from studyapp.accounts import views as accounts_views

converters.register()  # before the included URL modules that use <id:...> are imported

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("settings/", accounts_views.study_settings, name="study-settings"),
    path("accounts/", include("studyapp.accounts.urls")),
    path("api/", include("studyapp.api.urls")),
    path("", include("studyapp.cards.urls")),
    path("", include("studyapp.study.urls")),
    path("", include("studyapp.quiz.urls")),
    path("", include("studyapp.exports.urls")),
    path("", include("studyapp.facts.urls")),
    path("", include("studyapp.authoring.urls")),
]
