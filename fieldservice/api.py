"""DRF glue: domain errors become one JSON problem shape."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """Map DomainError subclasses to their status with a problem body; defer the rest to DRF."""
    if isinstance(exc, DomainError):
        body = {
            "type": exc.code,
            "title": exc.__class__.__name__,
            "detail": exc.message,
            "errors": {getattr(exc, "field", None) or "non_field_errors": [exc.message]},
        }
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {
            "type": "invalid_input" if response.status_code == 400 else "error",
            "title": "Invalid input" if response.status_code == 400 else "Error",
            "detail": "The request has invalid fields.",
            "errors": response.data,
        }
    return response
