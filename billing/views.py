"""The office's invoice pages (dispatchers, the back office) under /billing/; the customer's
own are the portal's (portal/invoices.py). Thin: rules live in billing.services, reads in
billing.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fieldservice.errors import DomainError, NeedsConfirmation
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required
from tickets.models import Ticket

from . import documents, selectors, services
from .forms import CreditNoteForm, InvoiceFilterForm, LineForm, PaymentForm, PeriodForm
from .models import Invoice, InvoiceLine

PAGE = 50


def _filtered(form: InvoiceFilterForm):
    found = selectors.invoices()
    if not form.is_valid():
        return found
    show = form.cleaned_data["show"]
    if show == "open":
        found = selectors.open_invoices()
    elif show == "overdue":
        found = selectors.overdue_invoices()
    elif show == "draft":
        found = selectors.drafts()
    if form.cleaned_data["kind"]:
        found = found.filter(kind=form.cleaned_data["kind"])
    if q := form.cleaned_data["q"].strip():
        found = found.filter(Q(customer__name__icontains=q) | Q(number__icontains=q))
    return found


@dispatcher_required
@require_GET
def invoice_list(request):
    """The office's invoices, filtered, PAGE a page (the links to other pages keep the
    filters)."""
    form = InvoiceFilterForm(request.GET)
    found = _filtered(form).order_by("status", "-issued_on", "-pk")
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/invoices.html",
        {
            "form": form,
            "invoices": page.object_list,
            "page": page,
            "period": PeriodForm(),
            "error": errors_in_words(form) if form.errors else "",
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@dispatcher_required
@require_GET
def invoice_export(request):
    """Issued documents and their lines as CSV, streamed (the filters of the list apply)."""
    form = InvoiceFilterForm(request.GET)
    found = (
        _filtered(form)
        .filter(status=Invoice.Status.ISSUED)
        .select_related("corrects")
        .prefetch_related("lines")
        .order_by("issued_on", "pk")
    )
    answer = StreamingHttpResponse(
        documents.csv_rows(found.iterator(chunk_size=500)), content_type="text/csv"
    )
    answer["Content-Disposition"] = 'attachment; filename="invoices.csv"'
    return answer


def _office_invoice(invoice_id: int) -> Invoice:
    return get_object_or_404(documents.with_document_data(Invoice.objects.all()), pk=invoice_id)


@dispatcher_required
@require_GET
def invoice_detail(request, invoice_id: int):
    invoice = _office_invoice(invoice_id)
    country = invoice.company.country
    return render(
        request,
        "billing/invoice.html",
        {
            "invoice": invoice,
            "lines": [
                (line, LineForm(initial=_line_initial(line), country=country, prefix=f"l{line.pk}"))
                for line in invoice.lines.all()
            ],
            "new_line": LineForm(country=country, initial={"quantity": 1}),
            "payment": PaymentForm(),
            "credit": CreditNoteForm(),
            "groups": documents.breakdown(invoice).groups,
            "credit_notes": invoice.credit_notes.all(),
            "confirm_late": request.GET.get("confirm_late") == "1",
        },
    )


def _line_initial(line: InvoiceLine) -> dict:
    return {
        "description": line.description,
        "quantity": line.quantity.normalize(),
        "unit_price": line.unit_price,
        "discount_percent": line.discount_percent.normalize(),
        "tax_rate": line.tax_rate_id,
    }


def _refused(request, err: DomainError) -> None:
    messages.error(request, err.message)


@dispatcher_required
@require_POST
def line_add(request, invoice_id: int):
    invoice = get_object_or_404(Invoice.objects.select_related("company"), pk=invoice_id)
    form = LineForm(request.POST, country=invoice.company.country)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
    else:
        try:
            services.add_line(invoice, form.cleaned_data, by=request.user)
        except DomainError as err:
            _refused(request, err)
        else:
            messages.success(request, _("Line added."))
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_POST
def line_edit(request, invoice_id: int, line_id: int):
    line = get_object_or_404(
        InvoiceLine.objects.select_related("invoice__company"), pk=line_id, invoice_id=invoice_id
    )
    form = LineForm(request.POST, country=line.invoice.company.country, prefix=f"l{line.pk}")
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
    else:
        try:
            services.update_line(line, form.cleaned_data, by=request.user)
        except DomainError as err:
            _refused(request, err)
        else:
            messages.success(request, _("Line saved."))
    return redirect("billing:invoice", invoice_id)


@dispatcher_required
@require_POST
def line_remove(request, invoice_id: int, line_id: int):
    line = get_object_or_404(InvoiceLine, pk=line_id, invoice_id=invoice_id)
    try:
        services.remove_line(line, by=request.user)
    except DomainError as err:
        _refused(request, err)
    else:
        messages.success(request, _("Line removed."))
    return redirect("billing:invoice", invoice_id)


@dispatcher_required
@require_POST
def issue(request, invoice_id: int):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        invoice = services.issue_invoice(
            invoice, by=request.user, late_confirmed=request.POST.get("late") == "1"
        )
    except NeedsConfirmation as err:
        messages.warning(request, err.message)
        return redirect(reverse("billing:invoice", args=[invoice.pk]) + "?confirm_late=1")
    except DomainError as err:
        _refused(request, err)
    else:
        messages.success(request, _("Issued as %(number)s.") % {"number": invoice.number})
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_POST
def record_payment(request, invoice_id: int):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
    else:
        try:
            services.record_payment(invoice, by=request.user, **form.cleaned_data)
        except DomainError as err:
            _refused(request, err)
        else:
            messages.success(request, _("Payment recorded."))
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_POST
def credit(request, invoice_id: int):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("billing:invoice", invoice.pk)
    try:
        note = services.credit_note(invoice, reason=form.cleaned_data["reason"], by=request.user)
    except DomainError as err:
        _refused(request, err)
        return redirect("billing:invoice", invoice.pk)
    messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
    return redirect("billing:invoice", note.pk)


@dispatcher_required
@require_POST
def email(request, invoice_id: int):
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    try:
        services.email_invoice(invoice, by=request.user)
    except DomainError as err:
        _refused(request, err)
    else:
        messages.success(request, _("The invoice is on its way to the customer."))
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_GET
def invoice_pdf(request, invoice_id: int) -> HttpResponse:
    return documents.pdf_response(_office_invoice(invoice_id))


@dispatcher_required
@require_GET
def invoice_einvoice(request, invoice_id: int) -> HttpResponse:
    """The issued invoice's e-invoice file, validated first: a failing one goes back to the
    invoice with the message naming the field, and no file."""
    invoice = _office_invoice(invoice_id)
    try:
        name, content_type, content = documents.einvoice(invoice)
    except DomainError as refused:
        _refused(request, refused)
        return redirect("billing:invoice", invoice.pk)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@dispatcher_required
@require_POST
def draft_for_ticket(request, ticket_id: int):
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    try:
        invoice = services.draft_invoice_for_ticket(ticket, by=request.user)
    except DomainError as err:
        _refused(request, err)
        return redirect("desk:ticket", ticket.number)
    messages.success(request, _("Draft invoice made."))
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_POST
def draft_for_period(request):
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("billing:invoices")
    try:
        made = services.draft_invoices_for_period(
            form.cleaned_data["start"], form.cleaned_data["end"], by=request.user
        )
    except DomainError as err:
        _refused(request, err)
    else:
        messages.success(request, _("%(count)s draft invoices made.") % {"count": len(made)})
    return redirect(reverse("billing:invoices") + "?show=draft")
