"""Account writes shared by the HTML pages and the API."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from studyapp.accounts.models import StudySettings, settings_for
from studyapp.facts.models import Collection
from studyapp.facts.services import collections_of_leaving_owner


@transaction.atomic
def user_signup(*, username: str, password: str, email: str = "", timezone: str = "UTC") -> User:
    """Create a user with default study settings in their time zone; callers validate the password and zone first."""
    user = User.objects.create_user(username=username, password=password, email=email)
    StudySettings.objects.create(user=user, timezone=timezone)
    return user


SETTINGS_FIELDS = ("timezone", "day_starts_at", "desired_retention", "new_per_day", "reviews_per_day", "decks",
                   "topics", "collections", "quiz_counts_as_review")


@transaction.atomic
def settings_update(*, user: User, values: dict) -> StudySettings:
    """The one write of a user's study settings (the settings page and the API): checked by the model's own
    validators, saved all or nothing. Raises django's ValidationError naming each bad field; nothing is saved
    then, and the user's cached settings are read back unchanged."""
    prefs = settings_for(user)
    unknown = sorted(set(values) - set(SETTINGS_FIELDS))
    if unknown:
        raise ValidationError({name: "not a setting" for name in unknown})
    for name, value in values.items():
        setattr(prefs, name, value)
    try:
        prefs.full_clean(exclude=["user"])
        if values.get("collections"):
            # A private collection the user may not study is as unknown to them as a key that does not exist.
            known = set(Collection.objects.studyable_by(user).filter(key__in=prefs.collections)
                        .values_list("key", flat=True))
            missing = [key for key in prefs.collections if key not in known]
            if missing:
                raise ValidationError({"collections": f"no collection {missing[0]!r}"})
    except ValidationError:
        prefs.refresh_from_db()
        raise
    prefs.save()
    return prefs


def token_for(user: User) -> str:
    """The user's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


# --- Deleting an account: every row that is the user's (the copy of it is exports/userdata.py) ------------------

class WrongPassword(Exception):
    """Deleting an account needs the account's password."""


def _session_keys_of(user: User) -> list[str]:
    """Keys of the stored sessions logged in as this user (database-backed session engines only)."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY

    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return []
    from django.contrib.sessions.models import Session

    return [session.session_key for session in Session.objects.iterator()
            if session.get_decoded().get(SESSION_KEY) == str(user.pk)]


@transaction.atomic
def user_delete(*, user: User, password: str) -> dict:
    """Delete the account and every row that is the user's, after checking the password.

    Removes review states and logs, quizzes with their questions and answers, study settings, the API token,
    every session logged in as the user, their log-in records (django-axes) and the user itself. Shared rows
    (facts, cards) stay; each collection they own goes to its earliest editor, or, with none, is deleted if private
    and left ownerless and read-only if unlisted or public (facts.services.collections_of_leaving_owner). Raises
    WrongPassword, changing nothing, when the password is wrong.
    Returns the number of rows deleted per model label.
    """
    from importlib import import_module

    from django.apps import apps
    from django.conf import settings

    if not password or not user.check_password(password):
        raise WrongPassword("The password is not right; nothing was deleted.")
    # The collections they own go to their earliest editor, or (private, no editor) with them; see the service.
    counts: dict[str, int] = collections_of_leaving_owner(user=user)

    def tally(deleted):
        for label, number in deleted[1].items():
            counts[label] = counts.get(label, 0) + number

    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = _session_keys_of(user)
    for key in keys:
        session_store(session_key=key).delete()
    if keys:
        counts["sessions.Session"] = len(keys)
    if apps.is_installed("axes"):
        for model_name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
            model = apps.get_model("axes", model_name)
            tally(model.objects.filter(username=user.get_username()).delete())
    # Every row of the apps above accounts (review states and logs, the undo stack, quizzes with their questions
    # and answers, FSRS runs) points at the user with CASCADE, as do the settings and the API token: deleting
    # the user deletes them, counted per model, without accounts importing those apps.
    tally(user.delete())
    return {label: number for label, number in counts.items() if number}
