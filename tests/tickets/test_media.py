"""A visit's photos and signature answer to its technician, dispatchers and the ticket's
customer, and are a 404 for anyone else; streamed by Django, or handed to the web server in
front with X-Accel-Redirect or X-Sendfile."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from dispatch.services import assign_visit
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
)
from tests.fieldservice.test_settings_deploy import _manage
from tests.helpers import tomorrow_at
from tickets import services
from tickets.services.photos import process_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def job(technician):
    """An on-site visit of `technician` with a photo and the customer's signature."""
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = services.transition_visit(visit=visit, to="on_site", by=None)
    photo = services.add_photo(
        visit=visit, upload=SimpleUploadedFile("pump.jpg", _image("JPEG"), "image/jpeg")
    )
    photo = process_photo(photo_id=photo.pk)  # the worker's part, here and now
    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_image("PNG"))
    return visit, photo


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _customer_of(visit):
    user = UserFactory(role="customer")
    ContactFactory(user=user, customer=visit.ticket.customer, role="administrator")
    return user


def test_the_technician_the_customer_and_a_dispatcher_get_the_photo(job, technician, dispatcher):
    visit, photo = job
    url = reverse("media:photo", args=[photo.pk])

    for user in (technician.user, _customer_of(visit), dispatcher):
        response = _as(user).get(url)

        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        with photo.image.open("rb") as stored:
            assert b"".join(response.streaming_content) == stored.read()


def test_the_signature_is_served_to_the_visits_technician(job, technician):
    visit, _photo = job

    response = _as(technician.user).get(reverse("media:signature", args=[visit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_anyone_else_gets_a_404_for_the_photo_and_the_signature(job):
    visit, photo = job
    other_customer = UserFactory(role="customer")
    CustomerFactory(user=other_customer)
    others = (None, TechnicianFactory().user, other_customer, UserFactory(is_staff=True))

    for user in others:
        client = _as(user)
        assert client.get(reverse("media:photo", args=[photo.pk])).status_code == 404, user
        assert client.get(reverse("media:signature", args=[visit.pk])).status_code == 404, user


def test_a_visit_without_a_signature_and_a_lost_file_are_404(job, technician, media):
    _visit, photo = job
    unsigned = assign_visit(
        visit=new_visit(), technician=technician, start=tomorrow_at(14), by=None
    )
    (media / photo.image.name).unlink()
    client = _as(technician.user)

    assert client.get(reverse("media:signature", args=[unsigned.pk])).status_code == 404
    assert client.get(reverse("media:photo", args=[photo.pk])).status_code == 404


def test_behind_nginx_the_app_checks_and_nginx_sends_the_file(job, technician, settings):
    settings.MEDIA_SENDFILE_HEADER = "X-Accel-Redirect"
    settings.MEDIA_INTERNAL_URL = "/internal-media/"
    _visit, photo = job
    url = reverse("media:photo", args=[photo.pk])

    allowed = _as(technician.user).get(url)
    refused = _as(TechnicianFactory().user).get(url)

    assert allowed.status_code == 200
    assert allowed["X-Accel-Redirect"] == f"/internal-media/{photo.image.name}"
    assert allowed["Content-Type"] == "image/jpeg"
    assert allowed.content == b""
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_behind_apache_the_answer_names_the_files_path(job, technician, settings, media):
    settings.MEDIA_SENDFILE_HEADER = "X-Sendfile"
    visit, _photo = job

    response = _as(technician.user).get(reverse("media:signature", args=[visit.pk]))

    assert response.status_code == 200
    assert response["X-Sendfile"] == str(media / visit.signature.image.name)
    assert response.content == b""


def test_the_job_page_shows_photos_from_the_served_address(job, technician):
    _visit, photo = job

    page = _as(technician.user).get(reverse("tech:job", args=[photo.visit_id]))

    assert f'src="{reverse("media:photo", args=[photo.pk])}"' in page.text


def test_an_unknown_sendfile_header_stops_the_app_with_a_message_naming_it():
    result = _manage("check", MEDIA_SENDFILE_HEADER="X-Send-It")

    assert result.returncode != 0
    assert "MEDIA_SENDFILE_HEADER must be empty" in result.stderr
