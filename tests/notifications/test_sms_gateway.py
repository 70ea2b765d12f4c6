"""The HTTP gateway SMS backend against a real HTTP server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications import services
from notifications.models import Notification, Preference
from notifications.sms import HttpGatewayBackend
from tests.factories import new_visit

pytestmark = pytest.mark.django_db


class Gateway(ThreadingHTTPServer):
    """Records each request; answers with `status` (and `reply` as the body)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.requests: list[dict] = []
        self.status, self.reply = 202, b'{"id": "m1"}'


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"headers": dict(self.headers), "body": json.loads(body)})
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(self.server.reply)))
        self.end_headers()
        self.wfile.write(self.server.reply)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def gateway(settings):
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "SMS_BACKEND": "notifications.sms.HttpGatewayBackend",
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{server.server_address[1]}/messages",
        "SMS_GATEWAY_TOKEN": "s3cret",
    }
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms_row(next_monday):
    visit = new_visit()
    Preference.objects.create(customer=visit.ticket.customer, email=False, sms=True)
    services.notify_customer(visit=visit, kind="reminder")
    return Notification.objects.get()


def test_the_gateway_gets_the_text_with_the_token_and_an_idempotency_key(gateway, sms_row):
    assert services.deliver(notification_id=sms_row.pk)

    (request,) = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Idempotency-Key"] == f"notification-{sms_row.pk}"
    assert request["body"]["to"] == "+393471234567"
    assert sms_row.visit.ticket.number in request["body"]["text"]
    sms_row.refresh_from_db()
    assert sms_row.status == "sent"


def test_a_refusing_gateway_is_retried_with_the_same_key_and_its_answer_recorded(gateway, sms_row):
    gateway.status, gateway.reply = 503, b"busy, try later"

    assert not services.deliver(notification_id=sms_row.pk)

    sms_row.refresh_from_db()
    assert sms_row.status == "pending"
    assert sms_row.attempts == 1
    assert "SMS gateway answered 503: busy, try later" in sms_row.last_error
    gateway.status = 200
    Notification.objects.filter(pk=sms_row.pk).update(due_at=sms_row.created_at)
    assert services.deliver(notification_id=sms_row.pk)
    keys = {r["headers"]["Idempotency-Key"] for r in gateway.requests}
    assert len(gateway.requests) == 2
    assert keys == {f"notification-{sms_row.pk}"}


def test_a_gateway_url_that_is_not_http_is_refused_clearly(settings):
    with pytest.raises(ValueError, match="SMS_GATEWAY_URL must be an http"):
        HttpGatewayBackend(url="ftp://gateway.example/", token="t")
