from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "studyapp.accounts"
    label = "accounts"

    def ready(self):
        from studyapp.accounts import signals  # noqa: F401 - connects the receivers
