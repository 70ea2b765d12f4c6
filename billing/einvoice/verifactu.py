"""Spain's VeriFactu invoice records (RD 1007/2023, Orden HAC/1177/2024), kept ready for 2027.

Every issued invoice gets a registration record (RegistroAlta), every cancelled one a cancellation
record (RegistroAnulacion): a cancellation never edits or removes the record it cancels, it is a
new link of the chain. Records are chained per issuer (the NIF): each carries the previous
record's Huella, and its own Huella is the SHA-256 (upper-case hex) of a fixed concatenation of
its fields, so changing any past record breaks every later link (`verify_chain`).

The concatenation, as the AEAT's "Detalle de las especificaciones técnicas para generación de la
huella o hash de los registros de facturación" (v0.1.2) gives it, is `name=value` pairs joined by
`&`, values trimmed, UTF-8:

    alta:      IDEmisorFactura=…&NumSerieFactura=…&FechaExpedicionFactura=dd-mm-yyyy
               &TipoFactura=…&CuotaTotal=…&ImporteTotal=…&Huella=<previous>
               &FechaHoraHusoGenRegistro=yyyy-mm-ddThh:mm:ss+hh:mm
    anulación: IDEmisorFacturaAnulada=…&NumSerieFacturaAnulada=…
               &FechaExpedicionFacturaAnulada=dd-mm-yyyy&Huella=<previous>
               &FechaHoraHusoGenRegistro=…

`Huella=` is empty on an issuer's first record. The AEAT's three worked examples are the tests'
first vectors. Amounts are written with two decimals (as in the record's XML: the hash is of the
values as sent). A credit note is a corrective invoice (TipoFactura R1 by default, "por
diferencias"), so its amounts go negative here though the Document's are positive.

`qr_url(record)` is the AEAT's verification address printed as a QR code on the invoice (nif,
numserie, fecha, importe); `qr_svg` / `qr_png` draw it (segno, error correction M as the spec
asks).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from urllib.parse import urlencode

import segno
from django.utils.translation import gettext as _

from billing.einvoice.document import Document, Kind
from billing.einvoice.errors import EInvoiceInvalid

QR_BASE = "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
QR_BASE_TEST = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"


class RecordKind(StrEnum):
    REGISTRATION = "alta"  # RegistroAlta
    CANCELLATION = "anulacion"  # RegistroAnulacion


@dataclass(frozen=True)
class Record:
    """One link of an issuer's chain, with the AEAT's field in each comment."""

    kind: RecordKind
    issuer_nif: str  # IDEmisorFactura / IDEmisorFacturaAnulada
    invoice_number: str  # NumSerieFactura / NumSerieFacturaAnulada
    invoice_date: date  # FechaExpedicionFactura / FechaExpedicionFacturaAnulada
    generated_at: datetime  # FechaHoraHusoGenRegistro, with its offset
    previous_hash: str  # Huella of the issuer's previous record; "" on the first
    invoice_type: str = ""  # TipoFactura: F1 invoice, F2 simplified, R1-R5 corrective
    tax_total: Decimal = Decimal("0.00")  # CuotaTotal
    grand_total: Decimal = Decimal("0.00")  # ImporteTotal
    hash: str = ""  # Huella


@dataclass(frozen=True)
class ChainProblem:
    index: int  # the record at fault
    message: str


def _date(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def hash_input(record: Record) -> str:
    """The string whose SHA-256 is the record's Huella."""
    if record.kind == RecordKind.REGISTRATION:
        pairs = [
            ("IDEmisorFactura", record.issuer_nif),
            ("NumSerieFactura", record.invoice_number),
            ("FechaExpedicionFactura", _date(record.invoice_date)),
            ("TipoFactura", record.invoice_type),
            ("CuotaTotal", _amount(record.tax_total)),
            ("ImporteTotal", _amount(record.grand_total)),
        ]
    else:
        pairs = [
            ("IDEmisorFacturaAnulada", record.issuer_nif),
            ("NumSerieFacturaAnulada", record.invoice_number),
            ("FechaExpedicionFacturaAnulada", _date(record.invoice_date)),
        ]
    pairs += [
        ("Huella", record.previous_hash),
        ("FechaHoraHusoGenRegistro", record.generated_at.isoformat(timespec="seconds")),
    ]
    return "&".join(f"{name}={value.strip()}" for name, value in pairs)


def compute_hash(record: Record) -> str:
    return hashlib.sha256(hash_input(record).encode("utf-8")).hexdigest().upper()


