from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "studyapp.facts"
    label = "facts"
