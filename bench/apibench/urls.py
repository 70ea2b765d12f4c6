"""The project's URLs plus /bench/minimal: the framework's floor, one query and a JSON answer."""

from django.http import JsonResponse
from django.urls import include, path

from tickets.models import Visit


def minimal(request):
    first = Visit.objects.order_by("pk").values_list("status", flat=True).first()
    return JsonResponse({"status": first})


urlpatterns = [
    path("bench/minimal", minimal),
    path("", include("fieldservice.urls")),
]
