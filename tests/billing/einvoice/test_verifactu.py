from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from billing.einvoice.document import Kind, Party
from billing.einvoice.errors import EInvoiceInvalid
from billing.einvoice.verifactu import (
    Record,
    RecordKind,
    cancellation,
    compute_hash,
    hash_input,
    qr_png,
    qr_svg,
    qr_url,
    registration,
    verify_chain,
)
from tests.billing.einvoice.builders import document, line

CET = timezone(timedelta(hours=1))
SELLER_ES = Party(
    name="Reparaciones García S.L.",
    country_code="ES",
    vat_number="ESB12345674",
    address_lines=("Calle Mayor 1",),
    postal_code="28013",
    city="Madrid",
)
BUYER_ES = Party(name="Comunidad Calle Luna 3", country_code="ES", tax_code="H12345678")

# The AEAT's worked examples (specification of the Huella, v0.1.2).
AEAT_FIRST = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
AEAT_SECOND = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
AEAT_CANCELLATION = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"


def aeat_record(number: str, previous: str, second: int) -> Record:
    return Record(
        kind=RecordKind.REGISTRATION,
        issuer_nif="89890001K",
        invoice_number=number,
        invoice_date=date(2024, 1, 1),
        invoice_type="F1",
        tax_total=Decimal("12.35"),
        grand_total=Decimal("123.45"),
        previous_hash=previous,
        generated_at=datetime(2024, 1, 1, 19, 20, second, tzinfo=CET),
    )


def test_the_aeat_worked_examples() -> None:
    first = aeat_record("12345678/G33", "", 30)
    second = aeat_record("12345679/G34", AEAT_FIRST, 35)
    cancel = Record(
        kind=RecordKind.CANCELLATION,
        issuer_nif="89890001K",
        invoice_number="12345679/G34",
        invoice_date=date(2024, 1, 1),
        previous_hash=AEAT_SECOND,
        generated_at=datetime(2024, 1, 1, 19, 20, 40, tzinfo=CET),
    )

    assert hash_input(first) == (
        "IDEmisorFactura=89890001K&NumSerieFactura=12345678/G33&FechaExpedicionFactura=01-01-2024"
        "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45&Huella="
        "&FechaHoraHusoGenRegistro=2024-01-01T19:20:30+01:00"
    )
    assert compute_hash(first) == AEAT_FIRST
    assert compute_hash(second) == AEAT_SECOND
    assert compute_hash(cancel) == AEAT_CANCELLATION


def spanish(number: str, price: str, **extra):  # type: ignore[no-untyped-def]
    return document(
        [line(1, "1", price, rate="21")], seller=SELLER_ES, buyer=BUYER_ES, number=number, **extra
    )


def chain_of_three() -> list[Record]:
    at = datetime(2026, 3, 10, 9, 0, tzinfo=CET)
    first = registration(spanish("A-2026-1", "100"), previous=None, generated_at=at)
    second = registration(
        spanish("A-2026-2", "50"), previous=first, generated_at=at + timedelta(minutes=5)
    )
    third = registration(
        spanish("A-2026-3", "10"), previous=second, generated_at=at + timedelta(minutes=9)
    )
    return [first, second, third]


def test_a_chain_of_three_records_verifies() -> None:
    records = chain_of_three()

    assert verify_chain(records) == []
    assert records[0].previous_hash == ""
    assert records[1].previous_hash == records[0].hash
    assert records[2].previous_hash == records[1].hash
    assert records[0].issuer_nif == "B12345674"
    assert records[0].grand_total == Decimal("121.00")
    assert records[0].tax_total == Decimal("21.00")
    assert all(len(r.hash) == 64 and r.hash == r.hash.upper() for r in records)


def test_tampering_with_one_record_breaks_verification() -> None:
    records = chain_of_three()
    records[1] = replace(records[1], grand_total=Decimal("1.00"))

    problems = verify_chain(records)

    assert [p.index for p in problems] == [1]


def test_recomputing_a_tampered_records_hash_breaks_the_next_link() -> None:
    records = chain_of_three()
    forged = replace(records[1], grand_total=Decimal("1.00"))
    records[1] = replace(forged, hash=compute_hash(forged))

    assert [p.index for p in verify_chain(records)] == [2]


def test_removing_a_record_breaks_the_chain() -> None:
    records = chain_of_three()

    assert [p.index for p in verify_chain([records[0], records[2]])] == [1]


def test_a_cancellation_is_a_new_link_and_leaves_the_cancelled_record_alone() -> None:
    records = chain_of_three()
    at = records[-1].generated_at + timedelta(hours=1)

    cancel = cancellation(records[1], previous=records[-1], generated_at=at)
    chain = [*records, cancel]

    assert verify_chain(chain) == []
    assert cancel.kind == RecordKind.CANCELLATION
    assert cancel.invoice_number == "A-2026-2"
    assert cancel.previous_hash == records[2].hash
    assert hash_input(cancel).startswith(
        "IDEmisorFacturaAnulada=B12345674&NumSerieFacturaAnulada=A-2026-2"
        "&FechaExpedicionFacturaAnulada=10-03-2026&Huella="
    )
    with pytest.raises(EInvoiceInvalid):
        cancellation(cancel, previous=cancel, generated_at=at)


def test_a_credit_note_is_a_corrective_record_with_negative_amounts() -> None:
    records = chain_of_three()
    credit = spanish("R-2026-1", "100", kind=Kind.CREDIT_NOTE)

    record = registration(
        credit, previous=records[-1], generated_at=records[-1].generated_at + timedelta(1)
    )

    assert record.invoice_type == "R1"
    assert record.grand_total == Decimal("-121.00")
    assert "ImporteTotal=-121.00" in hash_input(record)
    assert verify_chain([*records, record]) == []


def test_chains_are_per_issuer_and_times_carry_their_offset() -> None:
    records = chain_of_three()
    other = replace(spanish("X-1", "10"), seller=replace(SELLER_ES, vat_number="ESA58818501"))

    with pytest.raises(EInvoiceInvalid) as caught:
        registration(other, previous=records[-1], generated_at=records[-1].generated_at)
    assert caught.value.field == "previous"

    with pytest.raises(EInvoiceInvalid) as caught:
        registration(spanish("A-4", "1"), previous=None, generated_at=datetime(2026, 3, 10))
    assert caught.value.field == "generated_at"


def test_qr_url_and_image() -> None:
    record = replace(chain_of_three()[0], invoice_number="12345678&G33")

    url = qr_url(record)
    parts = urlsplit(url)

    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
    )
    assert "numserie=12345678%26G33" in url
    assert parse_qs(parts.query) == {
        "nif": ["B12345674"],
        "numserie": ["12345678&G33"],
        "fecha": ["10-03-2026"],
        "importe": ["121.00"],
    }
    assert qr_url(record, test=True).startswith("https://prewww2.aeat.es/")
    svg = etree.fromstring(qr_svg(record).encode())
    assert svg.tag.endswith("svg")
    assert qr_png(record).startswith(b"\x89PNG")


def test_a_cancellation_has_no_qr() -> None:
    records = chain_of_three()
    cancel = cancellation(records[0], previous=records[-1], generated_at=records[-1].generated_at)

    with pytest.raises(EInvoiceInvalid):
        qr_url(cancel)
