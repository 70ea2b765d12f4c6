import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Notification, Preference
from tests.factories import new_visit

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

    services.notify_customer(visit=visit, kind="visit_scheduled")
    row = Notification.objects.get()
    assert services.deliver(notification_id=row.pk)

    assert row.channel == "sms" and row.recipient == "+390612345678"
    (line,) = outbox.read_text().splitlines()
    assert json.loads(line)["to"] == "+390612345678"
    assert visit.ticket.number in json.loads(line)["text"]


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

    assert confirm.status_code == 200 and "Unsubscribe" in confirm.text
    assert done.status_code == 200 and "no longer receive" in done.text
    assert after is None
    assert not Notification.objects.filter(kind="visit_moved").exists()


def test_a_tampered_unsubscribe_link_changes_nothing(client, visit):
    response = client.post(reverse("notifications:unsubscribe", args=["forged"]))

    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_customers_and_technicians_set_their_own_preferences(client, customer_user, technician):
    url = reverse("notifications:preferences")
    client.force_login(customer_user)

    saved = client.post(url, {"sms": "on", "quiet_from": "22:00", "quiet_until": "07:00"})
    half = client.post(url, {"email": "on", "quiet_from": "22:00"})

    assert saved.status_code == 302
    preference = Preference.objects.get(customer=customer_user.customer)
    assert (preference.email, preference.sms) == (False, True)
    assert preference.quiet_from == datetime.time(22)
    assert half.status_code == 400 and "both ends" in half.text
    client.force_login(technician.user)
    client.post(url, {"email": "on"})
    assert Preference.objects.get(technician=technician).email is True


def test_someone_without_a_customer_or_technician_record_gets_404(client, dispatcher):
    client.force_login(dispatcher)

    assert client.get(reverse("notifications:preferences")).status_code == 404
