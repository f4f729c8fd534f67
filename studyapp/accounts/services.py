"""Account writes shared by the HTML pages and the API."""

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from studyapp.accounts.models import StudySettings


@transaction.atomic
def user_signup(*, username: str, password: str, email: str = "") -> User:
    """Create a user with default study settings; callers validate the password first."""
    user = User.objects.create_user(username=username, password=password, email=email)
    StudySettings.objects.create(user=user)
    return user


def token_for(user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
