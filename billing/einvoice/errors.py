"""The one error an export raises: the document breaks a rule of the receiver, nothing was made."""

from __future__ import annotations

from fieldservice.errors import InvalidInput


class EInvoiceInvalid(InvalidInput):
    """The document would be rejected by the receiver; `field` names the document's field at
    fault and `rule` the rule it breaks (EN 16931's, or the exchange's own)."""

    code = "einvoice_invalid"

    def __init__(self, message: str, *, field: str | None = None, rule: str = "") -> None:
        super().__init__(message, field=field)
        self.rule = rule
