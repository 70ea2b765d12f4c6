"""Factur-X (EN 16931 profile): the invoice PDF with its CII XML inside, as PDF/A-3.

`to_facturx(document, pdf_bytes)` first runs EN 16931's business rules (rules.check): the factur-x
library checks the XML against the schema only, so without them a document whose totals do not
add up would be embedded happily. A broken rule raises `EInvoiceInvalid` naming the rule and the
field, and no PDF comes out. Then it builds the UN/CEFACT CII XML here (lxml) and has factur-x
embed it (`generate_from_binary`, level en16931, schema-checked again by the library).

Line discounts are written as line allowances (BT-136, reason code 95 "discount") of the gross
line amount less the line net, with the net price (BT-146) the undiscounted unit price, so the
receiver's BT-131 = quantity x price - allowance equals the document's line net to the cent.
Zero-rated (Z) rows carry no exemption reason in the XML (EN 16931's BR-Z-10), though the
document has one (see rules).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import facturx as facturx_lib
from django.utils.translation import gettext as _
from lxml import etree

from billing.einvoice import rules
from billing.einvoice.document import ZERO, Document, DocumentLine, Kind, Party, TaxSubtotal
from billing.einvoice.errors import EInvoiceInvalid

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
TYPE_CODES = {Kind.INVOICE: "380", Kind.CREDIT_NOTE: "381", Kind.DEFERRED: "380"}
DISCOUNT_REASON_CODE = "95"  # UNCL5189: discount


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _number(value: Decimal) -> str:
    # plain notation, no exponent, no trailing zeros beyond what the value has
    text = f"{value.normalize():f}"
    return text if text != "-0" else "0"


def _date(parent: etree._Element, tag: str, value: Any, kind: str = "udt") -> None:
    holder = _el(parent, tag)
    _el(holder, f"{kind}:DateTimeString", value.strftime("%Y%m%d"), format="102")


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    element = _el(parent, tag)
    _el(element, "ram:Name", party.name)
    address = _el(element, "ram:PostalTradeAddress")
    if party.postal_code:
        _el(address, "ram:PostcodeCode", party.postal_code)
    for name, text in zip(("LineOne", "LineTwo", "LineThree"), party.address_lines, strict=False):
        _el(address, f"ram:{name}", text)
    if party.city:
        _el(address, "ram:CityName", party.city)
    _el(address, "ram:CountryID", party.country_code)
    if party.email:
        contact = _el(element, "ram:URIUniversalCommunication")
        _el(contact, "ram:URIID", party.email, schemeID="EM")
    if party.vat_number:
        registration = _el(element, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", party.vat_number, schemeID="VA")


def _tax(parent: etree._Element, category: str, rate: Decimal) -> Any:
    tax = _el(parent, "ram:ApplicableTradeTax")
    _el(tax, "ram:TypeCode", "VAT")
    _el(tax, "ram:CategoryCode", category)
    _el(tax, "ram:RateApplicablePercent", _number(rate))
    return tax


def _line(transaction: etree._Element, line: DocumentLine) -> None:
    item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(line.position))
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description)
    agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
    price = _el(agreement, "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", _number(line.unit_price))
    delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
    _el(delivery, "ram:BilledQuantity", _number(line.quantity), unitCode=line.unit_code)
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    _tax(settlement, line.tax_category, line.tax_rate)
    gross = line.quantity * line.unit_price
    if gross != line.net_amount:
        allowance = _el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        _el(allowance, "ram:ActualAmount", _amount(gross - line.net_amount))
        _el(allowance, "ram:ReasonCode", DISCOUNT_REASON_CODE)
        _el(allowance, "ram:Reason", f"Discount {_number(line.discount_percent)}%")
    summation = _el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _el(summation, "ram:LineTotalAmount", _amount(line.net_amount))


def _breakdown(settlement: etree._Element, row: TaxSubtotal) -> None:
    tax = _el(settlement, "ram:ApplicableTradeTax")
    _el(tax, "ram:CalculatedAmount", _amount(row.tax_amount))
    _el(tax, "ram:TypeCode", "VAT")
    with_reason = row.category in rules.NEEDS_REASON and row.category != "Z"
    if with_reason and row.exemption_reason:
        _el(tax, "ram:ExemptionReason", row.exemption_reason)
    _el(tax, "ram:BasisAmount", _amount(row.taxable_amount))
    _el(tax, "ram:CategoryCode", row.category)
    if with_reason and row.exemption_code:
        _el(tax, "ram:ExemptionReasonCode", row.exemption_code)
    _el(tax, "ram:RateApplicablePercent", _number(row.rate))


def cii_xml(document: Document) -> bytes:
    """The EN 16931 CII XML of `document` (not checked: `to_facturx` checks)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", EN16931)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", document.number)
    _el(header, "ram:TypeCode", TYPE_CODES[document.kind])
    _date(header, "ram:IssueDateTime", document.issue_date)
    for note in document.notes:
        _el(_el(header, "ram:IncludedNote"), "ram:Content", note)
    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    for line in document.lines:
        _line(transaction, line)
    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", document.seller)
    _party(agreement, "ram:BuyerTradeParty", document.buyer)
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", document.currency)
    if document.payment_iban:
        means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _el(means, "ram:TypeCode", "58")  # SEPA credit transfer
        account = _el(means, "ram:PayeePartyCreditorFinancialAccount")
        _el(account, "ram:IBANID", document.payment_iban.replace(" ", ""))
    for row in document.subtotals:
        _breakdown(settlement, row)
    if document.due_date is not None:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        _date(terms, "ram:DueDateDateTime", document.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(document.net_total))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(document.net_total))
    _el(totals, "ram:TaxTotalAmount", _amount(document.tax_total), currencyID=document.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(document.grand_total))
    if document.paid_amount != ZERO:
        _el(totals, "ram:TotalPrepaidAmount", _amount(document.paid_amount))
    _el(totals, "ram:DuePayableAmount", _amount(document.amount_due))
    if document.preceding_invoice_number:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", document.preceding_invoice_number)
        if document.preceding_invoice_date is not None:
            _date(reference, "ram:FormattedIssueDateTime", document.preceding_invoice_date, "qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def to_facturx(document: Document, pdf_bytes: bytes) -> bytes:
    """The Factur-X PDF/A-3 of `document`, its XML inside, or EInvoiceInvalid (and no PDF)."""
    problems = rules.check(document)
    if problems:
        first = problems[0]
        raise EInvoiceInvalid(str(first), field=first.field, rule=first.rule)
    xml = cii_xml(document)
    try:
        result: bytes = facturx_lib.generate_from_binary(
            pdf_bytes, xml, flavor="factur-x", level="en16931", check_xsd=True
        )
    except Exception as error:  # factur-x raises bare Exception when the schema check fails
        raise EInvoiceInvalid(
            _("The Factur-X XML does not follow the schema: %(error)s") % {"error": error},
            field="xml",
            rule="XSD",
        ) from error
    return result
