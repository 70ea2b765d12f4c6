"""The service report, as a page and as a PDF: the company's name and logo, the photos taken,
every price with its currency, and (on the page only) a way back to where it was opened from."""

import base64
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dispatch.services import assign_visit
from portal.services import report_token
from tests.factories import CustomerFactory, UserFactory, new_visit
from tests.helpers import tomorrow_at
from tickets import reports, services
from tickets.models import Visit
from tickets.services.photos import process_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _image(fmt: str, colour: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def finished(technician):
    """A completed visit of `technician` with a photo, a priced option and a signature; its
    customer has a login."""
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = services.transition_visit(visit=visit, to="on_site", by=None)
    photo = services.add_photo(
        visit=visit,
        upload=SimpleUploadedFile("pump.jpg", _image("JPEG"), "image/jpeg"),
        caption="Worn drain pump",
    )
    process_photo(photo_id=photo.pk)  # the worker's part, here and now
    services.offer_option(visit=visit, description="New drain pump", price=Decimal("85"))
    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_image("PNG", "white"))
    services.record_entry(visit=visit, kind="work", text="Drain pump replaced.", by=None)
    services.transition_visit(visit=visit, to="completed", by=None)
    visit.ticket.customer.contacts.create(user=UserFactory(role="customer"), role="administrator")
    return reports.with_report_data(Visit.objects.filter(pk=visit.pk)).get()


def _photo_src(visit) -> str:
    with visit.photos.get().image.open("rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode()


def test_the_report_shows_the_company_its_logo_the_photos_and_prices_with_currency(
    finished, settings
):
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "COMPANY_NAME": "Idraulica Rossi",
        "CURRENCY": "CHF",
    }

    page = reports.as_html(finished, language="en")

    assert "Idraulica Rossi" in page
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="Idraulica Rossi">', page)
    assert _photo_src(finished) in page
    assert "Worn drain pump" in page
    assert "CHF\N{NO-BREAK SPACE}85.00" in page


def test_prices_are_written_the_way_of_the_reports_language(finished):
    assert "85,00\N{NO-BREAK SPACE}€" in reports.as_html(finished, language="it")


def test_the_pdf_carries_the_photo_beside_the_signature(finished):
    with_photo = reports.as_pdf(finished, language="en")
    finished.photos.all().delete()
    without = reports.as_pdf(
        reports.with_report_data(Visit.objects.filter(pk=finished.pk)).get(), language="en"
    )

    assert with_photo.startswith(b"%PDF")
    assert with_photo.count(b"/Subtype /Image") == without.count(b"/Subtype /Image") + 1


def test_a_photo_whose_file_is_gone_leaves_the_rest_of_the_report(finished, media):
    (media / finished.photos.get().image.name).unlink()

    page = reports.as_html(finished, language="en")

    assert "New drain pump" in page
    assert "data:image/jpeg" not in page


def test_each_reader_has_a_way_back_and_the_pdf_none(finished, client, technician, dispatcher):
    url = reverse("tech:report", args=[finished.pk])
    backs = {}
    for user in (technician.user, finished.ticket.customer.contacts.get().user, dispatcher):
        client.force_login(user)
        backs[user.username] = re.search(
            r'<p class="back">\s*<a href="([^"]+)"', client.get(url).text
        ).group(1)
    client.logout()
    by_link = client.get(reverse("portal:report", args=[report_token(finished)])).text

    assert backs == {
        technician.user.username: reverse("tech:job", args=[finished.pk]),
        finished.ticket.customer.contacts.get().user.username: reverse(
            "portal:ticket", args=[finished.ticket_id]
        ),
        dispatcher.username: reverse("dispatch:board"),
    }
    assert f'href="{reverse("portal:ticket", args=[finished.ticket_id])}"' in by_link
    # What the PDF is made of: the same page without its way back.
    assert 'class="back"' not in reports.as_html(finished, language="en")


def test_a_stranger_still_gets_no_report(finished, client):
    stranger = UserFactory(role="customer")
    CustomerFactory(user=stranger)
    client.force_login(stranger)

    assert client.get(reverse("tech:report", args=[finished.pk])).status_code == 404
