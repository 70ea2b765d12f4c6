"""An invoice meets the e-invoice modules: its business rules are checked before it takes a
number, and an issued invoice exports as FatturaPA (an Italian company) or Factur-X."""

from __future__ import annotations

import pytest
from django.urls import reverse
from facturx import get_xml_from_pdf
from lxml import etree

from billing import documents
from billing.einvoice.errors import EInvoiceInvalid
from billing.models import Invoice, InvoiceLine, NumberSeries
from billing.services import draft_invoice_for_ticket, issue_invoice
from billing.services.einvoices import document_for
from customers.models import Site
from tests.billing.helpers import completed_work, ensure_rates_and_company

pytestmark = pytest.mark.django_db


def _issued(country: str, vat_number: str) -> Invoice:
    company = ensure_rates_and_company(country)
    company.vat_number, company.legal_name = vat_number, "Acme Service"
    company.address, company.postal_code, company.city = "Via Roma 1", "00100", "Roma"
    company.save()
    ticket = completed_work()
    Site.objects.filter(customer=ticket.customer).update(
        address="Via Po 2", postal_code="10123", city="Torino"
    )
    invoice = draft_invoice_for_ticket(ticket, by=None)
    return issue_invoice(invoice, by=None)


def test_an_exempt_line_without_its_legal_reason_is_refused_before_it_takes_a_number():
    ensure_rates_and_company("IT")
    invoice = draft_invoice_for_ticket(completed_work(), by=None)
    line = invoice.lines.order_by("position").last()
    InvoiceLine.objects.filter(pk=line.pk).update(category="E", rate=0, exemption_reason="")

    with pytest.raises(EInvoiceInvalid) as refused:
        issue_invoice(invoice, by=None)

    assert "exemption_reason" in refused.value.field
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.number is None
    assert not NumberSeries.objects.filter(last_number__gt=0).exists()


def test_the_document_of_an_issued_invoice_carries_its_number_and_totals():
    invoice = _issued("IT", "IT00743110157")

    document = document_for(invoice)

    assert document.number == invoice.number
    assert document.grand_total == invoice.gross_total
    assert sum(line.net_amount for line in document.lines) == invoice.net_total


def test_an_italian_companys_invoice_exports_as_fatturapa_xml(dispatcher_client):
    invoice = _issued("IT", "IT00743110157")

    response = dispatcher_client.get(reverse("billing:einvoice", args=[invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="IT00743110157_')
    root = etree.fromstring(response.content)
    assert root.findtext(".//DatiGeneraliDocumento/Numero") == invoice.number
    assert root.findtext(".//DatiGeneraliDocumento/ImportoTotaleDocumento") == str(
        invoice.gross_total
    )


def test_a_spanish_companys_invoice_exports_as_factur_x_with_the_same_totals():
    invoice = _issued("ES", "ESA12345674")

    name, content_type, pdf = documents.einvoice(invoice)

    assert content_type == "application/pdf"
    assert name.endswith(".pdf")
    _, xml = get_xml_from_pdf(pdf, check_xsd=True)
    assert str(invoice.gross_total).encode() in xml
    assert invoice.number.encode() in xml
    assert documents.einvoice(invoice)[0] == name  # a re-export is the same document


def test_an_export_that_fails_says_which_field_and_gives_no_file(dispatcher_client):
    invoice = _issued("IT", "")  # an Italian company with no VAT number on record

    response = dispatcher_client.get(reverse("billing:einvoice", args=[invoice.pk]))

    assert response.status_code == 302
    page = dispatcher_client.get(response["Location"])
    assert "VAT" in page.content.decode()


def test_a_draft_has_no_e_invoice(dispatcher_client):
    ensure_rates_and_company("IT")
    invoice = draft_invoice_for_ticket(completed_work(), by=None)

    with pytest.raises(EInvoiceInvalid):
        documents.einvoice(invoice)
