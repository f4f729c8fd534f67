from django.urls import path

from studyapp.quiz import views

urlpatterns = [
    path("quiz/", views.quiz_setup, name="quiz"),
    path("quiz/history/", views.history, name="quiz-history"),
    path("quiz/<id:pk>/", views.quiz_detail, name="quiz-detail"),
    path("quiz/<id:pk>/questions/<id:question_pk>/answer/", views.question_answer, name="quiz-answer"),
]
