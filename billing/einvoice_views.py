"""The invoice page's actions beyond drafting and payments: sending an Italian e-invoice to
the exchange, importing its receipt, issuing a rejected one again, and a credit note for
chosen lines and quantities. Thin: rules live in billing.services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fieldservice.errors import DomainError
from fieldservice.forms import errors_in_words
from fieldservice.roles import dispatcher_required

from .einvoice_forms import CreditLinesForm, ReceiptForm
from .models import Invoice
from .services import invoices, transmissions


def _invoice(invoice_id: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("company", "customer", "corrects"), pk=invoice_id
    )


@dispatcher_required
@require_POST
def send(request, invoice_id: int):
    invoice = _invoice(invoice_id)
    try:
        row = transmissions.send(invoice=invoice, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("%(file)s sent to the exchange.") % {"file": row.file_name})
    return redirect("billing:invoice", invoice.pk)


@dispatcher_required
@require_POST
def receipt(request, invoice_id: int):
    invoice = _invoice(invoice_id)
    form = ReceiptForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("billing:invoice", invoice.pk)
    try:
        row = transmissions.import_receipt(
            content=form.cleaned_data["receipt"].read(), by=request.user
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("billing:invoice", invoice.pk)
    if row.invoice_id != invoice.pk:
        messages.warning(
            request, _("That receipt was for %(file)s, another invoice.") % {"file": row.file_name}
        )
    else:
        messages.success(
            request, _("Receipt imported: %(state)s.") % {"state": row.get_state_display()}
        )
    return redirect("billing:invoice", row.invoice_id)


@dispatcher_required
@require_POST
def reissue(request, invoice_id: int):
    invoice = _invoice(invoice_id)
    try:
        draft = invoices.reissue_rejected(invoice=invoice, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("billing:invoice", invoice.pk)
    messages.success(
        request, _("Credited; correct this draft and issue it again under a new number.")
    )
    return redirect("billing:invoice", draft.pk)


@dispatcher_required
@require_http_methods(["GET", "POST"])
def credit_lines(request, invoice_id: int):
    """Choose the lines and quantities to credit (or cancel the whole invoice)."""
    invoice = _invoice(invoice_id)
    if invoice.is_draft or invoice.kind == Invoice.Kind.CREDIT_NOTE:
        messages.error(request, _("Only an issued invoice is credited."))
        return redirect("billing:invoice", invoice.pk)
    lines = invoices.left_to_credit(invoice)
    form = CreditLinesForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            note = invoices.credit_note(
                invoice,
                reason=form.cleaned_data["reason"],
                by=request.user,
                lines=form.quantities(),
                cancel=form.cleaned_data["cancel"],
            )
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("billing:invoice", note.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "billing/credit_lines.html", {"invoice": invoice, "form": form}, status=status
    )
