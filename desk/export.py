"""The ticket list as CSV: one row per ticket, in the list's order, safe to open in a
spreadsheet (a cell that starts like a formula is written as text)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.selectors import company_tz
from tickets.models import Ticket

from .selectors import technician_names

# What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000  # rows fetched at a time: the export of every ticket never sits in memory


def safe_cell(value: object) -> str:
    """The cell as text, with a leading quote when it would start a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file whose write gives back what it was given, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def ticket_rows(tickets: QuerySet[Ticket]) -> Iterator[str]:
    """The header, then each ticket of desk.selectors.ticket_list as one CSV line."""
    writer = csv.writer(_Echo())
    states = {"breached": _("Breached"), "at_risk": _("At risk"), "fine": _("On time")}
    yield writer.writerow(
        [
            _("Number"),
            _("Customer"),
            _("Kind"),
            _("Status"),
            _("Priority"),
            _("Tier"),
            _("Coverage"),
            _("SLA"),
            _("Technician"),
            _("Opened"),
            _("SLA due"),
            _("Channel"),
            _("Error codes"),
            _("Description"),
        ]
    )
    tz = company_tz()
    for t in tickets.iterator(chunk_size=CHUNK):
        cells = [
            t.number,
            t.customer.name,
            t.get_kind_display(),
            t.get_status_display(),
            t.get_priority_display(),
            t.get_tier_display(),
            t.get_coverage_display(),
            states.get(getattr(t, "sla_state", ""), ""),
            ", ".join(technician_names(t)),
            _moment(t.created_at, tz),
            _moment(t.sla_due_at, tz),
            t.get_channel_display(),
            " ".join(t.reported_codes),
            t.description,
        ]
        yield writer.writerow([safe_cell(cell) for cell in cells])


def _moment(value, tz) -> str:
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""
