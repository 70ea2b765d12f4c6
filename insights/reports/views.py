"""The client report's pages: an administrator of the organization in use sees its figures
for a period, and downloads its rows as CSV or the whole report as PDF. Requesters and
approvers are refused as on the portal's other administrators' pages; every read is of the
organization in use only."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fieldservice.forms import errors_in_words
from fieldservice.roles import acting_customer, administrator_required

from . import documents, selectors
from .forms import PeriodForm


def _organization(request):
    organization = acting_customer(request.user)
    if organization is None:
        raise Http404
    return organization


def _refused(request, form: PeriodForm) -> HttpResponse:
    context = {"form": form, "error": errors_in_words(form)}
    return render(request, "reports/report.html", context, status=400)


@administrator_required
@require_GET
def report(request):
    """The period's figures and tables (last month by default)."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    found = selectors.client_report(
        organization=_organization(request), period=form.period(), now=timezone.now()
    )
    return render(
        request, "reports/report.html", {"form": form, "report": found, "query": form.query()}
    )


def _download(content: bytes | str, *, content_type: str, name: str) -> HttpResponse:
    answer = HttpResponse(content, content_type=content_type)
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer


@administrator_required
@require_GET
def report_csv(request, rows: str):
    """The period's tickets or visits as CSV."""
    if rows not in documents.ROWS:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    organization, period = _organization(request), form.period()
    if rows == "tickets":
        cells = documents.ticket_cells(selectors.report_tickets(organization, period))
    else:
        visits = selectors.report_visits(organization, period)
        cells = documents.visit_cells(selectors.visit_rows(visits))
    return _download(
        documents.as_csv(cells, language=request.LANGUAGE_CODE),
        content_type="text/csv; charset=utf-8",
        name=f"{rows}-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.csv",
    )


@administrator_required
@require_GET
def report_pdf(request):
    """The whole report as one PDF, in the reader's language."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    found = selectors.client_report(
        organization=_organization(request), period=form.period(), now=timezone.now()
    )
    return _download(
        documents.as_pdf(found, language=request.LANGUAGE_CODE),
        content_type="application/pdf",
        name=f"report-{found.period.first:%Y-%m-%d}-{found.period.last:%Y-%m-%d}.pdf",
    )
