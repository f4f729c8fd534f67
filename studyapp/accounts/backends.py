"""Authentication that loads a user's study settings in the same query as the user.

Every study request needs the settings (time zone, day start, limits); fetching them with the user
saves a query on each of them.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class UserWithSettingsBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("study_settings").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenWithSettingsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user", "user__study_settings").filter(key=key).first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return token.user, token
