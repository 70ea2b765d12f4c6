from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from billing.einvoice.document import Kind
from billing.einvoice.fatturapa import file_name
from billing.einvoice.transmission import transmission_id
from tests.billing.einvoice.builders import document, line, replace


def test_the_same_document_has_the_same_id_whatever_else_changes() -> None:
    doc = document([line(1, "1", "100")])
    resent = replace(
        document([line(1, "2", "100")]), notes=("Re-sent after a timeout",), paid_amount=Decimal(0)
    )

    assert transmission_id(doc) == transmission_id(resent)
    assert uuid.UUID(transmission_id(doc)).version == 5


def test_number_issuer_kind_and_date_each_make_another_document() -> None:
    doc = document([line(1, "1", "100")])
    others = [
        replace(doc, number="2026/00002"),
        replace(doc, seller=replace(doc.seller, vat_number="IT01234560017")),
        replace(doc, kind=Kind.DEFERRED),
        replace(doc, issue_date=date(2027, 3, 10)),
    ]

    ids = {transmission_id(each) for each in others}

    assert transmission_id(doc) not in ids
    assert len(ids) == len(others)


def test_the_exchange_file_name_follows_the_id() -> None:
    doc = document([line(1, "1", "100")])

    assert file_name(doc) == file_name(replace(doc, notes=("again",)))
    assert file_name(doc) != file_name(replace(doc, number="2026/00002"))
