"""The settings page's personal scheduling: run the optimizer, reschedule to its parameters (both POST only).

The page itself is accounts' (/settings/); its panel is drawn by the `personal_scheduling` template tag, so
accounts does not import study.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from studyapp.accounts.models import settings_for
from studyapp.study import services

PANEL = "/settings/#personal-scheduling"


@require_POST
@login_required
def optimize(request):
    try:
        services.fsrs_optimize_request(user=request.user, now=timezone.now())
    except services.OptimizationPending:
        messages.info(request, "Your scheduling is already being optimized.")
    else:
        messages.success(request, "Working on it: the result appears below when it is ready.")
    return redirect(PANEL)


@require_POST
@login_required
def reschedule(request):
    if not settings_for(request.user).fsrs_parameters:
        messages.error(request, "You are scheduled with FSRS's defaults: there is nothing to reschedule to.")
        return redirect(PANEL)
    done = services.cards_reschedule(user=request.user)
    messages.success(request, f"Rescheduled {done.cards} card{'' if done.cards == 1 else 's'} to your parameters.")
    return redirect(PANEL)
