"""Pages of notifications that work without logging in: the unsubscribe link."""

from __future__ import annotations

from django.shortcuts import render

from fieldservice.errors import DomainError

from . import services


def unsubscribe(request, token: str):
    """GET shows a confirm button (mail scanners follow links); POST unsubscribes."""
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except DomainError as err:
            return render(
                request, "notifications/unsubscribe.html", {"error": err.message}, status=400
            )
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {})
