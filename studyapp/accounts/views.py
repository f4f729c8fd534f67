
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from studyapp.accounts.forms import DeleteAccountForm, SignupForm, StudySettingsForm
from studyapp.accounts.models import settings_for
from studyapp.accounts.services import (
    SETTINGS_FIELDS,
    WrongPassword,
    settings_update,
    user_delete,
    user_signup,
)
from studyapp.accounts.throttles import PASSWORD_CHECK, SIGNUP, throttle_posts


def _safe_next(request) -> str:
    """The page to go back to after sign-up (?next= or the form's next), if it is one of this site's; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                              require_https=request.is_secure())
    return target if target and allowed else ""


@throttle_posts(SIGNUP)
@require_http_methods(["GET", "POST"])
def signup(request):
    after = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(after or "study")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_signup(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email", ""),
            timezone=form.cleaned_data["timezone"],
        )
        login(request, user, backend="studyapp.accounts.backends.UserWithSettingsBackend")
        messages.success(request, format_html(
            "Welcome, {}! Here is your first card: think of the answer, show it, then say how well you knew it. "
            "Your study day follows the time zone {} (<a href=\"{}\">change it in Settings</a>).",
            user.username, settings_for(user).timezone, reverse("study-settings")))
        messages.info(request, format_html(
            "Teaching or reading with others? <a href=\"{}\">Build your own collection from your texts</a>.",
            reverse("authoring:collections")))
        return redirect(after or "study")
    return render(request, "registration/signup.html", {"form": form, "next": after})


class LogoutView(auth_views.LogoutView):
    """Log out, then say so on the page it lands on, with the way back in."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, format_html(
            "You have logged out. <a href=\"{}\">Log in</a> again to carry on where you left off.", reverse("login")))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def study_settings(request):
    form = StudySettingsForm(request.POST or None, instance=settings_for(request.user))
    if request.method == "POST" and form.is_valid():
        settings_update(user=request.user, values={name: getattr(form.instance, name) for name in SETTINGS_FIELDS})
        messages.success(request, "Settings saved.")
        return redirect("study-settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@throttle_posts(PASSWORD_CHECK)
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """"Delete my account", confirmed with the password; logs out and removes every row that is the user's."""
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            user_delete(user=user, password=form.cleaned_data["password"])
        except WrongPassword as error:
            form.add_error("password", str(error))
        else:
            logout(request)
            messages.success(request, "Your account and all its data have been deleted.")
            return redirect("landing")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
