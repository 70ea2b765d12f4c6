"""The client report as files: its ticket and visit rows as CSV (each cell through
desk.export.safe_cell, so a name such as "=HYPERLINK(...)" stays text in a spreadsheet), and
the whole report (summary and tables) as one PDF, in the reader's language, times local."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from desk.export import safe_cell
from tickets.models import Ticket

from .selectors import ClientReport, VisitRow, local_time

ROWS = ("tickets", "visits")


def _when(value) -> str:
    # ISO in the file: every spreadsheet reads it as a date and time, whatever its language.
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""


def ticket_cells(tickets: Iterable[Ticket]) -> Iterable[list[str]]:
    """The header, then one row per ticket; times in the ticket's site's zone."""
    yield [
        _("Number"),
        _("Opened"),
        _("Priority"),
        _("Status"),
        _("Site"),
        _("Response due"),
        _("Responded"),
        _("Resolution due"),
        _("Resolved"),
    ]
    for t in tickets:
        tz = t.site.timezone
        yield [
            t.number,
            _when(local_time(t.created_at, tz)),
            t.get_priority_display(),
            t.get_status_display(),
            str(t.site),
            _when(local_time(t.response_due_at, tz)),
            _when(local_time(t.responded_at, tz)),
            _when(local_time(t.sla_due_at, tz)),
            _when(local_time(t.resolved_at, tz)),
        ]


def visit_cells(visits: Iterable[VisitRow]) -> Iterable[list[str]]:
    """The header, then one row per visit made."""
    yield [_("Date"), _("Ticket"), _("Site"), _("Technician"), _("Arrived"), _("Minutes")]
    for row in visits:
        yield [
            f"{row.started:%Y-%m-%d}",
            row.visit.ticket.number,
            row.site,
            row.technician,
            f"{row.started:%H:%M}",
            "" if row.minutes is None else str(row.minutes),
        ]


def as_csv(cells: Iterable[list[str]], *, language: str) -> str:
    """The rows as CSV text, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    with translation.override(language):
        for row in cells:
            writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def as_html(report: ClientReport, *, language: str) -> str:
    """The report as one standalone page, the PDF's source."""
    with translation.override(language):
        return render_to_string(
            "reports/report_pdf.html",
            {
                "report": report,
                "company_name": settings.FIELDSERVICE["COMPANY_NAME"],
                "LANGUAGE_CODE": language,
            },
        )


def as_pdf(report: ClientReport, *, language: str) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - it needs Debian's pango, only for PDFs

    return HTML(string=as_html(report, language=language)).write_pdf()
