"""Pages of today's changes during the day: fit an emergency in now, re-plan the rest of
today (planned by a worker, its progress shown). Each shows only the routes that change;
"Apply" applies them with a required reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.roles import dispatcher_required
from tickets.models import Visit

from ..models import PlanRun
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
def rest_of_day_start(request):
    """The page that asks for a re-plan of the rest of today (GET), and queues one (POST)."""
    if request.method != "POST":
        return render(request, "dispatch/rest_of_day_start.html")
    run = rest_of_day.request_rest_of_day(by=request.user)
    return redirect("plan:rest_of_day_run", run_id=run.pk)


def _rest_of_day_run(run_id: int) -> PlanRun:
    return get_object_or_404(PlanRun, pk=run_id, kind=PlanRun.Kind.REST_OF_DAY)


@dispatcher_required
def rest_of_day_run(request, run_id: int):
    """A queued re-plan: its progress while a worker plans, then the routes that change."""
    run = _rest_of_day_run(run_id)
    template = "dispatch/_rest_of_day_body.html" if request.htmx else "dispatch/rest_of_day.html"
    return render(request, template, {"run": run, "proposal": run.preview})


@require_POST
@dispatcher_required
def rest_of_day_apply(request):
    run_id = request.POST.get("run", "")
    run = _rest_of_day_run(int(run_id)) if run_id.isdigit() else None
    try:
        rest_of_day.apply_rest_of_day(
            token=request.POST.get("token", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
            run=run,
        )
    except DomainError as err:
        messages.error(request, err.message)
        if run is not None:
            return redirect("plan:rest_of_day_run", run_id=run.pk)
        return redirect("plan:rest_of_day")
    messages.success(request, _("The rest of today was planned again."))
    return redirect("/dispatch/")
