"""The `<id:...>` path converter: a database id in a URL.

Django's `<int:...>` takes any number of digits, and SQLite cannot bind one above 2**63 - 1 (an
OverflowError, a server error). Eighteen digits hold every id either database will ever assign, so a
longer number simply matches no URL: 404, as any other id that does not exist.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


def register():
    register_converter(IdConverter, "id")
