"""Authentication that loads a user's study settings in the same query as the user.

Every study request needs the settings (time zone, day start, limits); fetching them with the user
saves a query on each of them. The token look-up runs on every API request, so it is one fixed
statement (studyapp/rows.py says why), not an ORM query built afresh each time.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from studyapp import rows
from studyapp.accounts.models import StudySettings


class UserWithSettingsBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("study_settings").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def token_with_user(key: str):
    """The token with its user and the user's settings (None when the settings row is not made yet)."""
    User = get_user_model()
    sql = (f"SELECT {rows.columns(Token, 't')}, {rows.columns(User, 'u')}, {rows.columns(StudySettings, 's')} "
           f"FROM {Token._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
           f"LEFT JOIN {StudySettings._meta.db_table} s ON s.user_id = u.id WHERE t.{Token._meta.pk.column} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    token, user, prefs = rows.instances(row, Token, User, StudySettings)
    token._state.fields_cache["user"] = user
    if prefs is not None:
        user._state.fields_cache["study_settings"] = prefs
        prefs._state.fields_cache["user"] = user
    return token


class TokenWithSettingsAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = token_with_user(key)
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return token.user, token
