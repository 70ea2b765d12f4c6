"""The technician's phone pages (/tech/): today's jobs in order, one job, one-tap status steps."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import technician_required

from . import services, tech_selectors
from .models import Visit
from .selectors import visits_for

STEPS = {"en_route": _("On my way"), "on_site": _("Arrived"), "completed": _("Done")}


@technician_required
def today(request):
    visits = tech_selectors.day_visits(technician=request.user.technician)
    return render(request, "tech/today.html", {"visits": visits})


@technician_required
def job(request, visit_id: int):
    visit = get_object_or_404(
        visits_for(request.user).prefetch_related("ticket__error_codes__parts"), pk=visit_id
    )
    return render(
        request,
        "tech/job.html",
        {"visit": visit, "steps": STEPS, "outcomes": Visit.Outcome.choices[1:]},
    )


@require_POST
@technician_required
def step(request, visit_id: int):
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    to = request.POST.get("to", "")
    try:
        version = int(request.POST.get("version") or 0) or None
    except ValueError:
        version = None
    try:
        services.transition_visit(
            visit=visit,
            to=to,
            by=request.user,
            reason=request.POST.get("reason", ""),
            outcome=request.POST.get("outcome", ""),
            expected_version=version,
        )
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("tech:job", visit_id=visit.pk)
