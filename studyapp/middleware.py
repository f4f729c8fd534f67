"""Request limits and response headers every view needs, kept out of the views.

- Bodies: an API request may carry at most API_MAX_BODY_BYTES (413 otherwise), read or not; an Anki package
  upload at most ANKI_IMPORT_MAX_BYTES; a collection's source text at most SOURCE_UPLOAD_MAX_BYTES. Other form
  posts are bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
- NUL characters: PostgreSQL text cannot hold them, so a query string carrying one is refused (400) before
  any view can pass it to the database. JSON bodies are checked by studyapp.api.parsers.
- Numbers beyond 64 bits (a card id of 2**64): SQLite cannot bind them and raises OverflowError; that is
  bad input, answered with 400, not a server error.
- Cache-Control: no-store on every API response and every page shown to a signed-in user, so neither a
  shared proxy nor the browser's back button keeps a user's data.
"""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def _is_api(request):
    return request.path.startswith("/api/")


def _refuse(request, status, message):
    if _is_api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


# Where an Anki package is uploaded: the package (at most ANKI_IMPORT_MAX_BYTES) and the multipart framing.
ANKI_UPLOAD_PATHS = frozenset({"/api/import/anki-reviews/", "/settings/anki-reviews/"})
MULTIPART_SLACK = 64 * 1024
# Where a collection's source text is sent (at most SOURCE_UPLOAD_MAX_BYTES): the API (a new source, or a source's
# new text by PATCH), and the "Add a source" page (the edit page's text is a form post under Django's own limits).
SOURCE_UPLOAD_PATH = re.compile(
    r"/api/collections/[-a-zA-Z0-9_]+/sources/(?:[-a-zA-Z0-9_]+/)?|/collections/[-a-zA-Z0-9_]+/sources/new/")


def _body_limit(request):
    """The most a request body may carry here (None: Django's own limits apply)."""
    if request.path in ANKI_UPLOAD_PATHS:
        return settings.ANKI_IMPORT_MAX_BYTES + MULTIPART_SLACK
    if SOURCE_UPLOAD_PATH.fullmatch(request.path):
        return settings.SOURCE_UPLOAD_MAX_BYTES
    return settings.API_MAX_BODY_BYTES if _is_api(request) else None


class InputLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = _body_limit(request)
        if limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return _refuse(request, 400, "Content-Length is not a number.")
            if length > limit:
                return _refuse(request, 413, f"Request body too large: at most {limit} bytes.")
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return _refuse(request, 400, "The address contains a NUL character (%00), which no field accepts.")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return _refuse(request, 400, "A number in the request is too large (ids are at most 2**63 - 1).")
        return None


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _is_api(request) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
