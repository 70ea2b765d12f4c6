"""The ticket list as CSV or XLSX: one row per ticket, in the list's order, safe to open in a
spreadsheet (a cell that starts like a formula is written as text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


def ticket_cells(tickets: QuerySet[Ticket]) -> Iterator[list[str]]:
    """The header, then each ticket of desk.selectors.ticket_list as its cells, each through
    safe_cell."""
    states = {"breached": _("Breached"), "at_risk": _("At risk"), "fine": _("On time")}
    yield [
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
        yield [safe_cell(cell) for cell in cells]


def ticket_rows(tickets: QuerySet[Ticket]) -> Iterator[str]:
    """The header, then each ticket of desk.selectors.ticket_list as one CSV line."""
    writer = csv.writer(_Echo())
    for cells in ticket_cells(tickets):
        yield writer.writerow(cells)


def ticket_workbook(tickets: QuerySet[Ticket]) -> bytes:
    """The same rows as ticket_rows, as one sheet of an XLSX workbook (written row by row)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Tickets")))
    for cells in ticket_cells(tickets):
        # Control characters (a pasted email's) have no place in an XLSX cell: openpyxl
        # refuses the whole file over one.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _moment(value, tz) -> str:
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""
