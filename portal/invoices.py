"""The customer's invoices and credit notes in the portal: the list with what is left to pay,
each document as a page and as its PDF. Another customer's document is a 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from billing import documents, selectors
from billing.models import Invoice
from fieldservice.roles import acting_customer, administrator_required


def _customer(request):
    customer = acting_customer(request.user)
    if customer is None:
        raise Http404
    return customer


def _mine(request, invoice_id: int) -> Invoice:
    return get_object_or_404(
        documents.with_document_data(selectors.customer_invoices(_customer(request))),
        pk=invoice_id,
    )


@administrator_required
@require_GET
def invoices(request):
    return render(
        request,
        "portal/invoices.html",
        {
            "invoices": selectors.customer_invoices(_customer(request)),
            "today": timezone.localdate(),
        },
    )


@administrator_required
@require_GET
def invoice(request, invoice_id: int):
    return HttpResponse(
        documents.as_html(
            _mine(request, invoice_id),
            language=request.LANGUAGE_CODE,
            back_url=reverse("portal:invoices"),
        )
    )


@administrator_required
@require_GET
def invoice_pdf(request, invoice_id: int):
    return documents.pdf_response(_mine(request, invoice_id))