def _sealed(record: Record) -> Record:
    if record.generated_at.utcoffset() is None:
        raise EInvoiceInvalid(
            _("The record's generation time needs its time zone offset."), field="generated_at"
        )
    return replace(record, hash=compute_hash(record))


def _previous_hash(issuer_nif: str, previous: Record | None) -> str:
    if previous is None:
        return ""
    if previous.issuer_nif != issuer_nif:
        raise EInvoiceInvalid(
            _("The previous record is another issuer's (%(nif)s): chains are per issuer.")
            % {"nif": previous.issuer_nif},
            field="previous",
        )
    return previous.hash


def issuer_nif(document: Document) -> str:
    """The seller's NIF: its tax code, or its VAT number without the ES prefix."""
    seller = document.seller
    if seller.tax_code:
        return seller.tax_code.strip().upper()
    number = seller.vat_number.strip().upper()
    return number[2:] if number.startswith("ES") else number


def registration(
    document: Document,
    *,
    previous: Record | None,
    generated_at: datetime,
    invoice_type: str = "",
) -> Record:
    """The RegistroAlta of an issued document, chained after `previous` (the issuer's last
    record, None for the first). The caller holds the issuer's chain lock (one writer at a
    time per NIF), so no two records name the same previous one."""
    nif = issuer_nif(document)
    credit = document.kind == Kind.CREDIT_NOTE
    sign = -1 if credit else 1
    return _sealed(
        Record(
            kind=RecordKind.REGISTRATION,
            issuer_nif=nif,
            invoice_number=document.number,
            invoice_date=document.issue_date,
            invoice_type=invoice_type or ("R1" if credit else "F1"),
            tax_total=sign * document.tax_total,
            grand_total=sign * document.grand_total,
            previous_hash=_previous_hash(nif, previous),
            generated_at=generated_at,
        )
    )


def cancellation(cancelled: Record, *, previous: Record, generated_at: datetime) -> Record:
    """The RegistroAnulacion of the invoice `cancelled` registered, as a new link after
    `previous` (the issuer's last record, which may be `cancelled` itself)."""
    if cancelled.kind != RecordKind.REGISTRATION:
        raise EInvoiceInvalid(_("Only a registered invoice can be cancelled."), field="cancelled")
    return _sealed(
        Record(
            kind=RecordKind.CANCELLATION,
            issuer_nif=cancelled.issuer_nif,
            invoice_number=cancelled.invoice_number,
            invoice_date=cancelled.invoice_date,
            previous_hash=_previous_hash(cancelled.issuer_nif, previous),
            generated_at=generated_at,
        )
    )


def verify_chain(records: list[Record]) -> list[ChainProblem]:
    """What is wrong with one issuer's chain, given in order from its first record; empty when
    every Huella is its record's and every link names the one before."""
    problems = []
    for index, record in enumerate(records):
        if record.hash != compute_hash(record):
            problems.append(
                ChainProblem(index, _("The Huella is not this record's: it was changed."))
            )
        expected = records[index - 1].hash if index else ""
        if record.previous_hash != expected:
            problems.append(ChainProblem(index, _("The record does not follow the previous one.")))
        if index and record.issuer_nif != records[0].issuer_nif:
            problems.append(ChainProblem(index, _("The record is another issuer's.")))
        if index and record.generated_at < records[index - 1].generated_at:
            problems.append(ChainProblem(index, _("The record is older than the previous one.")))
    return problems


def qr_url(record: Record, *, test: bool = False) -> str:
    """The AEAT's verification address for the invoice `record` registered."""
    if record.kind != RecordKind.REGISTRATION:
        raise EInvoiceInvalid(_("A cancellation has no QR code."), field="record")
    query = urlencode(
        {
            "nif": record.issuer_nif,
            "numserie": record.invoice_number,
            "fecha": _date(record.invoice_date),
            "importe": _amount(record.grand_total),
        }
    )
    return f"{QR_BASE_TEST if test else QR_BASE}?{query}"


def qr_svg(record: Record, *, test: bool = False) -> str:
    """The QR code as an SVG document, to inline in the invoice's HTML (WeasyPrint)."""
    out = io.BytesIO()
    segno.make(qr_url(record, test=test), error="m", micro=False).save(
        out, kind="svg", scale=4, border=2
    )
    return out.getvalue().decode()


def qr_png(record: Record, *, test: bool = False) -> bytes:
    out = io.BytesIO()
    segno.make(qr_url(record, test=test), error="m", micro=False).save(
        out, kind="png", scale=4, border=2
    )
    return out.getvalue()
