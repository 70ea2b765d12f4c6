"""Photos are decoded by a worker, not in the request: the request reads only the header and
keeps the photo as sent; the worker resizes it and strips its metadata; a broker or worker
that fails loses nothing, and the sweeper hands the photo out again."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageFile

from dispatch.services import assign_visit
from fieldservice.celery import app as celery_app
from tests.factories import new_visit
from tests.helpers import broker_at, tomorrow_at
from tests.mailserver import free_port
from tickets import services
from tickets.models import VisitPhoto
from tickets.services import photos

pytestmark = pytest.mark.django_db
PS = VisitPhoto.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def on_site(technician):
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    return services.transition_visit(visit=visit, to="on_site", by=None)


def gps_jpeg(size=(4000, 3000)) -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (41.0, 54.0, 0.0)}  # GPSInfo
    raw = io.BytesIO()
    Image.new("RGB", size, "gray").save(raw, "JPEG", exif=exif.tobytes())
    return raw.getvalue()


def post_photo(client, visit, data: bytes):
    return client.post(
        reverse("tech:record", args=[visit.pk]) + "?what=photo",
        {"what": "photo", "text": "Pump", "photo": SimpleUploadedFile("p.jpg", data, "image/jpeg")},
        follow=True,
    )


def test_the_request_keeps_the_photo_as_sent_and_leaves_the_decoding_to_a_worker(
    client, technician, on_site, django_capture_on_commit_callbacks
):
    client.force_login(technician.user)

    with django_capture_on_commit_callbacks(execute=False) as handed_out:
        page = post_photo(client, on_site, gps_jpeg())

    photo = on_site.photos.get()
    assert photo.status == PS.PROCESSING
    assert not photo.image
    with photo.raw.open("rb") as handle:
        assert handle.read() == gps_jpeg()  # as sent, not decoded or resized
    assert len(handed_out) == 1
    assert "Pump: Processing" in page.text  # the job page shows it is on its way

    with django_capture_on_commit_callbacks(execute=True):
        handed_out[0]()  # the worker's task (eager here)

    photo.refresh_from_db()
    assert photo.status == PS.READY
    assert not photo.raw
    with photo.image.open("rb") as handle:
        shown = Image.open(io.BytesIO(handle.read()))
    assert max(shown.size) == 1600
    assert not shown.getexif()
    assert _raw_files(photo) == []  # the file as sent, with its GPS data, is gone
    assert 'alt="Pump"' in client.get(reverse("tech:job", args=[on_site.pk])).text


def _raw_files(photo):
    root = Path(photo.image.storage.location) / "photos" / "raw"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_photo_waits_as_sent_and_the_sweeper_hands_it_out(
    client, technician, on_site
):
    client.force_login(technician.user)

    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        page = post_photo(client, on_site, gps_jpeg())
        assert photos.requeue_photos(now=timezone.now() + datetime.timedelta(minutes=3)) == 1

    photo = on_site.photos.get()
    assert page.status_code == 200
    assert photo.status == PS.PROCESSING
    assert photo.raw
    assert photo.raw.storage.exists(photo.raw.name)

    photos.requeue_photos(now=timezone.now() + datetime.timedelta(minutes=3))

    photo.refresh_from_db()
    assert photo.status == PS.READY
    assert photo.image
    assert _raw_files(photo) == []


def test_a_photo_whose_data_cannot_be_decoded_is_marked_failed_and_kept_as_sent(
    client, technician, on_site, django_capture_on_commit_callbacks, monkeypatch
):
    # Pillow's default; WeasyPrint turns it on for the whole process once it is imported, and
    # then a cut-off photo is shown with its missing part grey instead.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    client.force_login(technician.user)
    truncated = gps_jpeg((800, 600))[:3000]  # a good header, the pixels cut off

    with django_capture_on_commit_callbacks(execute=True):
        page = post_photo(client, on_site, truncated)

    photo = on_site.photos.get()
    assert page.status_code == 200
    assert photo.status == PS.FAILED
    assert photo.raw.storage.exists(photo.raw.name)
    assert "Could not be read" in client.get(reverse("tech:job", args=[on_site.pk])).text


def test_the_sweeper_gives_up_on_a_photo_tried_too_often_and_leaves_new_ones_alone(on_site):
    jpeg = gps_jpeg((80, 60))
    tried = services.add_photo(
        visit=on_site, upload=SimpleUploadedFile("a.jpg", jpeg, "image/jpeg"), client_key="a"
    )
    fresh = services.add_photo(
        visit=on_site, upload=SimpleUploadedFile("b.jpg", jpeg, "image/jpeg"), client_key="b"
    )
    VisitPhoto.objects.filter(pk=tried.pk).update(
        attempts=photos.MAX_ATTEMPTS, at=timezone.now() - datetime.timedelta(hours=1)
    )

    handed = photos.requeue_photos()

    assert handed == 0
    assert VisitPhoto.objects.get(pk=tried.pk).status == PS.FAILED
    assert VisitPhoto.objects.get(pk=fresh.pk).status == PS.PROCESSING


def test_the_photo_sweeper_runs_every_minute_on_beat_and_the_in_process_worker(settings):
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("requeue_photos")
    ]

    assert [e["schedule"] for e in entries] == [60.0]
    assert entries[0]["task"] in celery_app.tasks
    assert "tickets.tasks.process_photo_task" in celery_app.tasks
