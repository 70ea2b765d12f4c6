from __future__ import annotations

import re
from decimal import Decimal

import pytest
from a38 import fattura as a38
from a38.validation import Validation
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from billing.einvoice.document import Kind
from billing.einvoice.errors import EInvoiceInvalid
from billing.einvoice.fatturapa import file_name, progressive, stamp_duty_for, to_fatturapa
from fieldservice.errors import DomainError
from tests.billing.einvoice.builders import (
    BUYER_DE,
    CONSUMER_IT,
    SELLER_FR,
    document,
    line,
    replace,
)

NS = {"p": "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"}


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def text(root: etree._Element, path: str) -> list[str]:
    return [el.text for el in root.iterfind(path, NS)]


def round_trip_is_valid(xml: bytes) -> None:
    # a38 parses its own output back and finds nothing wrong
    invoice = a38.auto_from_etree(etree.fromstring(xml))
    validation = Validation()
    invoice.validate(validation)
    assert validation.errors == []


def sdi_00423_holds(row: etree._Element) -> bool:
    """The exchange's check 00423: PrezzoTotale = (PrezzoUnitario - discount) x Quantita, to 1
    cent."""
    quantity = Decimal(row.findtext("Quantita") or "1")
    price = Decimal(row.findtext("PrezzoUnitario"))
    for discount in row.iterfind("ScontoMaggiorazione"):
        percent = Decimal(discount.findtext("Percentuale"))
        sign = -1 if discount.findtext("Tipo") == "SC" else 1
        price += sign * price * percent / 100
    return abs(Decimal(row.findtext("PrezzoTotale")) - price * quantity) <= Decimal("0.01")


def test_discounted_line_passes_the_exchange_price_check() -> None:
    # 568.60 x 1.50 less 35%: the case that a per-unit rounding gets wrong
    doc = document([line(1, "568.60", "1.50", discount="35"), line(2, "7", "1.50", discount="35")])

    root = parse(to_fatturapa(doc))

    rows = list(root.iterfind(".//DettaglioLinee"))
    assert text(root, ".//DettaglioLinee/PrezzoTotale") == ["554.39", "6.83"]
    assert text(root, ".//ScontoMaggiorazione/Percentuale") == ["35.00", "35.00"]
    assert all(sdi_00423_holds(row) for row in rows)
    assert text(root, ".//DatiRiepilogo/ImponibileImporto") == ["561.22"]
    assert text(root, ".//DatiRiepilogo/Imposta") == ["123.47"]
    assert text(root, ".//ImportoTotaleDocumento") == ["684.69"]
    assert text(root, ".//TipoDocumento") == ["TD01"]
    round_trip_is_valid(to_fatturapa(doc))


@given(
    st.decimals(min_value="0.01", max_value="9999", places=2),
    st.decimals(min_value="0.01", max_value="9999", places=2),
    st.decimals(min_value="0", max_value="100", places=2),
)
def test_any_two_decimal_discount_passes_00423(quantity, price, discount) -> None:  # type: ignore[no-untyped-def]
    doc = document([line(1, str(quantity), str(price), discount=str(discount))])

    root = parse(to_fatturapa(doc))

    assert sdi_00423_holds(next(root.iterfind(".//DettaglioLinee")))


def test_a_discount_a38_would_round_is_refused_naming_the_line() -> None:
    doc = document([line(1, "1", "100"), line(2, "3", "10", discount="12.345")])

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert isinstance(caught.value, DomainError)
    assert caught.value.field == "lines[1].discount_percent"


def test_reverse_charge_to_an_eu_business() -> None:
    doc = document(
        [line(1, "2", "80", category="AE", rate="0")], buyer=BUYER_DE, stamp_duty=Decimal("2")
    )

    root = parse(to_fatturapa(doc))

    assert text(root, ".//CodiceDestinatario") == ["XXXXXXX"]
    assert text(root, ".//CessionarioCommittente//IdPaese") == ["DE"]
    assert text(root, ".//CessionarioCommittente//IdCodice") == ["136695976"]
    assert text(root, ".//CessionarioCommittente//CAP") == ["00000"]
    assert text(root, ".//DettaglioLinee/Natura") == ["N2.1"]
    assert text(root, ".//DatiRiepilogo/Natura") == ["N2.1"]
    assert text(root, ".//DatiRiepilogo/Imposta") == ["0.00"]
    assert text(root, ".//DatiRiepilogo/RiferimentoNormativo") == ["Reverse charge"]
    assert text(root, ".//ImportoTotaleDocumento") == ["160.00"]
    assert text(root, ".//DatiBollo/ImportoBollo") == ["2.00"]  # outside VAT's scope: duty due
    round_trip_is_valid(to_fatturapa(doc))


def test_reverse_charge_without_the_buyer_vat_number_is_refused() -> None:
    doc = document([line(1, "2", "80", category="AE", rate="0")], buyer=CONSUMER_IT)

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert caught.value.field == "buyer.vat_number"
    assert caught.value.rule == "BR-AE-02"


