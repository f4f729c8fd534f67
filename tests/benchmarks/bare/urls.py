from django.urls import path

from bare import views

urlpatterns = [
    path("hello", views.hello),
    path("next", views.next_due),
    path("review", views.review),
]
