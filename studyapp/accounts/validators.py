"""Password rules Django does not ship."""

from django.core.exceptions import ValidationError


class UsernameInPasswordValidator:
    """Refuse a password that contains the username, whatever the case ("pol4pol4" for pol4).

    Django's UserAttributeSimilarityValidator compares whole strings, so a username repeated or padded with other
    words stays under its similarity limit. Usernames shorter than `min_length` are left to that validator: a
    one- or two-letter name is in too many good passwords.
    """

    def __init__(self, min_length: int = 3):
        self.min_length = min_length

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        if username and len(username) >= self.min_length and username.casefold() in password.casefold():
            raise ValidationError("The password contains the username.", code="password_contains_username")

    def get_help_text(self):
        return "Your password can’t contain your username."
