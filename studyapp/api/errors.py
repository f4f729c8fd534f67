"""One error shape for the whole API: {"detail": "<human message naming the field>", "errors": {field: [..]}}."""

from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(errors, prefix=""):
    if isinstance(errors, dict):
        for field, value in errors.items():
            yield from _flatten(value, f"{prefix}{field}." if field != "non_field_errors" else prefix)
    elif isinstance(errors, list):
        for value in errors:
            yield from _flatten(value, prefix)
    else:
        yield prefix.rstrip("."), str(errors)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        messages = [f"{field}: {message}" if field else message for field, message in _flatten(detail)]
        response.data = {"detail": "; ".join(messages), "errors": detail}
    return response
