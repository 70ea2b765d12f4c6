"""Every message is rendered from its templates through gettext, in the recipient's language:
the Italian, Spanish and Bulgarian words come from the compiled catalogs (locale/), so these
tests read what a customer in Milan or Sofia reads."""

import datetime
import json

import icalendar
import pytest
from django.utils import timezone, translation

from dispatch.services import assign_visit
from notifications import services
from notifications.models import Notification, Preference
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import ROME, at, tomorrow_at

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2030, 12, 5)


def _visit(language):
    appliance = ApplianceFactory(
        model__manufacturer="Bosch",
        model__model_number="WAW28",
        site__customer__language=language,
        site__customer__name="Anna Rossi",
    )
    visit = new_visit(open_ticket(appliance=appliance))
    visit.window_start = at(THURSDAY, 8)
    visit.window_end = at(THURSDAY, 10)
    visit.save()
    return visit


@pytest.fixture
def sms_outbox(settings, tmp_path):
    outbox = tmp_path / "sms.jsonl"
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "SMS_FILE": str(outbox),
        "SMS_BACKEND": "notifications.sms.FileBackend",
    }

    def texts():
        return [json.loads(line)["text"] for line in outbox.read_text().splitlines()]

    return texts


def test_an_italian_customers_booking_email_and_sms_are_in_italian(mailoutbox, sms_outbox):
    visit = _visit("it")
    number = visit.ticket.number

    email = services.notify_customer(visit=visit, kind="booking_confirmed", manage_url="-")
    assert services.deliver(notification_id=email.pk)
    Preference.objects.create(customer=visit.ticket.customer, email=False, sms=True)
    services.notify_customer(visit=visit, kind="booking_confirmed", manage_url="-")
    sms = Notification.objects.get(channel="sms")
    assert services.deliver(notification_id=sms.pk)

    (message,) = mailoutbox
    assert message.subject == f"La visita {number} è prenotata"
    assert message.body.startswith(
        "Gentile Anna Rossi,\n\nla visita è prenotata per gio 5 dic, 08:00-10:00.\n"
        "Intervento: Riparazione, lavatrice Bosch WAW28.\n"
    )
    assert "\n\nPer spostarla o annullarla: -\n\n--\nPer non ricevere più queste email: " in (
        message.body
    )
    ((html, _mimetype),) = message.alternatives
    assert '<html lang="it">' in html
    assert f"La visita {number} è prenotata</h1>" in html
    assert "Intervento: Riparazione, lavatrice Bosch WAW28." in html
    assert "Per non ricevere più queste email: <a " in html
    assert "Job:" not in html
    assert sms_outbox() == [
        f"Visita {number} (Riparazione, lavatrice Bosch WAW28) prenotata: "
        "gio 5 dic, 08:00-10:00. Spostarla o annullarla: -"
    ]


def test_a_bulgarian_customers_reminder_sms_is_in_bulgarian(sms_outbox):
    visit = _visit("bg")
    Preference.objects.create(customer=visit.ticket.customer, email=False, sms=True)

    services.notify_customer(visit=visit, kind="reminder", due_at=timezone.now())
    assert services.deliver(notification_id=Notification.objects.get(channel="sms").pk)

    assert sms_outbox() == [
        f"Напомняне: посещение {visit.ticket.number} (Ремонт, пералня Bosch WAW28), "
        "чт, 5 дек, 08:00-10:00."
    ]


def test_a_technicians_next_day_schedule_counts_the_visits(mailoutbox):
    one = TechnicianFactory(user__email="marco@example.com", user__first_name="Marco")
    three = TechnicianFactory(user__email="anna@example.com", user__first_name="Anna")
    assign_visit(visit=new_visit(), technician=one, start=tomorrow_at(9), by=None)
    for hour in (8, 10, 14):
        assign_visit(visit=new_visit(), technician=three, start=tomorrow_at(hour), by=None)
    today = timezone.now().astimezone(ROME).date()
    services.write_next_day_schedules(
        now=datetime.datetime.combine(today, datetime.time(19, 1), tzinfo=ROME)
    )

    bodies = {}
    for row in Notification.objects.filter(kind="tech_schedule"):
        Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
        assert services.deliver(notification_id=row.pk)
        bodies[row.recipient] = mailoutbox[-1].body
    day = Notification.objects.filter(kind="tech_schedule").first().payload["day"]

    assert bodies["marco@example.com"].startswith(f"Hello Marco,\n\nyour visit on {day}:\n")
    assert bodies["anna@example.com"].startswith(f"Hello Anna,\n\nyour 3 visits on {day}:\n")
    assert len(bodies["anna@example.com"].splitlines()) == 3 + 3


def test_the_invitation_is_named_in_a_bulgarian_customers_language(mailoutbox):
    visit = _visit("bg")

    row = services.notify_customer(visit=visit, kind="visit_scheduled", manage_url="-")
    assert services.deliver(notification_id=row.pk)

    (message,) = mailoutbox
    ((_name, content, _mimetype),) = message.attachments
    event = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["summary"]) == f"Ремонт, пералня Bosch WAW28 ({visit.ticket.number})"


def test_a_technicians_change_is_worded_in_their_language_not_the_requests():
    tech = TechnicianFactory(user__email="marco@example.com")

    # A dispatcher working in Italian assigns the visit; the technician reads the staff's language.
    with translation.override("it"):
        assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)

    assert Notification.objects.get(kind="tech_change").payload["change"] == "Added"
