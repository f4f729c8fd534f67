from django.urls import path

from studyapp.facts import views

urlpatterns = [
    path("timeline/", views.timeline_page, name="timeline"),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("works/", views.work_list, name="work-list"),
    path("works/<slug:slug>/", views.work_detail, name="work-detail"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("sources/", views.source_list, name="source-list"),
    path("sources/<str:key>/", views.source_detail, name="source-detail"),
    path("periods/<slug:slug>/", views.period_detail, name="period-detail"),
    path("search/", views.search_page, name="fact-search"),
]
