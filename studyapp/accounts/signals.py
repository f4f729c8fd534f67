"""A user's API token belongs to one password, as Django's sessions do: a new password retires it."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


@receiver(pre_save, sender="auth.User", dispatch_uid="accounts-rotate-token-on-password-change")
def rotate_token_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    """Delete the user's token when the stored password hash changes; the next token request issues a new one.

    Every path that sets a password (the change and reset pages, the admin, `changepassword`, any future API) ends
    in User.save(), so this is the one place. Other sessions need nothing here: Django's session hash already
    logs them out. A hasher upgrade at log-in changes the hash too and so rotates the token, as it ends other
    sessions. Saves that cannot touch the password (last_login at log-in, new users) cost no query.
    """
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
