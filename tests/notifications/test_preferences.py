import datetime
import json
import re
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from notifications import services, texts
from notifications.models import Notification, Preference
from notifications.services.delivery import _DEFAULTS
from tests.factories import CustomerFactory, new_visit

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def visit(next_monday):
    visit = new_visit()
    visit.window_start = datetime.datetime.combine(
        next_monday + datetime.timedelta(days=7), datetime.time(10), tzinfo=ROME
    )
    visit.window_end = visit.window_start + datetime.timedelta(hours=2)
    visit.save()
    return visit


def test_sms_goes_out_through_the_configured_backend(visit, settings, tmp_path):
    outbox = tmp_path / "sms.jsonl"
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "SMS_FILE": str(outbox),
        "SMS_BACKEND": "notifications.sms.FileBackend",
    }
    Preference.objects.create(customer=visit.ticket.customer, email=False, sms=True)

    services.notify_customer(
        visit=visit, kind="visit_scheduled", manage_url="https://fs.example/portal/b/t0k/"
    )
    row = Notification.objects.get()
    assert services.deliver(notification_id=row.pk)

    assert row.channel == "sms"
    assert row.recipient == "+393471234567"
    (line,) = outbox.read_text().splitlines()
    sent = json.loads(line)
    assert sent["to"] == "+393471234567"
    # The text carries what the customer acts on, not the email's subject alone.
    assert visit.ticket.number in sent["text"]
    assert "10:00-12:00" in sent["text"]
    assert "https://fs.example/portal/b/t0k/" in sent["text"]
    assert sent["key"] == f"notification-{row.pk}"


def test_quiet_hours_hold_a_message_until_they_end(visit):
    Preference.objects.create(
        customer=visit.ticket.customer, quiet_from=datetime.time(22), quiet_until=datetime.time(7)
    )
    late = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=ROME)

    row = services.notify_customer(visit=visit, kind="reminder", due_at=late)

    assert row.due_at == datetime.datetime(2026, 12, 2, 7, 0, tzinfo=ROME)


def test_every_email_carries_an_unsubscribe_link_that_works_without_login(
    client, visit, mailoutbox
):
    row = services.notify_customer(visit=visit, kind="visit_scheduled")
    services.deliver(notification_id=row.pk)
    link = re.search(r"(/notifications/unsubscribe/[^/\s]+/)", mailoutbox[0].body).group(1)

    confirm = client.get(link)
    done = client.post(link)
    after = services.notify_customer(visit=visit, kind="visit_moved")

    assert confirm.status_code == 200
    assert "Unsubscribe" in confirm.text
    assert done.status_code == 200
    assert "no longer receive" in done.text
    assert after is None
    assert not Notification.objects.filter(kind="visit_moved").exists()


def test_a_tampered_unsubscribe_link_changes_nothing(client, visit):
    response = client.post(reverse("notifications:unsubscribe", args=["forged"]))

    assert response.status_code == 400
    assert not Preference.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_unsubscribe_link_of_a_deleted_customer_is_not_valid(client):
    customer = CustomerFactory()
    token = services.unsubscribe_token(customer)
    customer.delete()

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "not valid" in response.text
    assert not Preference.objects.exists()


def test_customers_and_technicians_set_their_own_preferences(client, customer_user, technician):
    url = reverse("notifications:preferences")
    client.force_login(customer_user)

    saved = client.post(url, {"sms": "on", "quiet_from": "22:00", "quiet_until": "07:00"})
    half = client.post(url, {"email": "on", "quiet_from": "22:00"})

    assert saved.status_code == 302
    preference = Preference.objects.get(customer=customer_user.contacts.get().customer)
    assert (preference.email, preference.sms) == (False, True)
    assert preference.quiet_from == datetime.time(22)
    assert half.status_code == 400
    assert "both ends" in half.text
    client.force_login(technician.user)
    client.post(url, {"email": "on"})
    assert Preference.objects.get(technician=technician).email is True


def test_someone_without_a_customer_or_technician_record_gets_404(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get(reverse("notifications:preferences")).status_code == 404


def test_sms_needs_a_valid_mobile_number_and_bad_ones_change_nothing(client, customer_user):
    customer = customer_user.contacts.get().customer
    customer.phone = ""
    customer.save()
    url = reverse("notifications:preferences")
    client.force_login(customer_user)

    missing = client.post(url, {"sms": "on", "phone": ""})
    garbled = client.post(url, {"sms": "on", "phone": "12345"})
    landline = client.post(url, {"sms": "on", "phone": "+39 06 1234 5678"})

    assert missing.status_code == 400
    assert "give your mobile number" in missing.text
    assert garbled.status_code == 400
    assert "country code" in garbled.text
    assert landline.status_code == 400
    assert "landline" in landline.text
    assert not Preference.objects.exists()
    customer.refresh_from_db()
    assert not customer.phone

    saved = client.post(url, {"sms": "on", "phone": "+39 312 345 6789"})

    assert saved.status_code == 302
    customer.refresh_from_db()
    assert str(customer.phone) == "+393123456789"
    assert Preference.objects.get(customer=customer).sms is True
    assert 'value="+39 312 345 6789"' in client.get(url).text


def test_every_message_has_its_words_in_every_language_on_both_channels():
    for kind in Notification.Kind.values:
        for language in ("en", "it", "es", "bg"):
            subject, body = texts.render(kind, language, _DEFAULTS)
            assert subject.strip()
            assert body.strip()
            assert texts.render_sms(kind, language, _DEFAULTS).strip()


def test_emails_have_clickable_links_escaped_names_and_a_one_click_unsubscribe(visit, mailoutbox):
    customer = visit.ticket.customer
    customer.name = "<b>Rossi</b>"
    customer.save()
    row = services.notify_customer(
        visit=visit, kind="visit_scheduled", manage_url="https://fs.example/portal/b/t0k/"
    )
    services.deliver(notification_id=row.pk)

    (message,) = mailoutbox
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="https://fs.example/portal/b/t0k/"' in html
    assert "&lt;b&gt;Rossi" in html
    assert "<b>Rossi" not in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    assert url in html

    # What a mailbox provider sends: a bare POST, no session, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        urlparse(url).path, {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert Preference.objects.get(customer=customer).email is False


@pytest.mark.parametrize("contents", [["customer", 1], {"customer": "1"}, {}, 7])
def test_a_signed_unsubscribe_link_with_malformed_contents_is_not_valid(client, contents):
    token = signing.dumps(contents, salt="notifications.unsubscribe")

    response = client.post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 400
    assert "not valid" in response.text
    assert not Preference.objects.exists()
