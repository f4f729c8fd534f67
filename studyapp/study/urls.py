from django.urls import path

from studyapp.study import explore, optimize_views, views

urlpatterns = [
    path("study/", views.study_page, name="study"),
    path("study/review/", views.review, name="study-review"),
    path("study/undo/", views.undo, name="study-undo"),
    path("study/suspend/", views.suspend, name="study-suspend"),
    path("study/bury/", views.bury, name="study-bury"),
    path("study/suspended/", views.suspended_list, name="suspended"),
    path("study/unsuspend/", views.unsuspend, name="study-unsuspend"),
    path("stats/", views.stats_page, name="stats"),
    path("settings/optimize/", optimize_views.optimize, name="settings-optimize"),
    path("settings/reschedule/", optimize_views.reschedule, name="settings-reschedule"),
    # Exploring the facts with one's own mastery (the source list and search are facts/urls.py).
    path("timeline/", explore.timeline_page, name="timeline"),
    path("people/", explore.person_list, name="person-list"),
    path("people/<slug:slug>/", explore.person_detail, name="person-detail"),
    path("works/", explore.work_list, name="work-list"),
    path("works/<slug:slug>/", explore.work_detail, name="work-detail"),
    path("events/<slug:slug>/", explore.event_detail, name="event-detail"),
    path("sources/<str:key>/", explore.source_detail, name="source-detail"),
    path("periods/<slug:slug>/", explore.period_detail, name="period-detail"),
]
