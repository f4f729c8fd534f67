from django.apps import AppConfig


class AuthoringConfig(AppConfig):
    """Building a collection from uploaded texts: source text, suggested facts (issue 21)."""

    name = "studyapp.authoring"
    label = "authoring"
