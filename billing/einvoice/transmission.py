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
"""

from __future__ import annotations

import uuid

from billing.einvoice.document import Document

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
