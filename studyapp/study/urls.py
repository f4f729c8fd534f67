from django.urls import path

from studyapp.study import views

urlpatterns = [
    path("study/", views.study_page, name="study"),
    path("study/review/", views.review, name="study-review"),
    path("study/undo/", views.undo, name="study-undo"),
    path("study/suspend/", views.suspend, name="study-suspend"),
    path("study/bury/", views.bury, name="study-bury"),
    path("study/suspended/", views.suspended_list, name="suspended"),
    path("study/unsuspend/", views.unsuspend, name="study-unsuspend"),
    path("stats/", views.stats_page, name="stats"),
]
