"""A visit's service report as HTML and as PDF: one rendering for the technician's page, the
customer's link and the PDF attached to the completion email. Times are the site's local times,
words in the language asked for, prices in the company's currency.

Images (the company's logo, the photos, the signature) are inlined, so the PDF needs no second
request and the page opened from an email's link shows them to a customer who is not signed in.
"""

from __future__ import annotations

import base64
import mimetypes
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models import Prefetch, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from fieldservice.money import Money

from .installation import commissioning_of, is_installation
from .models import Visit, VisitBooking


def with_report_data(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """What the report shows, in a fixed number of queries."""
    return visits.select_related(
        "ticket__customer",
        "ticket__site",
        "ticket__appliance__model",
        "ticket__appliance_model",
        "technician__user",
        "signature",
        "commissioning",
    ).prefetch_related(
        "entries",
        "parts_used__part",
        "repair_options",
        "photos",
        Prefetch(
            "bookings",
            queryset=VisitBooking.objects.filter(role=VisitBooking.Role.HELPER).select_related(
                "technician__user"
            ),
            to_attr="helpers",
        ),
    )


def _data_url(name: str, content: bytes) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(content).decode()}"


def _inline(stored: FieldFile) -> str:
    """The stored file as a data: URL; empty when it is missing (its row outlived the file)."""
    if not stored:
        return ""
    try:
        with stored.open("rb") as handle:
            return _data_url(stored.name, handle.read())
    except FileNotFoundError:
        return ""


def _logo() -> str:
    """The company's logo (COMPANY_LOGO, among the static files) as a data: URL."""
    name = settings.FIELDSERVICE["COMPANY_LOGO"]
    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return _data_url(name, handle.read())
    with staticfiles_storage.open(name) as handle:  # collected, with no source folders
        return _data_url(name, handle.read())


def as_html(visit: Visit, *, language: str | None = None, back_url: str = "") -> str:
    """The report page; `back_url` is where its "Back" link leads (none in the PDF)."""
    language = language or translation.get_language() or "en"
    signature = getattr(visit, "signature", None)  # the reverse one-to-one may be missing
    signature_src = _inline(signature.image) if signature is not None else ""
    photos = [(photo, src) for photo in visit.photos.all() if (src := _inline(photo.image))]
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
                "photos": photos,
                "company_name": settings.FIELDSERVICE["COMPANY_NAME"],
                "company_phone": settings.FIELDSERVICE.get("COMPANY_PHONE", ""),
                "logo_src": _logo(),
                "options": [
                    (option, Money(option.price, settings.FIELDSERVICE["CURRENCY"]))
                    for option in visit.repair_options.all()
                ],
                "back_url": back_url,
                "commissioning": commissioning_of(visit) if is_installation(visit) else None,
                "helpers": getattr(visit, "helpers", None),
                "LANGUAGE_CODE": language,
            },
        )


def as_pdf(visit: Visit, *, language: str | None = None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - it needs Debian's pango, only for PDFs

    return HTML(string=as_html(visit, language=language)).write_pdf()


def filename(visit: Visit) -> str:
    return f"report-{visit.ticket.number}.pdf"


def response(visit: Visit, *, pdf: bool, back_url: str = "") -> HttpResponse:
    """The report page with its way back, or the PDF to open in the browser."""
    if not pdf:
        return HttpResponse(as_html(visit, back_url=back_url))
    answer = HttpResponse(as_pdf(visit), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="{filename(visit)}"'
    return answer
