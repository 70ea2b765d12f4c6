"""The technician's job record on a visit: notes, parts fitted, repair options and the
customer's choice, the signature and photos. Each write takes the phone's idempotency key: a
replay returns the first record unchanged."""

from __future__ import annotations

import base64
import binascii
import functools
import io
import logging
import secrets
from decimal import Decimal
from typing import IO, TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from catalog.models import Part
from fieldservice import texts
from fieldservice.celery import hand_out
from fieldservice.errors import InvalidInput, TransitionNotAllowed

from .. import events, locks
from ..models import JobEntry, PartUsed, RepairOption, Signature, Visit, VisitPhoto
from .installation import record_commissioning

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PRICE_LIMIT = Decimal("100000000")  # RepairOption.price: 10 digits, 2 of them decimals
# What a broken or hostile image raises while it is read: an unknown or truncated file, a bad
# checksum (verify() raises SyntaxError), or a header claiming billions of pixels.
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
)
VS = Visit.Status
log = logging.getLogger(__name__)
_Keyed = TypeVar("_Keyed", JobEntry, PartUsed, RepairOption, VisitPhoto)
PNG_DATA_URL = "data:image/png;base64,"
# What the job page and the phone may record; "step" (the visit's status) is transition_visit.
RECORD_KINDS = ("note", "part", "option", "choose", "decline", "sign", "photo", "commission")


# What a company may require before a visit of a kind of job is completed
# (FIELDSERVICE["COMPLETION_REQUIRES"]: kind -> names below), and how each is found.
COMPLETION_RECORDS = {
    "work_note": lambda visit: visit.entries.filter(kind=JobEntry.Kind.WORK).exists(),
    "signature": lambda visit: Signature.objects.filter(visit=visit).exists(),
    "photo": lambda visit: visit.photos.exists(),
    "part": lambda visit: visit.parts_used.exists(),
}


def _completion_label(name: str) -> str:
    return {
        "work_note": _("a work note"),
        "signature": _("the customer's signature"),
        "photo": _("a photo"),
        "part": _("the parts used"),
    }[name]


def ensure_recorded_for_completion(visit: Visit) -> None:
    """Refuse, naming what is missing, to complete a visit before what its ticket's kind of job
    requires is recorded. The caller holds the visit's row lock."""
    required = settings.FIELDSERVICE["COMPLETION_REQUIRES"].get(visit.ticket.kind, ())
    missing = [name for name in required if not COMPLETION_RECORDS[name](visit)]
    if missing:
        raise InvalidInput(
            _("To complete this %(kind)s, record %(missing)s first.")
            % {
                "kind": visit.ticket.get_kind_display().lower(),
                "missing": _(" and ").join(_completion_label(name) for name in missing),
            },
            field=missing[0],
        )


def has_record(visit: Visit) -> bool:
    """Whether anything was recorded on the visit: a service report of it says something."""
    return (
        visit.entries.exists()
        or visit.parts_used.exists()
        or visit.repair_options.exists()
        or visit.photos.exists()
        or Signature.objects.filter(visit=visit).exists()
    )


def _recordable(visit: Visit) -> None:
    if visit.status not in (VS.EN_ROUTE, VS.ON_SITE, VS.COMPLETED, VS.CANNOT_COMPLETE):
        raise TransitionNotAllowed(
            _("Record work once you are on the way or on site (the visit is %(s)s).")
            % {"s": visit.get_status_display()}
        )


def _existing(model: type[_Keyed], visit: Visit, client_key: str) -> _Keyed | None:
    """The record this visit's action with this key made already, if any. The visit's row is
    locked first, so two copies of one action arriving at once are taken one after the other
    and the second finds the first's record instead of failing on the unique key."""
    if not client_key:
        return None
    locks.lock_visit(visit.pk)
    return model.objects.filter(visit=visit, client_key=client_key).first()


