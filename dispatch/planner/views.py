"""Pages of the automatic day planner: request a plan, watch its progress, review, accept."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError, StaleVersion
from fieldservice.roles import dispatcher_required

from ..models import PlanRun
from . import services as day_plans


def _board_url(day: datetime.date) -> str:
    return f"/dispatch/?day={day.isoformat()}"


@require_POST
@dispatcher_required
def request_plan(request):
    try:
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
        time_limit = float(
            request.POST.get("time_limit") or settings.FIELDSERVICE["PLAN_TIME_LIMIT_SECONDS"]
        )
    except ValueError:
        messages.error(request, _("Choose a valid day and time limit to plan."))
        return redirect("/dispatch/")
    # The board's "Plan this week" button, with its number of days; or a run planned again.
    if request.POST.get("plan_week"):
        days_asked = request.POST.get("week_days") or "7"
    else:
        days_asked = request.POST.get("days") or "1"
    # Not a number: 0 days, which the service refuses with its message.
    days = int(days_asked) if days_asked.isdigit() else 0
    try:
        run = day_plans.request_day_plan(
            day=day,
            area=request.POST.get("area", "").strip(),
            time_limit=time_limit,
            may_break_windows=request.POST.get("may_break_windows") == "on",
            days=days,
            by=request.user,
        )
    except DomainError as err:
        messages.error(request, err.message)
        # A refused day may be one the board cannot show either: go back to today's.
        return redirect("/dispatch/" if err.field == "day" else _board_url(day))
    return redirect("plan:detail", run_id=run.pk)


@dispatcher_required
def detail(request, run_id: int):
    run = get_object_or_404(PlanRun, pk=run_id, kind=PlanRun.Kind.PLAN)
    template = "dispatch/_plan_body.html" if request.htmx else "dispatch/plan.html"
    # A plan of several days: its days as dates, for the local formats.
    week_days = [
        {**d, "date": datetime.date.fromisoformat(d["date"])}
        for d in (run.preview or {}).get("days", [])
    ]
    context = {"run": run, "board_url": _board_url(run.day), "week_days": week_days}
    return render(request, template, context)


@require_POST
@dispatcher_required
def apply(request, run_id: int):
    run = get_object_or_404(PlanRun, pk=run_id, kind=PlanRun.Kind.PLAN)
    try:
        day_plans.apply_day_plan(run=run, by=request.user)
    except StaleVersion as err:
        messages.error(request, err.message)
        return redirect("plan:detail", run_id=run.pk)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("plan:detail", run_id=run.pk)
    messages.success(request, _("The plan was applied."))
    return redirect(_board_url(run.day))
