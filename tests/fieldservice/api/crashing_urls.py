"""The project's URLs with two views under /api/ that fail as an unknown bug would: one of the
API's (DRF) and one plain Django view. Tests of the 500 answer route through this module."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from fieldservice.urls import handler400, handler404, handler500
from fieldservice.urls import urlpatterns as project_urls

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


class Crash(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a bug nobody expected")


def plain_crash(request):
    raise RuntimeError("a bug nobody expected, outside DRF")


urlpatterns = [
    path("api/crash/", Crash.as_view()),
    path("api/plain-crash/", plain_crash),
    *project_urls,
]
