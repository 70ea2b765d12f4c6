"""The text the desk's search reads for each ticket, kept current in one place.

Every service that changes what a ticket is found by (its description, its codes, and the
conversation once tickets have one) calls `refresh_search` after its write, in the same
transaction. PostgreSQL keeps the words of `Ticket.search_text` in a generated column with a
GIN index (to_tsvector('simple', ...), migration tickets 0005); SQLite reads the text plainly.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Ticket


def ticket_number_words(pk: int) -> list[str]:
    """The ways an agent types a ticket's number: T-000123, 000123 and 123."""
    return [f"T-{pk:06d}", f"{pk:06d}", str(pk)]


def search_document(
    *,
    pk: int,
    customer_name: str,
    description: str,
    codes: Iterable[str],
    more: Iterable[str] = (),
) -> str:
    """One ticket's searchable text, one part a line: number, customer, codes (as typed and as
    matched in the catalog, with their titles), description, then `more` (the thread)."""
    parts = [" ".join(ticket_number_words(pk)), customer_name, " ".join(codes), description]
    parts.extend(more)
    return "\n".join(part for part in parts if part)


def refresh_search(ticket: Ticket) -> str:
    """Write the ticket's search text from what it holds now and return it. Three small queries;
    leaves updated_at (and so the ticket's change stamp) as it was. The conversation's words
    (replies, notes and emails) come last: the desk's search is for staff only."""
    customer_name = ticket.customer.name
    matched = [f"{code} {title}" for code, title in ticket.error_codes.values_list("code", "title")]
    text = search_document(
        pk=ticket.pk,
        customer_name=customer_name,
        description=ticket.description,
        codes=[*ticket.reported_codes, *matched],
        more=ticket.messages.order_by("pk").values_list("body", flat=True),
    )
    Ticket.objects.filter(pk=ticket.pk).update(search_text=text)
    ticket.search_text = text
    return text