@transaction.atomic
def record_entry(
    *, visit: Visit, text: str, kind: str = "work", by: User | None, client_key: str = ""
) -> JobEntry:
    """A diagnostic, finding or work note on the visit."""
    if (found := _existing(JobEntry, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not text.strip():
        raise InvalidInput(_("Write what was done or found."), field="text")
    if kind not in JobEntry.Kind.values:
        raise InvalidInput(_("Unknown kind of note."), field="kind")
    texts.ensure_length(text.strip(), limit=texts.NOTE, field="text")
    return JobEntry.objects.create(
        visit=visit, kind=kind, text=text.strip(), by=by, client_key=client_key or None
    )


@transaction.atomic
def use_part(
    *, visit: Visit, part: Part, quantity: int, client_key: str = "", by: User | None = None
) -> PartUsed:
    """A catalog part fitted on the visit (stock subscribes to part_used: it leaves the van)."""
    if (found := _existing(PartUsed, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not 1 <= quantity <= 999:
        raise InvalidInput(_("The quantity must be 1 to 999."), field="quantity")
    used = PartUsed.objects.create(
        visit=visit, part=part, quantity=quantity, client_key=client_key or None
    )
    events.part_used.send(sender=PartUsed, part_used=used, by=by)
    return used


@transaction.atomic
def offer_option(
    *, visit: Visit, description: str, price: Decimal | None, client_key: str = ""
) -> RepairOption:
    """A repair option offered to the customer, with its price."""
    if (found := _existing(RepairOption, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not description.strip():
        raise InvalidInput(_("Describe the repair offered."), field="description")
    if len(description.strip()) > 250:
        raise InvalidInput(_("Describe the repair in at most 250 characters."), field="description")
    if price is None:
        raise InvalidInput(_("Give the price of the repair."), field="price")
    if not price.is_finite() or price >= PRICE_LIMIT:
        raise InvalidInput(_("The price must be below 100,000,000."), field="price")
    if price < 0:
        raise InvalidInput(_("The price cannot be negative."), field="price")
    return RepairOption.objects.create(
        visit=visit, description=description.strip(), price=price, client_key=client_key or None
    )


@transaction.atomic
def decide_option(*, option: RepairOption, chosen: bool) -> RepairOption:
    """The customer chose this option (the others are declined) or declined it."""
    option = RepairOption.objects.select_for_update().get(pk=option.pk)
    _recordable(option.visit)
    if chosen:
        option.visit.repair_options.exclude(pk=option.pk).update(
            decision=RepairOption.Decision.DECLINED
        )
    option.decision = RepairOption.Decision.CHOSEN if chosen else RepairOption.Decision.DECLINED
    option.save(update_fields=["decision"])
    return option


# A job record's form around its photo or signature: the other fields and the multipart framing.
FORM_SLACK = 64 * 1024


def photo_too_large() -> InvalidInput:
    max_mb = settings.FIELDSERVICE["PHOTO_MAX_MB"]
    return InvalidInput(
        _("The photo is larger than %(n)d MB: send a smaller one.") % {"n": max_mb}, field="photo"
    )


def signature_too_large() -> InvalidInput:
    max_kb = settings.FIELDSERVICE["SIGNATURE_MAX_KB"]
    return InvalidInput(
        _("The signature image is larger than %(n)d KB: draw it again.") % {"n": max_kb},
        field="signature",
    )


def request_limit(what: str) -> tuple[int, InvalidInput]:
    """The most bytes a request recording `what` ("sign", or else a photo, the largest) can
    hold within the caps, and the refusal for one past it: read from its Content-Length, so
    an upload too large is refused before its body is read. A signature comes as base64."""
    if what == "sign":
        encoded = -(-settings.FIELDSERVICE["SIGNATURE_MAX_KB"] * 1024 // 3) * 4
        return encoded + len(PNG_DATA_URL) + FORM_SLACK, signature_too_large()
    return settings.FIELDSERVICE["PHOTO_MAX_MB"] * 1024 * 1024 + FORM_SLACK, photo_too_large()


def _open_within(data: IO[bytes], *, megapixels: int, too_big: str, field: str) -> Image.Image:
    """The image, opened lazily: Pillow reads only its header here, so one that claims more
    than `megapixels` is refused (with the `too_big` message) before anything is decoded."""
    image = Image.open(data)
    width, height = image.size
    if width * height > megapixels * 1_000_000:
        raise InvalidInput(too_big % {"n": megapixels}, field=field)
    return image


@transaction.atomic
def sign_visit(*, visit: Visit, signed_by: str, png: bytes) -> Signature:
    """Store the customer's drawn signature (PNG) with the visit: at most SIGNATURE_MAX_KB
    and SIGNATURE_MAX_MEGAPIXELS (settings.FIELDSERVICE), checked before it is decoded."""
    _recordable(visit)
    if not signed_by.strip():
        raise InvalidInput(_("Write the name of who signs."), field="signed_by")
    if len(signed_by.strip()) > 200:
        raise InvalidInput(_("The name of who signs is at most 200 characters."), field="signed_by")
    if len(png) > settings.FIELDSERVICE["SIGNATURE_MAX_KB"] * 1024:
        raise signature_too_large()
    try:
        image = _open_within(
            io.BytesIO(png),
            megapixels=settings.FIELDSERVICE["SIGNATURE_MAX_MEGAPIXELS"],
            too_big=_("The signature image has more than %(n)d megapixels: draw it again."),
            field="signature",
        )
        image.verify()
    except IMAGE_ERRORS as exc:
        raise InvalidInput(_("The signature is not a valid image."), field="signature") from exc
    if image.format != "PNG":
        raise InvalidInput(_("The signature must be a PNG image."), field="signature")
    signature, _created = Signature.objects.update_or_create(
        visit=visit, defaults={"signed_by": signed_by.strip()}
    )
    signature.image.save(_unguessable_name("png"), ContentFile(png), save=True)
    return signature


PHOTO_TASK = "tickets.tasks.process_photo_task"


def hand_out_photo(photo_id: int) -> None:
    """Queue a photo's processing now (tickets.services.photos), or leave it to the sweeper
    when the broker cannot be reached: the photo stays as sent meanwhile."""
    try:
        hand_out(PHOTO_TASK, photo_id)
    except Exception:  # noqa: BLE001 - the photo row is the work; the sweeper hands it out
        if VisitPhoto.objects.filter(pk=photo_id, status=VisitPhoto.Status.PROCESSING).exists():
            log.warning("broker unavailable; photo %s waits for the sweeper", photo_id)


@transaction.atomic
def add_photo(*, visit: Visit, upload: File, caption: str = "", client_key: str = "") -> VisitPhoto:
    """Keep the photo as sent and hand it to a worker, which resizes it, turns it upright and
    re-encodes it without metadata (tickets.services.photos). Here only what its header says
    is read: at most PHOTO_MAX_MB and PHOTO_MAX_MEGAPIXELS (settings.FIELDSERVICE), in a
    format Pillow knows; nothing is decoded in the request."""
    if (found := _existing(VisitPhoto, visit, client_key)) is not None:
        return found
    _recordable(visit)
    texts.ensure_length(caption.strip(), limit=texts.CAPTION, field="caption")
    if upload.size is not None and upload.size > settings.FIELDSERVICE["PHOTO_MAX_MB"] * 2**20:
        raise photo_too_large()
    try:
        image = _open_within(
            upload,
            megapixels=settings.FIELDSERVICE["PHOTO_MAX_MEGAPIXELS"],
            too_big=_("The photo has more than %(n)d megapixels: send a smaller one."),
            field="photo",
        )
        extension = (image.format or "img").lower()
    except IMAGE_ERRORS as exc:
        raise InvalidInput(_("The photo is not an image we can read."), field="photo") from exc
    upload.seek(0)
    photo = VisitPhoto(
        visit=visit,
        caption=caption.strip(),
        client_key=client_key or None,
        status=VisitPhoto.Status.PROCESSING,
    )
    photo.raw.save(_unguessable_name(extension), File(upload), save=True)
    transaction.on_commit(functools.partial(hand_out_photo, photo.pk))
    return photo


def _unguessable_name(extension: str) -> str:
    """A stored file's name that says nothing of its visit and cannot be guessed from another."""
    return f"{secrets.token_urlsafe(24)}.{extension}"


def png_from_data_url(value: str) -> bytes:
    """The PNG bytes of a drawn signature, sent as a data URL (or its bare base64 part)."""
    encoded = value.removeprefix(PNG_DATA_URL).strip()
    if not encoded:
        raise InvalidInput(_("Draw the signature first."), field="signature")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(_("The signature could not be read."), field="signature") from exc


def record_job(  # noqa: PLR0911 - one return per kind of record (RECORD_KINDS)
    *,
    visit: Visit,
    what: str,
    by: User | None,
    client_key: str = "",
    text: str = "",
    kind: str = "",
    part_id: int | None = None,
    quantity: int | None = None,
    price: Decimal | None = None,
    option_id: int | None = None,
    signature: str = "",
    photo: File | None = None,
    serial_number: str = "",
    checked: list[str] | None = None,
) -> object:
    """One entry of the job record, as the job page's form and the phone's offline sync both
    send it: `what` says which (RECORD_KINDS), the other fields carry its values. Returns the
    record made, or the one an earlier copy with the same `client_key` made."""
    if what == "note":
        return record_entry(
            visit=visit, text=text, kind=kind or "work", by=by, client_key=client_key
        )
    if what == "part":
        if not part_id:
            raise InvalidInput(_("Choose the part from the catalog."), field="part")
        part = Part.objects.filter(pk=part_id).first()
        if part is None:
            raise InvalidInput(_("Unknown part."), field="part")
        return use_part(
            visit=visit, part=part, quantity=quantity or 1, client_key=client_key, by=by
        )
    if what == "option":
        return offer_option(visit=visit, description=text, price=price, client_key=client_key)
    if what in ("choose", "decline"):
        option = RepairOption.objects.filter(pk=option_id or 0, visit=visit).first()
        if option is None:
            raise InvalidInput(_("Unknown repair option."), field="option")
        return decide_option(option=option, chosen=what == "choose")
    if what == "photo":
        if photo is None:
            raise InvalidInput(_("Choose a photo."), field="photo")
        return add_photo(visit=visit, upload=photo, caption=text, client_key=client_key)
    if what == "sign":
        return sign_visit(visit=visit, signed_by=text, png=png_from_data_url(signature))
    if what == "commission":
        return record_commissioning(
            visit=visit, serial_number=serial_number, checked=checked or [], by=by
        )
    raise InvalidInput(_("Unknown kind of record."), field="what")
