"""A photo or signature past its cap is refused by its Content-Length, before its body is read:
the server answers while the phone is still sending, with the limit named, and nothing kept.
Against the live server over a socket, which sends only the start of the body it announces."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from dispatch.services import assign_visit
from tests.factories import new_visit
from tests.helpers import tomorrow_at
from tickets import services
from tickets.models import Signature, VisitPhoto

pytestmark = pytest.mark.django_db(transaction=True)
BOUNDARY = "fieldservice-test-boundary"


@pytest.fixture
def en_route(technician):
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    return services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)


@pytest.fixture
def signed_in(technician) -> Client:
    client = Client()
    client.force_login(technician.user)
    return client


def _start_of(what: str) -> bytes:
    """The first fields of a record's form, up to the first 4 KB of its photo or signature."""
    if what == "photo":
        part = (
            b'Content-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n"
        ) + b"\xff" * 4096
    else:
        part = b'Content-Disposition: form-data; name="signature"\r\n\r\n' + b"A" * 4096
    what_field = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="what"\r\n\r\n{what}\r\n'
    return what_field.encode() + f"--{BOUNDARY}\r\n".encode() + part


def _post_start_only(live_server, client: Client, path: str, what: str, length: int):
    """POST announcing `length` bytes but sending only their start; the answer, or a timeout
    when the server waits for the rest (it would wait as long as the phone takes)."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=15)
    client.get(reverse("tech:today"))  # the CSRF cookie, which the phone's script sends back
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    connection.putrequest("POST", path)
    connection.putheader(
        "Cookie",
        f"{django_settings.SESSION_COOKIE_NAME}={session}; "
        f"{django_settings.CSRF_COOKIE_NAME}={token}",
    )
    connection.putheader("X-CSRFToken", token)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    connection.putheader("Content-Length", str(length))
    connection.endheaders(_start_of(what))
    try:
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.msg.get_all("Set-Cookie")
    finally:
        connection.close()


def _messages_on(client: Client, cookies: list[str], url: str) -> str:
    for header in cookies or []:
        name, _sep, rest = header.partition("=")
        client.cookies[name] = rest.split(";", 1)[0]
    return " ".join(str(m) for m in client.get(url).context["messages"])


def test_a_photo_past_its_cap_is_refused_before_its_body_is_read(
    live_server, signed_in, en_route, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PHOTO_MAX_MB": 1}
    path = reverse("tech:record", args=[en_route.pk]) + "?what=photo"

    status, location, cookies = _post_start_only(
        live_server, signed_in, path, "photo", length=30 * 2**20
    )

    assert status == 302
    assert location == reverse("tech:job", args=[en_route.pk])
    text = _messages_on(signed_in, cookies, location)
    assert "The photo is larger than 1 MB" in text
    assert not VisitPhoto.objects.exists()
    assert not any(tmp_path.iterdir())


def test_a_signature_past_its_cap_is_refused_by_its_own_limit_before_it_is_read(
    live_server, signed_in, en_route, settings
):
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "SIGNATURE_MAX_KB": 100}
    path = reverse("tech:record", args=[en_route.pk]) + "?what=sign"

    # Far below the photo's cap, past the signature's (100 KB, as base64 in the form).
    status, location, cookies = _post_start_only(
        live_server, signed_in, path, "sign", length=2 * 2**20
    )

    assert status == 302
    text = _messages_on(signed_in, cookies, location)
    assert "The signature image is larger than 100 KB" in text
    assert not Signature.objects.exists()


def test_a_record_within_the_cap_is_read_and_kept(signed_in, en_route, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("tech:record", args=[en_route.pk]) + "?what=sign"

    response = signed_in.post(
        url,
        {"what": "note", "text": "Checked the pump", "kind": "work"},
        follow=True,
    )

    assert response.status_code == 200
    assert en_route.entries.get().text == "Checked the pump"
