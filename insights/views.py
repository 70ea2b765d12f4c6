"""The managers' page: the figures for a period and filters, and the rows behind each; a client
organization's administrator's page of the figures about its own service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fieldservice.errors import InvalidInput
from fieldservice.forms import errors_in_words
from fieldservice.roles import acting_customer, administrator_required, manager_required

from . import export, imports, selectors, services
from .forms import ConfirmImportForm, ImportForm, InsightsForm, OrganizationInsightsForm
from .models import ImportRun

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


@administrator_required
def organization(request):
    """The figures about the service of the organization in use, for its administrator: the
    period and filters given (the last 90 days by default), never another organization's."""
    form = OrganizationInsightsForm(request.GET)
    context: dict = {"form": form, "organization": acting_customer(request.user)}
    if not form.is_valid():
        context["error"] = errors_in_words(form)
        return render(request, "insights/organization.html", context, status=400)
    scope = form.scope(organization=context["organization"])
    context["found"] = selectors.organization_figures(
        scope, now=timezone.now(), today=timezone.localdate()
    )
    context["start"], context["end"] = form.cleaned_data["start"], form.cleaned_data["end"]
    return render(request, "insights/organization.html", context)


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


# A long file's preview lists every row with errors and the first valid ones: a page of
# 50,000 rows would not open.
PREVIEW_ROWS = 500


def _kind(request) -> imports.Kind:
    name = request.GET.get("kind") or imports.DEFAULT
    if name not in imports.KINDS:
        raise Http404
    return imports.KINDS[name]


def _page(kind: imports.Kind, **context) -> dict:
    return {"form": ImportForm(), "kind": kind, "kinds": imports.KINDS.values(), **context}


@manager_required
def import_upload(request):
    """The upload form for one kind of import (GET, `?kind=`); a file's preview, every row with
    its errors by column (POST). Nothing is written here: the file is kept for its
    confirmation."""
    kind = _kind(request)
    if request.method != "POST":
        return render(request, "insights/import.html", _page(kind))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _page(kind, form=form, error=errors_in_words(form))
        return render(request, "insights/import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        imports.check_size(upload.size)
        content = upload.read()
        rows = kind.check_rows(imports.read_file(name=upload.name, content=content, kind=kind.name))
    except InvalidInput as err:
        context = _page(kind, form=form, error=err.message)
        return render(request, "insights/import.html", context, status=400)
    invalid = sum(1 for row in rows if not row.valid)
    token = imports.stage(
        user_id=request.user.pk, kind=kind.name, name=upload.name, content=content, invalid=invalid
    )
    return render(request, "insights/import.html", _preview(kind, rows, token, upload.name))


def _preview(kind: imports.Kind, rows: list[imports.Row], token: str, name: str) -> dict:
    invalid = [row for row in rows if not row.valid]
    shown = rows
    if len(rows) > PREVIEW_ROWS:
        valid = [row for row in rows if row.valid][: max(0, PREVIEW_ROWS - len(invalid))]
        shown = sorted(invalid[:PREVIEW_ROWS] + valid, key=lambda row: row.line)
    return _page(
        kind,
        rows=shown,
        total=len(rows),
        columns=kind.columns,
        invalid=len(invalid),
        valid=len(rows) - len(invalid),
        file_name=name,
        confirm=ConfirmImportForm(initial={"token": token}),
    )


@require_POST
@manager_required
def import_confirm(request):
    """Write the previewed file: all of it when every row is valid, or only its valid rows
    when the manager chose so (a Celery task, whose progress the next page shows); otherwise
    nothing, and the preview again."""
    form = ConfirmImportForm(request.POST)
    kept = imports.staged(user_id=request.user.pk, token=form.data.get("token", ""))
    if not form.is_valid() or kept is None:
        messages.error(request, _("Upload the file again: its preview has expired."))
        return redirect("insights:import")
    token, kind = form.cleaned_data["token"], imports.KINDS[kept.kind]
    only_valid = form.cleaned_data["only_valid"]
    if kept.invalid and not only_valid:
        rows = kind.check_rows(
            imports.read_file(name=kept.name, content=kept.content, kind=kind.name)
        )
        try:
            imports.ensure_importable(rows, only_valid=False)
        except InvalidInput as err:
            context = {**_preview(kind, rows, token, kept.name), "error": err.message}
            return render(request, "insights/import.html", context, status=400)
    run = services.queue_import(
        by=request.user,
        kind=kind.name,
        name=kept.name,
        content=kept.content,
        only_valid=only_valid,
        language=request.LANGUAGE_CODE,
    )
    imports.unstage(user_id=request.user.pk, token=token)
    return redirect("insights:import_run", run_id=run.pk)


@manager_required
def import_run(request, run_id: int):
    """A confirmed import: its progress while it runs (the fragment polls itself), then what
    it wrote or why it wrote nothing. Only the manager who confirmed it sees it."""
    run = get_object_or_404(ImportRun.objects.filter(requested_by=request.user), pk=run_id)
    kind = imports.KINDS.get(run.kind) or imports.KINDS[imports.DEFAULT]
    state = selectors.import_state(run)
    counts = kind.labelled(state["done"]) if state["done"] else []
    context = _page(kind, run=run, counts=counts, **state)
    template = "insights/_import_run.html" if request.htmx else "insights/import_run.html"
    return render(request, template, context)


@manager_required
def import_template(request, fmt: str):
    """One kind's columns with an example row, as CSV or XLSX (`?kind=`)."""
    if fmt not in export.FORMATS:
        raise Http404
    kind = _kind(request)
    return _download(kind.template(fmt), f"{kind.name}-import-template", fmt)
