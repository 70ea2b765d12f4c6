"""An Italian company's e-invoices go to the exchange through a channel (here the folder
outbox): to send -> sent -> delivered or rejected by the receipt; a rejected one is credited
and issued again; file names come from the company's own progressive and never collide."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from billing import documents, tasks
from billing.einvoice.transmission import OutboxChannel, parse_receipt
from billing.models import EInvoiceTransmission, Invoice
from billing.services import draft_invoice_for_ticket, issue_invoice, transmissions
from billing.services.invoices import reissue_rejected
from customers.models import Site
from fieldservice.errors import DomainError
from tests.billing.helpers import completed_work, ensure_rates_and_company
from tests.helpers import race

pytestmark = pytest.mark.django_db
VAT = "IT00743110157"
State = EInvoiceTransmission.State


@pytest.fixture(autouse=True)
def outbox(tmp_path, settings):
    settings.BILLING_EINVOICE_CHANNEL = "billing.einvoice.transmission.OutboxChannel"
    settings.BILLING_EINVOICE_CHANNEL_OPTIONS = {"directory": tmp_path}
    return tmp_path


@pytest.fixture
def italian_company(db):
    company = ensure_rates_and_company("IT")
    company.vat_number, company.legal_name = VAT, "Acme Service"
    company.address, company.postal_code, company.city = "Via Roma 1", "00100", "Roma"
    company.save()
    return company


def _issued() -> Invoice:
    ticket = completed_work()
    Site.objects.filter(customer=ticket.customer).update(
        address="Via Po 2", postal_code="10123", city="Torino"
    )
    return issue_invoice(draft_invoice_for_ticket(ticket, by=None), by=None)


def _receipt(root: str, file_name: str, errors: tuple[tuple[str, str], ...] = ()) -> bytes:
    listed = "".join(
        f"<Errore><Codice>{c}</Codice><Descrizione>{d}</Descrizione></Errore>" for c, d in errors
    )
    body = f"<ListaErrori>{listed}</ListaErrori>" if errors else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<ns3:{root} xmlns:ns3="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.0"'
        f' versione="1.0"><IdentificativoSdI>4711</IdentificativoSdI>'
        f"<NomeFile>{file_name}</NomeFile>"
        f"<DataOraRicezione>2026-12-03T10:00:00.000+01:00</DataOraRicezione>"
        f"{body}<MessageId>1</MessageId></ns3:{root}>"
    ).encode()


def test_issuing_queues_one_file_per_document_from_the_companys_progressive(italian_company):
    invoices = [_issued() for _ in range(3)]

    rows = [EInvoiceTransmission.objects.get(invoice=i) for i in invoices]

    assert [r.progressive for r in rows] == [1, 2, 3]
    assert [r.file_name for r in rows] == [
        f"{VAT}_00001.xml",
        f"{VAT}_00002.xml",
        f"{VAT}_00003.xml",
    ]
    assert all(r.state == State.TO_SEND for r in rows)


def test_sending_writes_the_file_once_and_a_resend_is_the_same_file(italian_company, outbox):
    invoice = _issued()

    row = transmissions.send(invoice=invoice)
    again = transmissions.send(invoice=invoice)

    files = list((outbox / "outbox").iterdir())
    assert [f.name for f in files] == [row.file_name]
    root = etree.fromstring(files[0].read_bytes())
    assert root.findtext(".//ProgressivoInvio") == "0000000001"
    assert root.findtext(".//DatiGeneraliDocumento/Numero") == invoice.number
    assert again.state == State.SENT
    assert again.attempts == 2
    assert again.content_sha256 == row.content_sha256
    # The download is the file that was sent.
    name, _type, content = documents.einvoice(invoice)
    assert name == row.file_name
    assert content == files[0].read_bytes()


def test_a_delivery_receipt_marks_it_delivered_and_is_idempotent(italian_company):
    invoice = _issued()
    row = transmissions.send(invoice=invoice)
    receipt = _receipt("RicevutaConsegna", row.file_name)

    transmissions.import_receipt(content=receipt)
    transmissions.import_receipt(content=receipt)

    row.refresh_from_db()
    assert row.state == State.DELIVERED
    assert row.exchange_id == "4711"
    with pytest.raises(DomainError):
        transmissions.send(invoice=invoice)


def test_a_receipt_for_a_file_never_sent_is_refused(italian_company):
    invoice = _issued()
    row = EInvoiceTransmission.objects.get(invoice=invoice)

    with pytest.raises(DomainError):
        transmissions.import_receipt(content=_receipt("RicevutaConsegna", row.file_name))
    with pytest.raises(DomainError) as unknown:
        transmissions.import_receipt(content=_receipt("RicevutaConsegna", "IT1_ZZZZZ.xml"))

    assert unknown.value.field == "receipt"
    row.refresh_from_db()
    assert row.state == State.TO_SEND


def test_a_rejected_invoice_is_credited_and_issued_again_under_a_new_file(italian_company):
    invoice = _issued()
    row = transmissions.send(invoice=invoice)
    transmissions.import_receipt(
        content=_receipt("NotificaScarto", row.file_name, (("00404", "Fattura duplicata"),))
    )
    row.refresh_from_db()
    assert row.state == State.REJECTED
    assert "00404" in row.receipt_message

    draft = reissue_rejected(invoice=invoice, by=None)

    note = invoice.credit_notes.get()
    assert note.gross_total == invoice.gross_total
    assert "00404" in note.reason
    assert not EInvoiceTransmission.objects.filter(invoice=note).exists()  # never sent
    assert draft.is_draft
    assert draft.gross_total == invoice.gross_total
    reissued = issue_invoice(draft, by=None)
    assert reissued.number != invoice.number
    new_row = EInvoiceTransmission.objects.get(invoice=reissued)
    assert new_row.file_name != row.file_name
    assert new_row.progressive == row.progressive + 1
    with pytest.raises(DomainError):
        reissue_rejected(invoice=invoice, by=None)


def test_receipts_waiting_in_the_channel_are_collected_once(italian_company, outbox):
    invoice = _issued()
    row = transmissions.send(invoice=invoice)
    inbox = outbox / "inbox"
    inbox.mkdir()
    (inbox / f"{row.file_name[:-4]}_RC_001.xml").write_bytes(
        _receipt("RicevutaConsegna", row.file_name)
    )

    assert tasks.collect_einvoice_receipts() == 1  # the beat's task
    assert transmissions.collect_receipts() == 0

    row.refresh_from_db()
    assert row.state == State.DELIVERED


def test_the_outbox_refuses_another_file_under_a_name_already_sent(tmp_path):
    channel = OutboxChannel(tmp_path)
    channel.send(file_name="IT1_00001.xml", content=b"<a/>", transmission_id="x")

    with pytest.raises(DomainError):
        channel.send(file_name="IT1_00001.xml", content=b"<b/>", transmission_id="y")
    with pytest.raises(DomainError):
        channel.send(file_name="../evil.xml", content=b"<a/>", transmission_id="z")


def test_a_receipt_with_an_entity_is_refused():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]>'
        b"<RicevutaConsegna>&x;</RicevutaConsegna>"
    )

    with pytest.raises(DomainError):
        parse_receipt(evil)


def test_the_invoice_page_shows_the_state_and_sends_and_imports(italian_company, dispatcher_client):
    invoice = _issued()
    url = reverse("billing:invoice", args=[invoice.pk])

    assert "To send" in dispatcher_client.get(url).content.decode()
    dispatcher_client.post(reverse("billing:einvoice_send", args=[invoice.pk]))
    page = dispatcher_client.get(url).content.decode()
    assert re.search(r'data-testid="einvoice-state">\s*Sent', page)
    row = EInvoiceTransmission.objects.get(invoice=invoice)
    upload = SimpleUploadedFile(
        "r.xml", _receipt("NotificaScarto", row.file_name, (("00305", "IdCodice non valido"),))
    )
    dispatcher_client.post(
        reverse("billing:einvoice_receipt", args=[invoice.pk]), {"receipt": upload}
    )
    page = dispatcher_client.get(url).content.decode()
    assert "Rejected" in page
    assert "00305" in page

    response = dispatcher_client.post(reverse("billing:einvoice_reissue", args=[invoice.pk]))

    draft = Invoice.objects.filter(status=Invoice.Status.DRAFT).get()
    assert response["Location"] == reverse("billing:invoice", args=[draft.pk])


@pytest.mark.django_db(transaction=True)
def test_ten_italian_invoices_issued_at_once_get_ten_distinct_file_names(outbox):
    company = ensure_rates_and_company("IT")
    company.vat_number = VAT
    company.save()
    drafts = [draft_invoice_for_ticket(completed_work(), by=None) for _ in range(10)]

    results = race([lambda d=d: issue_invoice(d, by=None) for d in drafts])

    assert [r for r in results if isinstance(r, Exception)] == []
    progressives = sorted(EInvoiceTransmission.objects.values_list("progressive", flat=True))
    assert progressives == list(range(1, 11))
    assert EInvoiceTransmission.objects.values("file_name").distinct().count() == 10
