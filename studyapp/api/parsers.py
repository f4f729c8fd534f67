"""JSON parsing that turns every malformed body into a 400, never a server error."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, plus: nesting deep enough to exhaust Python's recursion (a 1,000-deep array) and
    NUL characters (which PostgreSQL text cannot store) are refused with a message, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            nul = _has_nul(data)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        if nul:
            raise ParseError("JSON parse error - a string contains a NUL character (\\u0000).")
        return data


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
