"""Pages of today's changes during the day: fit an emergency in now, re-plan the rest of
today. Each shows only the routes that change; "Apply" applies them with a required reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import dispatcher_required
from tickets.models import Visit

from . import now as fit_in
from . import rest_of_day


def _visit(visit_id: int) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("ticket__customer", "ticket__site"), pk=visit_id
    )


@dispatcher_required
def fit_in_preview(request, visit_id: int):
    visit = _visit(visit_id)
    context: dict = {"visit": visit}
    try:
        context["proposal"] = fit_in.propose_fit_in(visit=visit)
    except DomainError as err:
        context["error"] = err.message
    return render(
        request, "dispatch/fit_in.html", context, status=409 if "error" in context else 200
    )


@require_POST
@dispatcher_required
def fit_in_apply(request, visit_id: int):
    visit = _visit(visit_id)
    try:
        fit_in.apply_fit_in(
            token=request.POST.get("token", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("plan:fit_in", visit_id=visit.pk)
    messages.success(request, _("The emergency was fitted in and everyone concerned is told."))
    return redirect("/dispatch/")


@dispatcher_required
def rest_of_day_preview(request):
    context: dict = {}
    try:
        context["proposal"] = rest_of_day.propose_rest_of_day()
    except DomainError as err:
        context["error"] = err.message
    return render(
        request, "dispatch/rest_of_day.html", context, status=409 if "error" in context else 200
    )


@require_POST
@dispatcher_required
def rest_of_day_apply(request):
    try:
        rest_of_day.apply_rest_of_day(
            token=request.POST.get("token", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("plan:rest_of_day")
    messages.success(request, _("The rest of today was planned again."))
    return redirect("/dispatch/")
