"""The worker's side of a visit's photos: the upload kept as sent (job_record.add_photo) is
resized to at most 1600 px, turned upright and re-encoded without metadata (no GPS), and the
raw file is removed; `requeue_photos`, every minute, hands out again those no worker finished.

A task that fails, or a worker that dies, leaves the photo processing with its raw file: the
sweeper hands it out again, up to MAX_ATTEMPTS times, after which it is marked failed (and the
raw file kept for the back office)."""

from __future__ import annotations

import datetime
import io
import logging
from typing import IO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps

from ..models import VisitPhoto
from .job_record import IMAGE_ERRORS, _unguessable_name, hand_out_photo

PHOTO_MAX_PIXELS = 1600
MAX_ATTEMPTS = 5
PS = VisitPhoto.Status
log = logging.getLogger(__name__)


def process_photo(*, photo_id: int) -> VisitPhoto | None:
    """Make the photo's shown image from its raw file. Safe to run twice: the row is locked,
    and one no longer processing is left as it is. An image that cannot be decoded is marked
    failed; any other error (a worker's) leaves it processing for the sweeper."""
    with transaction.atomic():
        photo = VisitPhoto.objects.select_for_update().filter(pk=photo_id).first()
        if photo is None or photo.status != PS.PROCESSING:
            return photo
        VisitPhoto.objects.filter(pk=photo.pk).update(attempts=photo.attempts + 1)
    # The attempt is counted before the work, so a worker that dies on this photo counts too.
    with transaction.atomic():
        photo = VisitPhoto.objects.select_for_update().get(pk=photo_id)
        if photo.status != PS.PROCESSING:
            return photo
        try:
            with photo.raw.open("rb") as handle:
                clean = _shown_image(handle)
        except IMAGE_ERRORS:
            log.warning("photo %s could not be decoded", photo.pk)
            photo.status = PS.FAILED
            photo.save(update_fields=["status"])
            return photo
        raw_name = photo.raw.name
        photo.image.save(_unguessable_name("jpg"), ContentFile(clean), save=False)
        photo.raw = ""
        photo.status = PS.READY
        photo.save(update_fields=["image", "raw", "status"])
        storage = photo.raw.storage
        transaction.on_commit(lambda: storage.delete(raw_name))
    return photo


def _shown_image(handle: IO[bytes]) -> bytes:
    image: Image.Image = Image.open(handle)
    # A JPEG is decoded at the smallest scale that still covers the thumbnail.
    image.draft("RGB", (PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
    image = ImageOps.exif_transpose(image)
    image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
    out = io.BytesIO()
    # A fresh RGB image carries no EXIF, so location and device data stay on the phone.
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def requeue_photos(*, now: datetime.datetime | None = None, requeue_after: int = 120) -> int:
    """Hand out again the photos still processing `requeue_after` seconds after they came
    (a broker that was down, a task lost or failed, a worker that died); mark failed those
    tried MAX_ATTEMPTS times. Returns how many were handed out."""
    now = now or timezone.now()
    waiting = VisitPhoto.objects.filter(
        status=PS.PROCESSING, at__lt=now - datetime.timedelta(seconds=requeue_after)
    )
    waiting.filter(attempts__gte=MAX_ATTEMPTS).update(status=PS.FAILED)
    handed = 0
    for pk in waiting.order_by("at").values_list("pk", flat=True)[:100]:
        hand_out_photo(pk)
        handed += 1
    return handed
