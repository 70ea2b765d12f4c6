"""A visit's service report as HTML and as PDF: one rendering for the technician's page, the
customer's link and the PDF attached to the completion email. Times are the site's local times,
words in the language asked for."""

from __future__ import annotations

import base64
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Visit


def with_report_data(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """What the report shows, in a fixed number of queries."""
    return visits.select_related(
        "ticket__customer",
        "ticket__site",
        "ticket__appliance__model",
        "technician__user",
        "signature",
    ).prefetch_related("entries", "parts_used__part", "repair_options")


def as_html(visit: Visit, *, language: str | None = None) -> str:
    language = language or translation.get_language() or "en"
    signature = getattr(visit, "signature", None)  # the reverse one-to-one may be missing
    signature_src = ""
    if signature is not None and signature.image:
        # Inline, so the PDF needs no second request for the image.
        with signature.image.open("rb") as handle:
            signature_src = "data:image/png;base64," + base64.b64encode(handle.read()).decode()
    with (
        timezone.override(ZoneInfo(str(visit.ticket.site.timezone))),
        translation.override(language),
    ):
        return render_to_string(
            "tickets/report.html",
            {
                "visit": visit,
                "ticket": visit.ticket,
                "signature": signature,
                "signature_src": signature_src,
                "LANGUAGE_CODE": language,
            },
        )


def as_pdf(visit: Visit, *, language: str | None = None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - it needs Debian's pango, only for PDFs

    return HTML(string=as_html(visit, language=language)).write_pdf()


def filename(visit: Visit) -> str:
    return f"report-{visit.ticket.number}.pdf"


def response(visit: Visit, *, pdf: bool) -> HttpResponse:
    """The report page, or the PDF to open in the browser."""
    if not pdf:
        return HttpResponse(as_html(visit))
    answer = HttpResponse(as_pdf(visit), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{filename(visit)}"'
    return answer
