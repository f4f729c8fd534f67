from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
def landing(request):
    return render(request, "landing.html")


@never_cache
@require_safe
def healthz(request):
    """Liveness plus a real round trip to the database, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico; the icon is an SVG among the static files."""
    return redirect(static("favicon.svg"), permanent=True)
