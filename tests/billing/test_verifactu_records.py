"""A Spanish company's documents in its VeriFactu chain: a registration record per issued
invoice or credit note, a cancellation record for an invoice issued in error, each chained to
the issuer's previous record by its Huella, stored append-only; the QR code on the invoice."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from django.urls import reverse

from billing import documents
from billing.einvoice import verifactu as pure
from billing.models import Invoice, VerifactuRecord
from billing.services import credit_note, draft_invoice_for_ticket, issue_invoice, verifactu
from fieldservice.errors import DomainError
from tests.billing.helpers import completed_work, ensure_rates_and_company
from tests.helpers import race

pytestmark = pytest.mark.django_db
NIF = "B12345674"


@pytest.fixture
def spanish_company(db):
    company = ensure_rates_and_company("ES")
    company.vat_number, company.tax_code, company.legal_name = "ES" + NIF, "", "Reparaciones SL"
    company.save()
    return company


def _issued() -> Invoice:
    return issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)


def test_each_issued_invoice_is_registered_after_the_previous_one(spanish_company):
    invoices = [_issued() for _ in range(3)]

    rows = list(VerifactuRecord.objects.order_by("position"))

    assert [r.invoice_id for r in rows] == [i.pk for i in invoices]
    assert [r.position for r in rows] == [1, 2, 3]
    assert rows[0].previous_hash == ""
    assert rows[1].previous_hash == rows[0].hash
    assert rows[2].previous_hash == rows[1].hash
    assert all(r.kind == "alta" and r.invoice_type == "F1" for r in rows)
    assert rows[0].issuer_nif == NIF
    assert rows[0].grand_total == invoices[0].gross_total
    assert rows[0].hash == pure.compute_hash(verifactu.as_record(rows[0]))
    assert verifactu.verify(NIF) == []


def test_a_credit_note_is_a_corrective_registration_and_a_cancellation_a_new_link(
    spanish_company,
):
    first, second = _issued(), _issued()
    labour = first.lines.order_by("position").first()

    note = credit_note(first, reason="Too much", lines={labour.pk: Decimal("0.5")}, by=None)
    cancelled = credit_note(second, reason="Issued twice by mistake", by=None, cancel=True)

    rows = list(VerifactuRecord.objects.order_by("position"))
    assert [(r.kind, r.invoice_id, r.invoice_type) for r in rows] == [
        ("alta", first.pk, "F1"),
        ("alta", second.pk, "F1"),
        ("alta", note.pk, "R1"),
        ("anulacion", second.pk, ""),
    ]
    assert rows[2].grand_total == -note.gross_total
    assert rows[3].invoice_number == second.number
    assert rows[3].previous_hash == rows[2].hash
    assert not VerifactuRecord.objects.filter(invoice=cancelled).exists()
    assert verifactu.verify(NIF) == []


def test_an_invoice_is_cancelled_once_and_only_in_full(spanish_company):
    invoice = _issued()
    labour = invoice.lines.order_by("position").first()
    credit_note(invoice, reason="part", lines={labour.pk: Decimal("0.5")}, by=None)

    with pytest.raises(DomainError) as refused:
        credit_note(invoice, reason="cancel", by=None, cancel=True)

    assert refused.value.field == "cancel"
    assert VerifactuRecord.objects.filter(kind="anulacion").count() == 0


def test_a_changed_record_breaks_the_chain_from_there(spanish_company):
    for _ in range(3):
        _issued()
    records = verifactu.chain(NIF)

    tampered = [records[0], replace(records[1], grand_total=Decimal("1.00")), records[2]]

    problems = pure.verify_chain(tampered)
    assert [p.index for p in problems] == [1]
    assert pure.verify_chain(records) == []


def test_the_database_refuses_to_change_or_delete_a_record(spanish_company):
    _issued()
    row = VerifactuRecord.objects.get()

    with pytest.raises(DomainError):
        row.save()
    with pytest.raises(DomainError):
        row.delete()
    with pytest.raises(InternalError), transaction.atomic():
        VerifactuRecord.objects.filter(pk=row.pk).update(grand_total=Decimal("1.00"))
    with pytest.raises(InternalError), transaction.atomic():
        VerifactuRecord.objects.filter(pk=row.pk).delete()
    assert VerifactuRecord.objects.get().grand_total == row.grand_total


def test_a_record_changed_behind_the_apps_back_is_found_by_verification(spanish_company):
    for _ in range(3):
        _issued()
    second = VerifactuRecord.objects.get(position=2)
    table = VerifactuRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks block the ALTER
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER billing_verifactu_append_only")
        cursor.execute(f"UPDATE {table} SET grand_total = 1 WHERE id = %s", [second.pk])  # noqa: S608
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER billing_verifactu_append_only")

    problems = verifactu.verify(NIF)

    assert [p.index for p in problems] == [1]


def test_the_spanish_invoice_prints_the_aeat_qr_code(spanish_company, dispatcher_client):
    invoice = _issued()

    html = documents.as_html(invoice)
    page = dispatcher_client.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()

    assert 'data-testid="verifactu-qr"' in html
    assert "<svg" in html
    assert "VERI*FACTU" in html
    url = verifactu.qr_url(invoice)
    assert url.startswith(pure.QR_BASE)
    assert f"numserie={invoice.number.replace('/', '%2F')}" in url
    assert 'data-testid="verifactu-qr"' in page
    assert url.replace("&", "&amp;") in page
    assert documents.as_pdf(invoice).startswith(b"%PDF")


def test_an_italian_invoice_has_no_verifactu_record(db):
    company = ensure_rates_and_company("IT")
    company.vat_number = "IT00743110157"
    company.save()

    invoice = _issued()

    assert not VerifactuRecord.objects.exists()
    assert 'data-testid="verifactu-qr"' not in documents.as_html(invoice)


def test_a_spanish_company_without_its_nif_issues_nothing(spanish_company):
    spanish_company.vat_number = ""
    spanish_company.save()
    invoice = draft_invoice_for_ticket(completed_work(), by=None)

    with pytest.raises(DomainError) as refused:
        issue_invoice(invoice, by=None)

    assert refused.value.field == "tax_code"
    invoice.refresh_from_db()
    assert invoice.number is None


@pytest.mark.django_db(transaction=True)
def test_ten_spanish_invoices_issued_at_once_make_one_unbroken_chain():
    company = ensure_rates_and_company("ES")
    company.vat_number = "ES" + NIF
    company.save()
    drafts = [draft_invoice_for_ticket(completed_work(), by=None) for _ in range(10)]

    results = race([lambda d=d: issue_invoice(d, by=None) for d in drafts])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert list(
        VerifactuRecord.objects.order_by("position").values_list("position", flat=True)
    ) == list(range(1, 11))
    assert verifactu.verify(NIF) == []
