from django.apps import AppConfig


class QuizConfig(AppConfig):
    name = "studyapp.quiz"
    label = "quiz"
