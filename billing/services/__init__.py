"""Billing's writes, one module per area: invoices (drafting, issuing, credit notes, payments),
numbering, taxes, pricing, quotes, charges (time and materials). The invoice services are
re-exported here."""

from .invoices import (
    add_line,
    credit_note,
    draft_invoice_for_ticket,
    draft_invoices_for_period,
    email_invoice,
    issue_invoice,
    recalculate,
    record_payment,
    remove_line,
    update_line,
)
from .numbering import format_number, next_number
from .taxes import default_company, is_reverse_charge, stamp_duty_for

__all__ = [
    "add_line",
    "credit_note",
    "default_company",
    "draft_invoice_for_ticket",
    "draft_invoices_for_period",
    "email_invoice",
    "format_number",
    "is_reverse_charge",
    "issue_invoice",
    "next_number",
    "recalculate",
    "record_payment",
    "remove_line",
    "stamp_duty_for",
    "update_line",
]
