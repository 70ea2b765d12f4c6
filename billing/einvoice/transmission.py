"""Sending an e-invoice twice never makes two documents at the receiver.

`transmission_id(document)` is a UUID derived (uuid5) from what makes a document the same
document: the issuer, the kind, the number and the issue date, never the amounts or the time of
sending. A sender uses it like this:

1. Before the first send, store the id on the export row (a unique column), with the state
   "sending"; a second worker that tries to claim the same id gets the unique violation, or
   finds the row already "sent", and does nothing (claim by compare-and-set, STYLE.md 9).
2. Send with the id as the receiver's deduplication key: the `Idempotency-Key` header of an
   HTTP API (Peppol access points, the SDI intermediaries' APIs), the FatturaPA file name and
   ProgressivoInvio (both derived from it by `fatturapa.file_name` / `fatturapa.progressive`, so
   the SDI rejects a repeat as a duplicate file instead of filing a second invoice), or the
   Factur-X PDF's document id.
3. On a timeout, re-send with the same id: the receiver answers with the first result. Only a
   corrected document (a credit note and a new invoice: issued documents are never edited) gets a
   new id, because its number differs.

A `Channel` carries the file to the exchange (`OutboxChannel`, a folder, is the default: an SdI
intermediary is reached through one); `parse_receipt` reads the exchange's answer (delivered,
not delivered but filed, rejected).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring as safe_fromstring  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

from billing.einvoice.document import Document
from billing.einvoice.errors import EInvoiceInvalid

# A fixed namespace for this application's e-invoice transmissions (uuid5 needs one).
NAMESPACE = uuid.UUID("6f1c2b8e-3d4a-5b6c-8d7e-9f0a1b2c3d4e")


def transmission_key(document: Document) -> str:
    """What identifies the document: issuer, kind, number, issue date."""
    issuer = document.seller.vat_number or document.seller.tax_code
    return "|".join(
        (issuer.upper(), str(document.kind), document.number, document.issue_date.isoformat())
    )


def transmission_id(document: Document) -> str:
    """The same string for the same document, whatever its amounts or when it is sent."""
    return str(uuid.uuid5(NAMESPACE, transmission_key(document)))


# --- Channels: where a file goes to reach the exchange, and where its receipts come from. ---


class TransmissionFailed(EInvoiceInvalid):
    """The channel did not take the file; nothing was marked sent."""

    code = "transmission_failed"


class Channel(Protocol):
    """A way to the exchange: an SdI intermediary's API, a PEC mailbox, an SFTP drop. It must
    treat a second send of the same file name as the first (idempotent)."""

    name: str

    def send(self, *, file_name: str, content: bytes, transmission_id: str) -> str:
        """Hand the file over; return the channel's reference for it."""
        ...

    def receipts(self) -> Iterator[tuple[str, bytes]]:
        """The receipts waiting to be imported: (name, content)."""
        ...

    def done(self, name: str) -> None:
        """A receipt was imported: do not offer it again."""
        ...


class OutboxChannel:
    """Files written to a folder (`outbox/`), receipts read from another (`inbox/`), moved to
    `inbox/done/` once imported: what an SdI intermediary's folder synchronisation, or a person
    uploading by hand, works with. The default channel, and the tests'."""

    name = "outbox"

    def __init__(self, directory: str | Path) -> None:
        self.root = Path(directory)

    def _folder(self, *parts: str) -> Path:
        folder = self.root.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def send(self, *, file_name: str, content: bytes, transmission_id: str) -> str:
        if Path(file_name).name != file_name:
            raise TransmissionFailed(_("The file name is not a plain name."), field="file_name")
        target = self._folder("outbox") / file_name
        if target.exists():
            if target.read_bytes() == content:
                return str(target)  # sent before: the same file, nothing new
            raise TransmissionFailed(
                _("Another file was already sent as %(name)s.") % {"name": file_name},
                field="file_name",
            )
        partial = target.with_name(f".{file_name}.{transmission_id}.part")
        partial.write_bytes(content)
        os.replace(partial, target)
        return str(target)

    def receipts(self) -> Iterator[tuple[str, bytes]]:
        inbox = self._folder("inbox")
        for path in sorted(inbox.glob("*.xml")):
            yield path.name, path.read_bytes()

    def done(self, name: str) -> None:
        source = self._folder("inbox") / Path(name).name
        if source.exists():
            os.replace(source, self._folder("inbox", "done") / source.name)


# --- The exchange's receipts (SdI "ricevute e notifiche", v1.x). ---


class ReceiptKind(StrEnum):
    DELIVERED = "RC"  # RicevutaConsegna: delivered to the buyer
    NOT_DELIVERED = "MC"  # NotificaMancataConsegna: in the buyer's drawer; issued all the same
    REJECTED = "NS"  # NotificaScarto: refused by the exchange; the invoice is not issued


RECEIPT_ROOTS = {
    "RicevutaConsegna": ReceiptKind.DELIVERED,
    "NotificaMancataConsegna": ReceiptKind.NOT_DELIVERED,
    "NotificaScarto": ReceiptKind.REJECTED,
}


@dataclass(frozen=True)
class Receipt:
    kind: ReceiptKind
    file_name: str  # NomeFile: the file the receipt is about
    exchange_id: str  # IdentificativoSdI
    received_at: datetime | None  # DataOraRicezione
    errors: tuple[str, ...] = ()  # "00404: Fattura duplicata" lines of a rejection

    @property
    def delivered(self) -> bool:
        return self.kind != ReceiptKind.REJECTED


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(root: ET.Element, name: str) -> str:
    for element in root.iter():
        if _local(element.tag) == name:
            return (element.text or "").strip()
    return ""


def parse_receipt(content: bytes) -> Receipt:
    """The receipt an exchange's XML notification carries, or EInvoiceInvalid naming what is
    missing. Entities and DTDs are refused (defusedxml): a receipt is data from outside."""
    try:
        root = safe_fromstring(content)
    except (ET.ParseError, DefusedXmlException):
        raise EInvoiceInvalid(
            _("The receipt is not a readable XML file."), field="receipt"
        ) from None
    kind = RECEIPT_ROOTS.get(_local(root.tag))
    if kind is None:
        raise EInvoiceInvalid(
            _("%(kind)s is not a receipt this app reads (delivery, non-delivery, rejection).")
            % {"kind": _local(root.tag)},
            field="receipt",
        )
    name = _text(root, "NomeFile")
    if not name:
        raise EInvoiceInvalid(_("The receipt names no file (NomeFile)."), field="receipt")
    when = _text(root, "DataOraRicezione")
    try:
        received_at = datetime.fromisoformat(when) if when else None
    except ValueError:
        received_at = None
    errors = []
    for element in root.iter():
        if _local(element.tag) == "Errore":
            code = _text(element, "Codice")
            description = _text(element, "Descrizione")
            errors.append(f"{code}: {description}" if code else description)
    return Receipt(
        kind=kind,
        file_name=Path(name).name,
        exchange_id=_text(root, "IdentificativoSdI"),
        received_at=received_at,
        errors=tuple(errors),
    )
