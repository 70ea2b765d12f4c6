"""The dispatcher's pages: the day board, its queue, the ticket panel, suggestions, intake."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fieldservice import localformat
from fieldservice.errors import (
    BreaksPromisedWindow,
    DomainError,
    InvalidInput,
    MissingCertification,
    MissingSkill,
    OutsideWorkingHours,
)
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from inventory import selectors as stock
from technicians.models import Skill, Technician
from technicians.selectors import courses_valid_on
from tickets import selectors as ticket_selectors
from tickets import services as ticket_services
from tickets.models import MaintenanceOccurrence, Ticket, Visit
from tickets.selectors import history_lines, tickets_for, visits_for
from tickets.services.maintenance import skip_occurrence

from . import selectors, services
from .crew import add_helper, remove_helper
from .forms import AssignForm, BoardFilterForm, CrewForm, DayForm, TierForm
from .suggestions import first_days_someone_can, suggest

OVERRIDABLE = (MissingSkill, MissingCertification, OutsideWorkingHours)
# Preventive visits listed beside the queue (upcoming in 14 days, overdue), each list at most.
MAINTENANCE_SHOWN = 50
# Visits shown in the queue (the template shows as many).
QUEUE_SHOWN = 200


def _board_context(request, day: datetime.date | None = None) -> dict:
    form = BoardFilterForm(request.GET or None)
    form.is_valid()
    # What passed is used even if something else did not; the board view says what did not.
    filters = getattr(form, "cleaned_data", {})
    day = day or filters.get("day") or timezone.localdate()
    hours = range(selectors.BOARD_START_HOUR, selectors.BOARD_END_HOUR)
    overdue, upcoming = ticket_selectors.maintenance_board(
        today=timezone.localdate(), limit=MAINTENANCE_SHOWN
    )
    queue = list(
        selectors.queue(
            skill=filters.get("skill") or "",
            area=filters.get("area") or "",
            priority=filters.get("priority") or "",
            day=day,
        )
    )
    # A follow-up that waits for its parts says so, and when they are due (one query or two).
    parts = stock.parts_status([visit.ticket_id for visit in queue[:QUEUE_SHOWN]])
    for visit in queue:
        visit.parts = parts.get(visit.ticket_id)
    # The day as a timeline of lanes, or on a map (routes, markers, the queue as a layer).
    view = "map" if request.GET.get("view") == "map" else "timeline"
    return {
        "view": view,
        "day_map": selectors.day_map(
            day=day,
            skill=filters.get("skill") or "",
            area=filters.get("area") or "",
            priority=filters.get("priority"),
        )
        if view == "map"
        else None,
        "maintenance_overdue": overdue,
        "maintenance_upcoming": upcoming,
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "week": localformat.week_of(day),
        "today": timezone.localdate(),
        "rows": selectors.board_rows(day=day) if view == "timeline" else [],
        "queue": queue,
        "hours": hours,
        "hour_width": 100 / len(hours),
        "filters": form,
        "skills": Skill.objects.order_by("name"),
        "version": selectors.board_version(),
        "now": timezone.now(),
    }


@dispatcher_required
def board(request):
    context = _board_context(request)
    template = "dispatch/_board.html" if request.GET.get("partial") else "dispatch/board.html"
    if context["filters"].errors:
        context["error"] = errors_in_words(context["filters"])
        return render(request, template, context, status=400)
    return render(request, template, context)


@require_GET
@dispatcher_required
def board_version(request):
    return JsonResponse({"version": selectors.board_version()})


def _board_reply(request, day, *, error=None, override=None, promise=None, status=200):
    context = _board_context(request, day)
    context.update(error=error, override=override, promise=promise)
    return render(request, "dispatch/_board.html", context, status=status)


@require_POST
@dispatcher_required
def assign(request):
    form = AssignForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return _board_reply(
            request, None, error=_("Invalid request: %(e)s") % {"e": errors}, status=400
        )
    data = form.cleaned_data
    visit = get_object_or_404(visits_for(request.user), pk=data["visit"])
    technician = get_object_or_404(Technician, pk=data["technician"], active=True)
    day = data["start"].date()
    try:
        services.assign_visit(
            visit=visit,
            technician=technician,
            start=data["start"],
            by=request.user,
            override_reason=data["override_reason"],
            window_reason=data["window_reason"],
            expected_version=data["version"],
        )
    except DomainError as err:
        override = data if isinstance(err, OVERRIDABLE) and not data["override_reason"] else None
        promise = data if isinstance(err, BreaksPromisedWindow) else None
        return _board_reply(
            request, day, error=err.message, override=override, promise=promise, status=409
        )
    return _board_reply(request, day)


@require_POST
@dispatcher_required
def unassign(request, visit_id: int):
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    day = timezone.localdate(visit.planned_start) if visit.planned_start else None
    try:
        services.unassign_visit(visit=visit, by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as err:
        return _board_reply(request, day, error=err.message, status=409)
    return _board_reply(request, day)


def _panel(request, ticket: Ticket, *, error: str = "", status: int = 200):
    ticket = (
        tickets_for(request.user)
        .select_related("held_by")
        .prefetch_related(
            "error_codes__parts",
            "error_codes__skills",
            "required_skills",
            "visits__technician__user",
            "visits__bookings__technician__user",
        )
        .get(pk=ticket.pk)
    )
    return render(
        request,
        "dispatch/_panel.html",
        {
            "ticket": ticket,
            "history": history_lines(ticket),
            "error": error,
            "tier_form": TierForm(),
            "day": request.GET.get("day") or timezone.localdate().isoformat(),
            "technicians": selectors.technicians_to_choose(),
        },
        status=status,
    )


@dispatcher_required
def panel(request, ticket_id: int):
    return _panel(request, get_object_or_404(tickets_for(request.user), pk=ticket_id))


@require_POST
@dispatcher_required
def change_tier(request, ticket_id: int):
    ticket = get_object_or_404(tickets_for(request.user), pk=ticket_id)
    form = TierForm(request.POST)
    if not form.is_valid():
        return _panel(
            request,
            ticket,
            error=errors_in_words(form),
            status=400,
        )
    change = (
        ticket_services.escalate
        if form.cleaned_data["direction"] == "up"
        else ticket_services.deescalate
    )
    try:
        change(ticket=ticket, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as err:
        return _panel(request, ticket, error=err.message, status=409)
    return _panel(request, ticket)


@require_POST
@dispatcher_required
def crew(request, visit_id: int):
    """Add a helper to a scheduled visit's crew, or take one off; the panel shows the crew."""
    visit = get_object_or_404(visits_for(request.user), pk=visit_id)
    form = CrewForm(request.POST)
    if not form.is_valid():
        return _panel(request, visit.ticket, error=errors_in_words(form), status=400)
    data = form.cleaned_data
    try:
        if data["action"] == "remove":
            remove_helper(visit=visit, technician=data["technician"], by=request.user)
        else:
            add_helper(
                visit=visit,
                technician=data["technician"],
                by=request.user,
                override_reason=data["override_reason"],
            )
    except DomainError as err:
        return _panel(request, visit.ticket, error=err.message, status=409)
    return _panel(request, visit.ticket)


