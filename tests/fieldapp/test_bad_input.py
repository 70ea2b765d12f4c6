"""The technician's app given bad input: the phone's sync, the record form and the status
step. Each is refused with a message naming what is wrong (never a 500) and writes nothing;
in a sync batch, one bad action costs neither the others nor their answers."""

from __future__ import annotations

import base64
import functools
import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from fieldapp.models import SyncAction
from tests.factories import PartFactory, new_visit
from tests.helpers import assign_today
from tickets import services
from tickets.models import (
    JobEntry,
    PartUsed,
    RepairOption,
    Signature,
    TicketEvent,
    Visit,
    VisitPhoto,
)

pytestmark = pytest.mark.django_db
RECORDS = [JobEntry, PartUsed, RepairOption, Signature, SyncAction, TicketEvent, VisitPhoto]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in RECORDS}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def en_route(technician):
    visit = assign_today(new_visit(), technician)
    return services.transition_visit(visit=visit, to="en_route", by=None)


@pytest.fixture
def tech(client, technician):
    client.raise_request_exception = False  # a 500 is an answer to check, not a crash
    client.force_login(technician.user)
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def bomb_png() -> bytes:
    """About 100 bytes whose header claims 30000 x 30000 pixels."""
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b""))
        + _chunk(b"IEND", b"")
    )


@functools.cache
def huge_png(width: int = 12000, height: int = 12000) -> bytes:
    """A real, complete PNG of width x height black pixels, one bit each: a few KB that
    decode to `width * height` pixels (the attack's was 450 KB of RGB, over a gigabyte)."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    pack = zlib.compressobj(9)
    data = b"".join(pack.compress(row) for _ in range(height)) + pack.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def claims_pixels_png(width: int = 12000, height: int = 12000) -> bytes:
    """A PNG header claiming width x height RGB pixels with almost no data behind it: read
    lazily it is refused for its size, decoded it would fail as truncated."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _chunk(b"IEND", b"")
    )


def padded(raw: bytes, size: int) -> bytes:
    """A valid image followed by junk up to `size` bytes: readers stop at the image's end."""
    return raw + b"\x00" * (size - len(raw))


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def broken_crc_png() -> bytes:
    """A real PNG with one checksum byte of its image data flipped."""
    data = bytearray(png_bytes())
    i = data.find(b"IDAT")
    length = struct.unpack(">I", data[i - 4 : i])[0]
    data[i + 4 + length] ^= 0xFF
    return bytes(data)


def data_url(raw: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def sync(client, *actions):
    return client.post(
        reverse("tech:sync"),
        json.dumps({"actions": list(actions)}),
        content_type="application/json",
    )


def refused(response, *words) -> str:
    """The one action's error message, checked to name one of `words`."""
    assert response.status_code == 200, response.status_code
    (result,) = response.json()["results"]
    assert result["status"] == "error", result
    message = result["message"].lower()
    assert any(w in message for w in words), message
    return message


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("visit", "abc", ("visit",)),
        ("visit", [1], ("visit",)),
        ("version", "abc", ("version",)),
        ("version", {"a": 1}, ("version",)),
        ("type", ["note"], ("type",)),
        ("key", "k\x001", ("key",)),
        ("key", "", ("key",)),
    ],
)
def test_a_sync_action_of_the_wrong_shape_is_refused_by_name(tech, en_route, field, value, words):
    action = {"key": "k1", "type": "note", "visit": en_route.pk, "text": "hello", field: value}
    before = counts()

    refused(sync(tech, action), *words)

    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"type": "part", "quantity": "two"}, ("quantity",)),
        ({"type": "part", "quantity": "1e3"}, ("quantity",)),
        ({"type": "part", "quantity": 2.7}, ("quantity",)),
        ({"type": "part", "part": "pump"}, ("part",)),
        ({"type": "choose", "option": "abc"}, ("option",)),
        ({"type": "option", "text": "Replace pump", "price": "NaN"}, ("price",)),
        ({"type": "option", "text": "Replace pump", "price": "Infinity"}, ("price",)),
        ({"type": "option", "text": "Replace pump", "price": "1e20"}, ("price",)),
        ({"type": "option", "text": "Replace pump"}, ("give the price",)),
        ({"type": "option", "text": "x" * 300, "price": "10"}, ("250",)),
        ({"type": "note", "text": "nul\x00byte"}, ("null character",)),
        ({"type": "sign", "text": "x" * 300, "signature": data_url(png_bytes())}, ("200",)),
        ({"type": "sign", "text": "Giulia", "signature": data_url(bomb_png())}, ("signature",)),
        (
            {"type": "sign", "text": "Giulia", "signature": data_url(broken_crc_png())},
            ("signature",),
        ),
        (
            {"type": "sign", "text": "Giulia", "signature": data_url(huge_png())},
            ("4 megapixels",),
        ),
    ],
)
def test_a_sync_action_with_a_bad_value_is_refused_by_name(tech, en_route, extra, words):
    action = {"key": "k1", "visit": en_route.pk, "part": PartFactory().pk, **extra}
    before = counts()

    refused(sync(tech, action), *words)

    assert counts() == before


