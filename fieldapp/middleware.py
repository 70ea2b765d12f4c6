"""Tells the technician app's service worker whose pages it is given (issue 26).

Every answer under /tech/ to a signed-in user carries ``X-Offline-Cache``: a key derived from
the user and the session. The service worker keeps a page only in the cache named after that
key and, offline, serves only from the cache of the key it last saw; an answer without the key
(signed out, session over) makes it drop the pages it kept. A new session is a new key, so the
copies of a session that ended are never served again."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

HEADER = "X-Offline-Cache"
PREFIX = "/tech/"


def offline_cache_key(request) -> str:
    """The signed-in user's key for this session: stable while the session lasts."""
    value = f"{request.user.pk}:{request.session.session_key or ''}"
    return salted_hmac("fieldapp.offline-cache", value, algorithm="sha256").hexdigest()[:32]


class OfflineCacheKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(PREFIX) and user is not None and user.is_authenticated:
            response[HEADER] = offline_cache_key(request)
        return response