@dispatcher_required
def suggestions(request, visit_id: int):
    visit = get_object_or_404(
        visits_for(request.user).filter(
            status__in=[Visit.Status.UNASSIGNED, Visit.Status.SCHEDULED]
        ),
        pk=visit_id,
    )
    form = DayForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "dispatch/_suggestions.html",
            {"visit": visit, "error": errors_in_words(form)},
            status=400,
        )
    day = form.cleaned_data["day"] or timezone.localdate()
    try:
        ranked, ineligible = suggest(visit=visit, day=day)
    except DomainError as err:
        context = {"visit": visit, "error": err.message}
        return render(request, "dispatch/_suggestions.html", context, status=409)
    later = [] if ranked else first_days_someone_can(visit=visit, after=day)
    # Beside each, what they were trained on (training records; skills decided the ranking).
    courses = courses_valid_on(technician_ids=[s.technician.pk for s in ranked[:10]], day=day)
    return render(
        request,
        "dispatch/_suggestions.html",
        {
            "visit": visit,
            "day": day,
            "ranked": [(s, courses.get(s.technician.pk, [])) for s in ranked[:10]],
            "ineligible": ineligible,
            "later": later,
        },
    )


@require_POST
@dispatcher_required
def skip_maintenance(request, occurrence_id: int):
    """Skip a due preventive visit, saying why (its visit is cancelled, the occurrence kept as
    skipped with the reason); back to the board with what happened."""
    occurrence = get_object_or_404(MaintenanceOccurrence, pk=occurrence_id)
    try:
        skip_occurrence(
            occurrence=occurrence, reason=request.POST.get("reason", ""), by=request.user
        )
    except InvalidInput as err:
        messages.error(
            request, _("%(field)s: %(errors)s") % {"field": _("Reason"), "errors": err.message}
        )
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("The maintenance visit is skipped."))
    return redirect("dispatch:board")
