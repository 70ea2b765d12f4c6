"""The ticket list: filtered, searched, sorted, saved filters, CSV and XLSX export."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets.models import Ticket

from .. import export, selectors
from .. import services as desk_services
from ..forms import (
    TicketFilterForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dispatcher_required
def ticket_list(request):
    """Every ticket the agent may see, filtered, searched and sorted, 50 a page; the results
    alone for htmx, which sends the filters as they change."""
    form = TicketFilterForm(request.GET)
    context: dict = {"form": form, "saved_filters": selectors.saved_filters(user=request.user)}
    if not form.is_valid():
        context["error"] = errors_in_words(form)
    else:
        tickets = selectors.ticket_list(user=request.user, filters=form.filters())
        page = Paginator(tickets, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [(t, selectors.technician_names(t)) for t in page.object_list]
        context.update(page=page, rows=rows, query=form.query(), sort=form.filters().sort)
    status = 400 if "error" in context else 200
    if not request.htmx:
        return render(request, "desk/tickets.html", context, status=status)
    response = render(request, "desk/_ticket_results.html", context, status=status)
    if "query" in context:
        # The address bar shows the filters given, not every empty field htmx sends.
        response["HX-Push-Url"] = _list_url(context["query"])
    return response


def _filtered_for_export(request) -> tuple[QuerySet[Ticket] | None, HttpResponse | None]:
    form = TicketFilterForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return None, render(request, "desk/tickets.html", context, status=400)
    return selectors.ticket_list(user=request.user, filters=form.filters()), None


@dispatcher_required
def ticket_export(request):
    """The filtered list (every page of it) as CSV, streamed row by row."""
    tickets, refused = _filtered_for_export(request)
    if tickets is None:
        return refused
    response = StreamingHttpResponse(export.ticket_rows(tickets), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="tickets.csv"'
    return response


@dispatcher_required
def ticket_export_xlsx(request):
    """The filtered list (every page of it) as an XLSX workbook, the same rows as the CSV."""
    tickets, refused = _filtered_for_export(request)
    if tickets is None:
        return refused
    response = HttpResponse(export.ticket_workbook(tickets), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tickets.xlsx"'
    return response


@require_POST
@dispatcher_required
def save_filter(request):
    try:
        saved = desk_services.save_filter(
            user=request.user,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except DomainError as err:
        form = TicketFilterForm(QueryDict(request.POST.get("query", "")))
        context = {"form": form, "error": err.message}
        context["saved_filters"] = selectors.saved_filters(user=request.user)
        return render(request, "desk/tickets.html", context, status=400)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(_list_url(saved.query))


@dispatcher_required
def apply_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    return redirect(_list_url(saved.query))


@require_POST
@dispatcher_required
def delete_filter(request, filter_id):
    saved = get_object_or_404(selectors.saved_filters(user=request.user), pk=filter_id)
    desk_services.delete_filter(saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect("desk:tickets")


def _list_url(query: str) -> str:
    return f"{reverse('desk:tickets')}?{query}" if query else reverse("desk:tickets")
