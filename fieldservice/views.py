"""Pages that belong to no app: the landing page and a liveness probe."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


@login_required
def home(request):
    """Where each role starts: dispatchers on the board, customers in the portal."""
    from django.shortcuts import redirect

    from . import roles

    if roles.has_role(request.user, roles.CUSTOMER):
        return redirect("portal:home")
    return render(request, "home.html")


def healthz(request):
    """Liveness: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