def test_exempt_invoice_with_stamp_duty_to_a_consumer_by_pec() -> None:
    consumer = replace(CONSUMER_IT, pec="maria.verdi@pec.example.it")
    doc = document(
        [line(1, "1", "150", category="E", rate="0")],
        buyer=consumer,
        stamp_duty=Decimal("2.00"),
        notes=("Imposta di bollo assolta in modo virtuale",),
    )

    root = parse(to_fatturapa(doc))

    assert text(root, ".//CodiceDestinatario") == ["0000000"]
    assert text(root, ".//PECDestinatario") == ["maria.verdi@pec.example.it"]
    assert text(root, ".//CessionarioCommittente//CodiceFiscale") == ["VRDMRA80A41F205X"]
    assert text(root, ".//DatiBollo/BolloVirtuale") == ["SI"]
    assert text(root, ".//DatiBollo/ImportoBollo") == ["2.00"]
    assert text(root, ".//DettaglioLinee/Natura") == ["N4"]
    assert text(root, ".//Causale") == ["Imposta di bollo assolta in modo virtuale"]
    round_trip_is_valid(to_fatturapa(doc))


def test_credit_note_names_the_invoice_it_corrects() -> None:
    doc = document([line(1, "1", "50")], kind=Kind.CREDIT_NOTE, number="NC-2026/00001")

    root = parse(to_fatturapa(doc))

    assert text(root, ".//TipoDocumento") == ["TD04"]
    assert text(root, ".//DatiFattureCollegate/IdDocumento") == ["2026/00001"]
    assert text(root, ".//DatiFattureCollegate/Data") == ["2026-03-01"]
    assert text(root, ".//PrezzoTotale") == ["50.00"]  # positive: the type says it is a credit


def test_deferred_invoice_type() -> None:
    doc = document([line(1, "1", "50")], kind=Kind.DEFERRED)

    assert text(parse(to_fatturapa(doc)), ".//TipoDocumento") == ["TD24"]


def test_an_invalid_document_raises_naming_the_field_and_returns_nothing() -> None:
    doc = document([line(1, "1", "100")])
    doc = replace(doc, lines=(replace(doc.lines[0], net_amount=Decimal("100.01")),))

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert caught.value.field == "lines[0].net_amount"
    assert "LINE-NET" in caught.value.message


def test_a38_refusal_is_reported_with_its_field() -> None:
    # a recipient code of the wrong length is for the exchange to refuse: a38 knows it
    doc = document([line(1, "1", "100")])
    doc = replace(doc, buyer=replace(doc.buyer, recipient_code="ABC123"))

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert caught.value.field is not None
    assert "codice_destinatario" in caught.value.field


def test_only_italian_sellers() -> None:
    doc = document([line(1, "1", "100")], seller=SELLER_FR)

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert caught.value.field == "seller.vat_number"


def test_file_name_follows_the_exchange_and_is_stable() -> None:
    doc = document([line(1, "1", "100")])
    same_but_other_amounts = document([line(1, "2", "300")])
    other = document([line(1, "1", "100")], number="2026/00002")

    assert re.fullmatch(r"IT00743110157_[0-9A-Z]{5}\.xml", file_name(doc))
    assert file_name(doc) == file_name(same_but_other_amounts)
    assert file_name(doc) != file_name(other)
    assert re.fullmatch(r"[0-9A-Z]{10}", progressive(doc))
    assert text(parse(to_fatturapa(doc)), ".//ProgressivoInvio") == [progressive(doc)]


def test_same_document_same_bytes() -> None:
    doc = document([line(1, "1", "100")])

    assert to_fatturapa(doc) == to_fatturapa(doc)


def test_rounding_of_the_summary_is_the_documents_own() -> None:
    # three lines of 0.33 at 22%: summed then taxed (0.99 -> 0.22), not taxed per line (0.21)
    doc = document([line(i, "1", "0.33") for i in (1, 2, 3)])

    root = parse(to_fatturapa(doc))

    assert text(root, ".//DatiRiepilogo/Imposta") == ["0.22"]


def test_stamp_duty_is_due_on_exempt_amounts_above_77_47() -> None:
    above = document([line(1, "1", "77.48", category="E", rate="0"), line(2, "1", "500")])
    at_threshold = document([line(1, "1", "77.47", category="E", rate="0")])
    export = document([line(1, "1", "500", category="Z", rate="0", local_exemption_code="N3.1")])
    reverse_charge_eu = document([line(1, "1", "500", category="AE", rate="0")], buyer=BUYER_DE)

    assert stamp_duty_for(above) == Decimal("2.00")
    assert stamp_duty_for(at_threshold) == Decimal("0.00")
    assert stamp_duty_for(export) == Decimal("0.00")
    # a service to an EU business is outside Italy's VAT (N2.1): the duty is due
    assert stamp_duty_for(reverse_charge_eu) == Decimal("2.00")


def test_a_missing_stamp_duty_is_refused() -> None:
    doc = document([line(1, "1", "150", category="E", rate="0")])

    with pytest.raises(EInvoiceInvalid) as caught:
        to_fatturapa(doc)

    assert caught.value.field == "stamp_duty"
    assert caught.value.rule == "IT-BOLLO"


def test_an_italian_consumer_without_pec_or_code_gets_the_drawer_code() -> None:
    consumer = replace(CONSUMER_IT, pec="", recipient_code="", vat_number="")
    doc = document([line(1, "1", "50")], buyer=consumer)

    root = parse(to_fatturapa(doc))

    assert text(root, ".//CodiceDestinatario") == ["0000000"]
    assert text(root, ".//PECDestinatario") == []
