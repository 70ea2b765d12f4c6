"""Pages of notifications that work without logging in: the unsubscribe link."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import technician_required

from . import services
from .models import CalendarFeed


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


def feed(request, token: str):
    """A technician's calendar feed: the secret token is the only key, so no login."""
    calendar_feed = get_object_or_404(
        CalendarFeed.objects.select_related("technician__user"), token=token
    )
    return HttpResponse(
        services.feed_calendar(calendar_feed), content_type="text/calendar; charset=utf-8"
    )


@require_POST
@technician_required
def manage_feed(request):
    """Create a new private feed URL (the old one stops working), or revoke it."""
    if request.POST.get("action") == "revoke":
        services.revoke_feed(technician=request.user.technician)
    else:
        services.issue_feed(technician=request.user.technician)
    return redirect("tech:today")
