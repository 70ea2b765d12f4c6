"""On the technician's job page the photos taken show, served through the app's access check:
the same address is a 404 for a browser that is not signed in. (Django's live server serves the
media folder to anyone, which `make run`'s server does not: a page that linked the stored file
would show it here, and to the stranger too.)"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dispatch.services import assign_visit
from tests.factories import new_visit
from tests.helpers import tomorrow_at
from tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_pages_photos_show_to_the_technician_only(
    browser, page, live_server, login, technician, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = services.transition_visit(visit=visit, to="on_site", by=None)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    services.add_photo(visit=visit, upload=SimpleUploadedFile("pump.jpg", buffer.getvalue()))
    login(page, "tech")

    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    thumbnail = page.locator(".photos img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.photos img').complete")

    assert thumbnail.evaluate("img => img.naturalWidth") == 64
    stranger = browser.new_context()
    answer = stranger.request.get(live_server.url + thumbnail.get_attribute("src"))
    assert answer.status == 404
    stranger.close()
