from django.urls import path

from studyapp.quiz import views

urlpatterns = [
    path("quiz/", views.quiz_setup, name="quiz"),
    path("quiz/history/", views.history, name="quiz-history"),
    path("quiz/<int:pk>/", views.quiz_detail, name="quiz-detail"),
    path("quiz/<int:pk>/questions/<int:question_pk>/answer/", views.question_answer, name="quiz-answer"),
]
