from django.urls import path

from studyapp.cards import views

urlpatterns = [
    path("cards/", views.card_list, name="card-list"),
]
