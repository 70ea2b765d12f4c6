"""The project's URLs with two views under /api/ that fail as an unknown bug would: one of the
API's (DRF) and one plain Django view; and a middleware that fails the same way on one address.
Tests of the 500 answer route through this module."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from fieldservice.urls import handler404
from fieldservice.urls import urlpatterns as project_urls

__all__ = ["handler404", "urlpatterns"]


class Crash(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug nobody expected")


def plain_crash(request):
    raise RuntimeError("a bug nobody expected, outside DRF")


class CrashingMiddleware:
    """Added to MIDDLEWARE by the tests that need it: fails before any view on its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/api/middleware-crash/":
            raise RuntimeError("a bug nobody expected, in a middleware")
        return self.get_response(request)


urlpatterns = [
    path("api/crash/", Crash.as_view()),
    path("api/plain-crash/", plain_crash),
    *project_urls,
]
