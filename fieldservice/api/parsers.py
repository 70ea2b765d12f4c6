"""Reading request bodies as JSON without letting their nesting overload the process.

The standard library's parser recurses once per bracket: a body of 100,000 nested brackets ends
in a RecursionError, and one a little under the interpreter's limit still breaks whatever walks
it next (the Idempotency-Key's fingerprint, a serializer). No body of ours nests deeper than a
few levels, so anything deeper than MAX_DEPTH is refused. (The size of a body is capped before
this, by Django's DATA_UPLOAD_MAX_MEMORY_SIZE.) DRF loads this parser while its own views
module is importing: no DRF view code here."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

MAX_DEPTH = 32


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "body_too_large"


def body_too_large() -> BodyTooLarge:
    return BodyTooLarge(
        _("The request body is larger than %(n)d bytes.")
        % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )


def _too_deep(value: object, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit`, walked without recursion."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def _refuse_constant(name: str) -> None:
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


def parse_json(raw: bytes | str, *, max_depth: int = MAX_DEPTH, strict: bool = False) -> object:
    """The JSON document in `raw`; ValueError (with a message a person can read) when it is not
    JSON or nests deeper than `max_depth`. `strict` refuses NaN and Infinity too."""
    too_deep = _("The JSON nests deeper than %(n)d levels.") % {"n": max_depth}
    try:
        value = json.loads(raw, parse_constant=_refuse_constant if strict else None)
    except RecursionError as exc:
        raise ValueError(too_deep) from exc
    if _too_deep(value, max_depth):
        raise ValueError(too_deep)
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return parse_json(stream.read().decode(encoding), strict=self.strict)
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON parse error: %(e)s") % {"e": exc}) from exc
