"""The managers' page: the figures for a period and filters, and the rows behind each."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fieldservice.forms import errors_in_words
from fieldservice.roles import manager_required

from . import export, selectors
from .forms import InsightsForm

ROWS_SHOWN = 200


@manager_required
def page(request):
    """Every figure for the period and filters given (the last 90 days by default)."""
    form = InsightsForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form), "exports": _exports()}
        return render(request, "insights/page.html", context, status=400)
    found = selectors.figures(form.scope(), now=timezone.now(), today=timezone.localdate())
    context = {
        "form": form,
        "found": found,
        "charts": selectors.charts(found),
        "query": form.query(),
        "start": form.cleaned_data["start"],
        "end": form.cleaned_data["end"],
        "exports": _exports(),
    }
    return render(request, "insights/page.html", context)


def _exports() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _resource, _rows) in export.OBJECTS.items()]


@manager_required
def rows(request, figure: str):
    """The tickets or visits one figure counts (the first 200, and how many in all)."""
    if figure not in selectors.FIGURES:
        raise Http404
    form = InsightsForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        return render(request, "insights/page.html", context, status=400)
    part = request.GET.get("part", "")[:100]
    kind, counted = selectors.counted(figure, form.scope(), part=part, now=timezone.now())
    context = {
        "figure": figure,
        "kind": kind,
        "rows": selectors.listed(kind, counted, limit=ROWS_SHOWN),
        "total": counted.count(),
        "query": form.query(),
        "start": form.cleaned_data["start"],
        "end": form.cleaned_data["end"],
    }
    return render(request, "insights/rows.html", context)


def _download(content: bytes | str, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=export.FORMATS[fmt].CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@manager_required
def export_objects(request, name: str, fmt: str):
    """Every customer (site, appliance, contract, part, technician) as CSV or XLSX."""
    if name not in export.OBJECTS or fmt not in export.FORMATS:
        raise Http404
    return _download(export.export_objects(name, fmt), name, fmt)


@manager_required
def export_rows(request, figure: str, fmt: str):
    """Every ticket or visit one figure counts, as CSV or XLSX."""
    if figure not in selectors.FIGURES or fmt not in export.FORMATS:
        raise Http404
    form = InsightsForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        return render(request, "insights/page.html", context, status=400)
    part = request.GET.get("part", "")[:100]
    kind, counted = selectors.counted(figure, form.scope(), part=part, now=timezone.now())
    return _download(export.export_rows(kind, counted, fmt), figure, fmt)
