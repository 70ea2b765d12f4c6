"""The managers' page: the figures for a period and filters, and the rows behind each."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import InvalidInput
from fieldservice.forms import errors_in_words
from fieldservice.roles import manager_required

from . import export, imports, selectors, services
from .forms import ConfirmImportForm, ImportForm, InsightsForm

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


@manager_required
def import_upload(request):
    """The upload form (GET); a file's preview, every row with its errors by column (POST).
    Nothing is written here: the file is kept for its confirmation."""
    if request.method != "POST":
        return render(request, "insights/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = {"form": form, "error": errors_in_words(form)}
        return render(request, "insights/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        imports.check_size(upload.size)
        content = upload.read()
        rows = imports.check_rows(imports.read_file(name=upload.name, content=content))
    except InvalidInput as err:
        context = {"form": form, "error": err.message}
        return render(request, "insights/import.html", context, status=400)
    token = imports.stage(user_id=request.user.pk, name=upload.name, content=content)
    return render(request, "insights/import.html", _preview(rows, token, upload.name))


def _preview(rows: list[imports.Row], token: str, name: str) -> dict:
    invalid = sum(1 for row in rows if not row.valid)
    return {
        "form": ImportForm(),
        "rows": rows,
        "columns": imports.COLUMNS,
        "invalid": invalid,
        "valid": len(rows) - invalid,
        "file_name": name,
        "confirm": ConfirmImportForm(initial={"token": token}),
    }


@require_POST
@manager_required
def import_confirm(request):
    """Write the previewed file: all of it when every row is valid, or only its valid rows
    when the manager chose so; otherwise nothing, and the preview again."""
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Upload the file again: its preview has expired."))
        return redirect("insights:import")
    token = form.cleaned_data["token"]
    kept = imports.staged(user_id=request.user.pk, token=token)
    if kept is None:
        messages.error(request, _("Upload the file again: its preview has expired."))
        return redirect("insights:import")
    name, content = kept
    rows = imports.check_rows(imports.read_file(name=name, content=content))
    try:
        done = services.import_customers(rows=rows, only_valid=form.cleaned_data["only_valid"])
    except InvalidInput as err:
        context = {**_preview(rows, token, name), "error": err.message}
        return render(request, "insights/import.html", context, status=400)
    imports.unstage(user_id=request.user.pk, token=token)
    return render(request, "insights/import.html", {"form": ImportForm(), "done": done})


@manager_required
def import_template(request, fmt: str):
    """The import's columns with an example row, as CSV or XLSX."""
    if fmt not in export.FORMATS:
        raise Http404
    return _download(imports.template(fmt), "customers-import-template", fmt)
