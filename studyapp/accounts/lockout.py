"""What a locked-out log-in gets: JSON 429 on the API, a friendly page elsewhere (django-axes callable)."""

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "Too many failed log-ins for this username from your address; try again in 15 minutes."


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429)
    return render(request, "registration/lockout.html", status=429)
