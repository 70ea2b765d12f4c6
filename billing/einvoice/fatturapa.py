"""Italy's FatturaPA XML (FPR12, between private parties), built and validated with a38.

`to_fatturapa(document)` runs EN 16931's rules (rules.check), builds the a38 model, runs a38's
own validation, and returns the XML bytes; any failure raises `EInvoiceInvalid` naming the field
(the document's, or a38's path into the FatturaPA) and nothing is returned. `file_name(document)`
is the name the exchange (SDI) wants: country + the transmitter's VAT number + "_" + a 5-character
progressive. The sender passes its own per-company sequence (`sequence_code(n)`: never two files
of a company with one name); without one the progressive is derived from the transmission id
(stable, so a re-send carries the same name, but two documents may collide).
`stamp_duty_for(document)` is the imposta di bollo the invoice owes (2.00 above 77.47 euros
without VAT); a document whose `stamp_duty` differs is refused (field stamp_duty), so the
invoicing code sets it from this function when it drafts.

Rounding: a38 quantizes every DecimalField to its decimals (ROUND_HALF_UP) as the value is set.
ScontoMaggiorazione.Percentuale has 2 decimals, so a 12.345% discount would be sent as 12.35%
while PrezzoTotale was computed with 12.345%: the SDI recomputes PrezzoTotale from the
percentage (check 00423) and would reject it. Such a discount is refused here, naming the line;
PrezzoTotale is always the document's line net (rounded once), never a38's
`autofill_prezzo_totale`, and the VAT summary is the document's own breakdown, never a38's
`build_dati_riepilogo` (which sums unrounded tax).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from a38 import fattura as a38
from a38.validation import Validation
from django.utils.translation import gettext as _

from billing.einvoice import rules
from billing.einvoice.document import Document, DocumentLine, Kind, Party
from billing.einvoice.errors import EInvoiceInvalid
from billing.einvoice.transmission import transmission_id

DOCUMENT_TYPES = {Kind.INVOICE: "TD01", Kind.CREDIT_NOTE: "TD04", Kind.DEFERRED: "TD24"}
# The Natura a zero-VAT line gets when the document names none: E exempt (art. 10), K an
# intra-community supply of goods, G an export, O outside the scope; AE depends on the buyer (a
# service to an EU business is outside Italy's scope, art. 7-ter: N2.1; a domestic reverse
# charge is N6.9 "other cases").
DEFAULT_NATURA = {"E": "N4", "K": "N3.2", "G": "N3.1", "O": "N2.2", "Z": "N3.6"}
UNITS = {"C62": "N.", "HUR": "ore", "KMT": "km", "DAY": "giorni"}
PROGRESSIVE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Imposta di bollo (DPR 642/1972): 2 euros on an invoice whose amounts without VAT exceed
# 77.47 euros. Exports and intra-community supplies (N3.1, N3.2) are free of it, and a
# reverse-charge line (N6.x) bears VAT, only paid by the buyer.
STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")
FREE_OF_STAMP_DUTY = ("N3.1", "N3.2", "N6")
NO_CODE = "0000000"  # the buyer's drawer on the Agenzia's site, or a PEC address
FOREIGN = "XXXXXXX"  # a buyer outside Italy


def _digits_of(vat_number: str) -> tuple[str, str]:
    return vat_number[:2].upper(), vat_number[2:]


def _progressive(document: Document, length: int) -> str:
    value = int(hashlib.sha256(transmission_id(document).encode()).hexdigest(), 16)
    out = []
    for _position in range(length):
        value, digit = divmod(value, len(PROGRESSIVE_CHARS))
        out.append(PROGRESSIVE_CHARS[digit])
    return "".join(out)


def sequence_code(sequence: int, length: int = 5) -> str:
    """The company's n-th transmission as the exchange's alphanumeric progressive (base 36,
    zero-padded): 1 is "00001", 36 is "00010"; five characters give 60 million files."""
    if sequence <= 0 or sequence >= len(PROGRESSIVE_CHARS) ** length:
        raise EInvoiceInvalid(
            _("The transmission progressive %(n)s does not fit the file name.") % {"n": sequence},
            field="progressive",
        )
    out = []
    value = sequence
    for _position in range(length):
        value, digit = divmod(value, len(PROGRESSIVE_CHARS))
        out.append(PROGRESSIVE_CHARS[digit])
    return "".join(reversed(out))


def progressive(document: Document, sequence: int | None = None) -> str:
    """ProgressivoInvio: 10 characters, the same for every send of the same document."""
    return sequence_code(sequence, 10) if sequence else _progressive(document, 10)


def file_name(document: Document, sequence: int | None = None) -> str:
    """IT01234567890_A1B2C.xml: the transmitter's country and VAT number, a 5-character
    progressive (the same on a re-send, so the SDI rejects the repeat as a duplicate)."""
    country, code = _digits_of(document.seller.vat_number)
    code5 = sequence_code(sequence) if sequence else _progressive(document, 5)
    return f"{country}{code}_{code5}.xml"


def _natura(document: Document, line_category: str, explicit: str) -> str | None:
    if line_category == "S":
        return None
    if explicit:
        return explicit
    if line_category == "AE":
        return "N6.9" if document.buyer.country_code == "IT" else "N2.1"
    return DEFAULT_NATURA.get(line_category, "N2.2")


def stamp_duty_for(document: Document) -> Decimal:
    """The stamp duty an Italian invoice owes: 2.00 when its amounts without VAT (other than
    exports, intra-community supplies and reverse charge) exceed 77.47, else 0."""
    free_of_vat = sum(
        (
            row.taxable_amount
            for row in document.subtotals
            if row.category != "S"
            and not (_natura(document, row.category, row.local_exemption_code) or "").startswith(
                FREE_OF_STAMP_DUTY
            )
        ),
        Decimal("0.00"),
    )
    return STAMP_DUTY if free_of_vat > STAMP_DUTY_THRESHOLD else Decimal("0.00")


def _sede(party: Party) -> a38.Sede:
    italian = party.country_code == "IT"
    return a38.Sede(
        indirizzo=", ".join(party.address_lines)[:60] or party.city,
        cap=party.postal_code if italian else "00000",
        comune=party.city,
        provincia=(party.province or None) if italian else None,
        nazione=party.country_code,
    )


def _seller(party: Party) -> a38.CedentePrestatore:
    country, code = _digits_of(party.vat_number)
    return a38.CedentePrestatore(
        a38.DatiAnagraficiCedentePrestatore(
            a38.IdFiscaleIVA(country, code),
            codice_fiscale=party.tax_code or None,
            anagrafica=a38.Anagrafica(denominazione=party.name[:80]),
            regime_fiscale=party.tax_regime,
        ),
        _sede(party),
    )


def _buyer(party: Party) -> a38.CessionarioCommittente:
    id_iva = None
    if party.vat_number:
        id_iva = a38.IdFiscaleIVA(*_digits_of(party.vat_number))
    return a38.CessionarioCommittente(
        a38.DatiAnagraficiCessionarioCommittente(
            id_iva,
            # the codice fiscale is Italian; a foreign buyer is known by its VAT number
            codice_fiscale=(party.tax_code or None) if party.country_code == "IT" else None,
            anagrafica=a38.Anagrafica(denominazione=party.name[:80]),
        ),
        _sede(party),
    )


def _transmission(document: Document, sequence: int | None) -> a38.DatiTrasmissione:
    buyer = document.buyer
    country, code = _digits_of(document.seller.vat_number)
    if buyer.recipient_code:
        recipient, pec = buyer.recipient_code, None
    elif buyer.pec:
        recipient, pec = NO_CODE, buyer.pec
    elif buyer.country_code != "IT":
        recipient, pec = FOREIGN, None
    else:
        recipient, pec = NO_CODE, None
    return a38.DatiTrasmissione(
        a38.IdTrasmittente(country, code),
        progressivo_invio=progressive(document, sequence),
        formato_trasmissione="FPR12",
        codice_destinatario=recipient,
        pec_destinatario=pec,
    )


def _line(document: Document, index: int, line: DocumentLine) -> a38.DettaglioLinee:
    discounts = []
    if line.discount_percent:
        if line.discount_percent != line.discount_percent.quantize(Decimal("0.01")):
            raise EInvoiceInvalid(
                _(
                    "Line %(position)s: FatturaPA carries a discount with at most 2 decimals "
                    "(%(discount)s%%)."
                )
                % {"position": line.position, "discount": line.discount_percent},
                field=f"lines[{index}].discount_percent",
                rule="IT-00423",
            )
        discounts.append(a38.ScontoMaggiorazione(tipo="SC", percentuale=line.discount_percent))
    return a38.DettaglioLinee(
        numero_linea=line.position,
        descrizione=line.description[:1000],
        quantita=line.quantity,
        unita_misura=UNITS.get(line.unit_code, line.unit_code[:10]),
        prezzo_unitario=line.unit_price,
        sconto_maggiorazione=discounts,
        prezzo_totale=line.net_amount,
        aliquota_iva=line.tax_rate,
        natura=_natura(document, line.tax_category, line.local_exemption_code),
    )


def build(document: Document, sequence: int | None = None) -> a38.FatturaPrivati12:
    """The a38 model of the document (not validated: `to_fatturapa` does that)."""
    general = a38.DatiGeneraliDocumento(
        tipo_documento=DOCUMENT_TYPES[document.kind],
        divisa=document.currency,
        data=document.issue_date,
        numero=document.number,
        importo_totale_documento=document.grand_total,
        causale=[note[i : i + 200] for note in document.notes for i in range(0, len(note), 200)],
    )
    if document.stamp_duty:
        general.dati_bollo = a38.DatiBollo(bollo_virtuale="SI", importo_bollo=document.stamp_duty)
    body = a38.FatturaElettronicaBody(dati_generali=a38.DatiGenerali(general))
    if document.kind == Kind.CREDIT_NOTE and document.preceding_invoice_number:
        body.dati_generali.dati_fatture_collegate.append(
            a38.DatiFattureCollegate(
                id_documento=document.preceding_invoice_number,
                data=document.preceding_invoice_date,
            )
        )
    for index, line in enumerate(document.lines):
        body.dati_beni_servizi.dettaglio_linee.append(_line(document, index, line))
    for row in document.subtotals:
        body.dati_beni_servizi.dati_riepilogo.append(
            a38.DatiRiepilogo(
                aliquota_iva=row.rate,
                natura=_natura(document, row.category, row.local_exemption_code),
                imponibile_importo=row.taxable_amount,
                imposta=row.tax_amount,
                esigibilita_iva="I",
                riferimento_normativo=(row.exemption_reason[:100] or None),
            )
        )
    if document.payment_iban:
        body.dati_pagamento.append(
            a38.DatiPagamento(
                condizioni_pagamento="TP02",  # paid in full, at once
                dettaglio_pagamento=[
                    a38.DettaglioPagamento(
                        modalita_pagamento="MP05",  # bank transfer
                        data_scadenza_pagamento=document.due_date,
                        importo_pagamento=document.amount_due,
                        iban=document.payment_iban.replace(" ", ""),
                    )
                ],
            )
        )
    invoice = a38.FatturaPrivati12()
    invoice.fattura_elettronica_header.dati_trasmissione = _transmission(document, sequence)
    invoice.fattura_elettronica_header.cedente_prestatore = _seller(document.seller)
    invoice.fattura_elettronica_header.cessionario_committente = _buyer(document.buyer)
    invoice.fattura_elettronica_body = [body]
    return invoice


def _ensure_valid(document: Document) -> None:
    problems = rules.check(document)
    if problems:
        first = problems[0]
        raise EInvoiceInvalid(str(first), field=first.field, rule=first.rule)
    if not document.seller.vat_number.upper().startswith("IT"):
        raise EInvoiceInvalid(
            _("FatturaPA is for Italian sellers: the seller's VAT number starts with IT."),
            field="seller.vat_number",
            rule="IT-SELLER",
        )
    due = stamp_duty_for(document)
    if document.stamp_duty != due:
        raise EInvoiceInvalid(
            _("The stamp duty of this invoice is %(due)s, not %(stated)s.")
            % {"due": due, "stated": document.stamp_duty},
            field="stamp_duty",
            rule="IT-BOLLO",
        )


def _consumer_without_pec(document: Document, error: Any) -> bool:
    """a38 asks for a PEC address whenever the recipient code is 0000000; the exchange's own
    rules ask for none when the buyer is an Italian consumer (no VAT number, no PEC, no code:
    the invoice waits in their drawer on the Agenzia's site). Only that refusal is set aside."""
    buyer = document.buyer
    return (
        error.qualified_field.endswith(("codice_destinatario", "pec_destinatario"))
        and not buyer.vat_number
        and not buyer.pec
        and not buyer.recipient_code
        and buyer.country_code == "IT"
    )


def to_fatturapa(document: Document, sequence: int | None = None) -> bytes:
    """The FatturaPA XML of `document`, validated by the rules and by a38, or EInvoiceInvalid.
    `sequence` is the sender's transmission progressive (see `file_name`)."""
    _ensure_valid(document)
    invoice = build(document, sequence)
    validation = Validation()
    invoice.validate(validation)
    errors = [e for e in validation.errors if not _consumer_without_pec(document, e)]
    if errors:
        error = errors[0]
        raise EInvoiceInvalid(
            _("FatturaPA refuses %(field)s: %(reason)s")
            % {"field": error.qualified_field, "reason": error.msg},
            field=error.qualified_field,
            rule=f"IT-{error.code}" if error.code else "IT-a38",
        )
    tree = invoice.build_etree()
    return ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