def test_one_bad_action_costs_neither_the_others_nor_their_answers(tech, en_route):
    part = PartFactory()

    response = sync(
        tech,
        {"key": "good-1", "type": "note", "visit": en_route.pk, "text": "Gate code 1234"},
        "not an action",
        {"key": "bad-2", "type": "part", "visit": en_route.pk, "part": part.pk, "quantity": "x"},
        {"key": "good-3", "type": "part", "visit": en_route.pk, "part": part.pk, "quantity": 2},
    )

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["ok", "error", "error", "ok"]
    assert JobEntry.objects.get(visit=en_route).text == "Gate code 1234"
    assert PartUsed.objects.get(visit=en_route).quantity == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"what": "option", "text": "x" * 300, "price": "10"}, ("250",)),
        ({"what": "option", "text": "Replace pump"}, ("give the price",)),
        ({"what": "option", "text": "Replace pump", "price": ""}, ("give the price",)),
        ({"what": "option", "text": "Replace pump", "price": "1e20"}, ("price",)),
        ({"what": "sign", "text": "x" * 300, "signature": data_url(png_bytes())}, ("200",)),
        ({"what": "sign", "text": "Giulia", "signature": data_url(bomb_png())}, ("signature",)),
        (
            {"what": "sign", "text": "Giulia", "signature": data_url(broken_crc_png())},
            ("signature",),
        ),
        ({"what": "part", "quantity": "abc"}, ("quantity",)),
        (
            {"what": "photo", "photo": SimpleUploadedFile("x.png", bomb_png(), "image/png")},
            ("photo",),
        ),
        # 12000 x 12000: under Pillow's bomb limit, over ours; refused before decoding (the
        # header-only one would otherwise fail as truncated, with another message).
        (
            {"what": "photo", "photo": SimpleUploadedFile("x.png", huge_png(), "image/png")},
            ("40 megapixels",),
        ),
        (
            {
                "what": "photo",
                "photo": SimpleUploadedFile("x.png", claims_pixels_png(), "image/png"),
            },
            ("40 megapixels",),
        ),
        ({"what": "sign", "text": "Giulia", "signature": data_url(huge_png())}, ("4 megapixels",)),
        (
            {"what": "sign", "text": "Giulia", "signature": data_url(claims_pixels_png())},
            ("4 megapixels",),
        ),
        (
            {"what": "sign", "text": "Giulia", "signature": data_url(padded(png_bytes(), 600_000))},
            ("500 kb",),
        ),
    ],
)
def test_the_record_form_refuses_bad_values_by_name(tech, en_route, data, words):
    data = {"part": PartFactory().pk, **data}
    before = counts()

    response = tech.post(reverse("tech:record", args=[en_route.pk]), data, follow=True)

    assert response.status_code == 200
    text = " ".join(str(m) for m in response.context["messages"]).lower()
    assert any(w in text for w in words), text
    assert counts() == before


def test_a_photo_past_its_byte_limit_is_refused_by_name(tech, en_route, settings):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PHOTO_MAX_MB": 1}
    photo = SimpleUploadedFile("x.jpg", padded(jpeg_bytes(), 1_100_000), "image/jpeg")
    before = counts()

    response = tech.post(
        reverse("tech:record", args=[en_route.pk]), {"what": "photo", "photo": photo}, follow=True
    )

    text = " ".join(str(m) for m in response.context["messages"])
    assert "larger than 1 MB" in text
    assert counts() == before


def test_images_within_the_limits_are_kept(tech, en_route, settings):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PHOTO_MAX_MB": 1}
    url = reverse("tech:record", args=[en_route.pk])
    photo = SimpleUploadedFile("x.jpg", padded(jpeg_bytes(), 1_000_000), "image/jpeg")
    small = huge_png(2000, 2000)  # 4 megapixels: the signature's limit, not past it

    tech.post(url, {"what": "photo", "photo": photo})
    tech.post(url, {"what": "sign", "text": "Giulia", "signature": data_url(small)})

    assert VisitPhoto.objects.filter(visit=en_route).count() == 1
    assert Signature.objects.get(visit=en_route).signed_by == "Giulia"


def test_a_step_with_a_reason_past_its_limit_is_refused_not_applied(tech, en_route):
    on_site = services.transition_visit(visit=en_route, to="on_site", by=None)

    response = tech.post(
        reverse("tech:step", args=[on_site.pk]),
        {"to": "completed", "reason": "x" * 2001},
        follow=True,
    )

    on_site.refresh_from_db()
    assert on_site.status == Visit.Status.ON_SITE
    assert "At most 2000 characters" in " ".join(str(m) for m in response.context["messages"])


def test_a_photo_caption_past_its_limit_is_refused_not_cut(tech, en_route):
    photo = SimpleUploadedFile("x.jpg", jpeg_bytes(), "image/jpeg")

    response = tech.post(
        reverse("tech:record", args=[en_route.pk]),
        {"what": "photo", "photo": photo, "text": "x" * 201},
        follow=True,
    )

    assert "At most 200 characters" in " ".join(str(m) for m in response.context["messages"])
    assert not VisitPhoto.objects.exists()


def test_a_step_with_a_garbled_version_is_refused_not_applied(tech, en_route):
    response = tech.post(
        reverse("tech:step", args=[en_route.pk]), {"to": "on_site", "version": "abc"}, follow=True
    )

    en_route.refresh_from_db()
    assert en_route.status == Visit.Status.EN_ROUTE
    assert "version" in " ".join(str(m) for m in response.context["messages"]).lower()


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"actions": ' + "[" * 900 + "]" * 900 + "}"],
    ids=["100000-deep", "900-deep"],
)
def test_a_sync_batch_nested_too_deep_is_refused_in_the_sync_shape(tech, en_route, body):
    before = counts()

    response = tech.post(reverse("tech:sync"), body, content_type="application/json")

    assert response.status_code == 400
    assert "actions" in response.json()["detail"]
    assert counts() == before


def test_a_sync_batch_past_the_upload_limit_is_refused_in_the_sync_shape(tech, en_route, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    note = {"key": "k1", "type": "note", "visit": en_route.pk, "text": "x" * 2000}

    response = sync(tech, note)

    assert response.status_code == 400
    assert "fewer actions" in response.json()["detail"]
    assert counts()["JobEntry"] == 0
