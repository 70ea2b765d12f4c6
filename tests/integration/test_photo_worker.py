"""A photo on the real parts: committed, handed to Redis, resized by a Celery worker process."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dispatch.services import assign_visit
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import tomorrow_at
from tests.integration.test_notifications_worker import smtp, wait_for, worker
from tickets import services
from tickets.models import VisitPhoto

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["smtp", "worker"]  # the worker's fixtures, shared with the notifications' tests


def test_a_worker_process_resizes_the_photo_the_request_kept_as_sent(worker):
    technician = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    raw = io.BytesIO()
    Image.new("RGB", (3200, 2400), "gray").save(raw, "JPEG")

    photo = services.add_photo(
        visit=visit, upload=SimpleUploadedFile("p.jpg", raw.getvalue(), "image/jpeg")
    )

    assert photo.status == VisitPhoto.Status.PROCESSING
    assert wait_for(
        lambda: VisitPhoto.objects.get(pk=photo.pk).status == VisitPhoto.Status.READY
    ), "no worker resized the photo"
    photo.refresh_from_db()
    try:
        with photo.image.open("rb") as handle:
            assert max(Image.open(io.BytesIO(handle.read())).size) == 1600
        assert not photo.raw
    finally:
        photo.image.delete(save=False)
