"""Pages that belong to no app: the landing page, a liveness probe and the 404 answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.defaults import page_not_found

from . import roles
from .api import problem


@login_required
def home(request):
    """Where each role starts: dispatchers on the board, customers in the portal."""
    if roles.has_role(request.user, roles.CUSTOMER):
        return redirect("portal:home")
    return render(request, "home.html")


def healthz(request):
    """Liveness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """A path nobody routes: the problem shape under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        body = problem(
            code="not_found", title="Not found", status=404, detail="No such address in the API."
        )
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
