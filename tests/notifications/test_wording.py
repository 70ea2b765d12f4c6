"""Messages say when as people write it ("Thu 5 Dec, 08:00-10:00"), in the recipient's language
and the place's time zone, and what the visit is for (the job and the appliance)."""

import datetime
import json
import re
from pathlib import Path

import icalendar
import pytest
from django.conf import settings
from django.utils import timezone

from dispatch.services import assign_visit
from notifications import services, wording
from notifications.models import Notification, Preference
from notifications.services.recipients import CUSTOMER_KINDS
from tests.factories import ApplianceFactory, TechnicianFactory, UserFactory, new_visit, open_ticket
from tests.helpers import ROME, at
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notifications" / "messages"

THURSDAY = datetime.date(2030, 12, 5)
# What a reader of each language expects to read, as they would write it.
EXPECTED = {
    "en": ("Thu 5 Dec, 08:00-10:00", "Repair, washing machine Bosch WAW28"),
    "it": ("gio 5 dic, 08:00-10:00", "Riparazione, lavatrice Bosch WAW28"),
    "es": ("jue 5 dic, 08:00-10:00", "Reparación, lavadora Bosch WAW28"),
    "bg": ("чт, 5 дек, 08:00-10:00", "Ремонт, пералня Bosch WAW28"),
}
# "Thu 5 Dec, 09:00" for a day the test cannot fix (tomorrow, today).
LOCAL_TIME = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d"


def _visit(language="en", **ticket):
    appliance = ApplianceFactory(
        model__manufacturer="Bosch",
        model__model_number="WAW28",
        site__customer__language=language,
    )
    visit = new_visit(open_ticket(appliance=appliance, **ticket))
    visit.window_start = at(THURSDAY, 8)
    visit.window_end = at(THURSDAY, 10)
    visit.save()
    return visit


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_a_customer_email_says_when_and_what_in_their_language(language, mailoutbox):
    visit = _visit(language)
    window, what = EXPECTED[language]

    row = services.notify_customer(visit=visit, kind="visit_scheduled", manage_url="-")
    assert services.deliver(notification_id=row.pk)

    (message,) = mailoutbox
    assert window in message.body
    assert what in message.body
    assert "2030-12-05" not in message.body


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_every_customer_sms_says_what_the_visit_is_for(language, settings, tmp_path):
    outbox = tmp_path / "sms.jsonl"
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "SMS_FILE": str(outbox),
        "SMS_BACKEND": "notifications.sms.FileBackend",
    }
    visit = _visit(language)
    Preference.objects.create(customer=visit.ticket.customer, email=False, sms=True)
    window, what = EXPECTED[language]
    kinds = sorted(CUSTOMER_KINDS)

    for kind in kinds:
        services.notify_customer(visit=visit, kind=kind, manage_url="-")
    for row in Notification.objects.order_by("pk"):
        assert row.channel == "sms"
        assert services.deliver(notification_id=row.pk)

    texts = {
        k: json.loads(line)["text"]
        for k, line in zip(kinds, outbox.read_text().splitlines(), strict=True)
    }
    assert set(texts) == set(kinds)
    for kind, text in texts.items():
        assert what in text, kind
    for kind in ("booking_confirmed", "visit_scheduled", "visit_moved", "reminder"):
        assert window in texts[kind], kind


def test_the_invitation_is_named_for_the_job_in_the_customers_language(mailoutbox):
    visit = _visit("it")

    row = services.notify_customer(visit=visit, kind="visit_scheduled", manage_url="-")
    services.deliver(notification_id=row.pk)

    (message,) = mailoutbox
    ((_name, content, _mimetype),) = message.attachments
    event = next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))
    assert str(event["summary"]) == f"Riparazione, lavatrice Bosch WAW28 ({visit.ticket.number})"


def test_without_an_appliance_the_request_says_what_it_is_for():
    ticket = open_ticket(description="The office   printer\njams on every page")
    ticket.appliance = ticket.appliance_model = None

    assert wording.purpose(ticket, "en") == "Repair, The office printer jams on every page"


def test_a_window_across_midnight_names_both_days():
    start = at(THURSDAY, 22)

    text = wording.window(start, start + datetime.timedelta(hours=4), ROME, "en")

    assert text == "Thu 5 Dec, 22:00 - Fri 6 Dec, 02:00"


def test_a_dispatchers_hand_back_alert_says_when_and_what():
    UserFactory(role="dispatcher", email="desk@example.com")
    visit = _visit()

    services.alert_dispatchers_of_hand_back(
        visit=visit, technician=TechnicianFactory(), reason="Van broke down"
    )

    payload = Notification.objects.get(kind="handed_back").payload
    assert payload["window"] == "Thu 5 Dec, 08:00-10:00"
    assert payload["what"] == "Repair, washing machine Bosch WAW28"


def test_a_technicians_change_and_next_day_schedule_say_when_and_what(mailoutbox):
    tech = TechnicianFactory(user__email="marco@example.com")
    visit = _visit()
    tomorrow = timezone.now().astimezone(ROME).date() + datetime.timedelta(days=1)
    assign_visit(
        visit=visit, technician=tech, start=at(tomorrow, 9), by=None, window_reason="Sooner"
    )
    evening = datetime.datetime.combine(tomorrow, datetime.time(19, 1), tzinfo=ROME)

    services.write_next_day_schedules(now=evening - datetime.timedelta(days=1))

    change = Notification.objects.get(kind="tech_change").payload
    assert re.fullmatch(LOCAL_TIME, change["window"]), change["window"]
    assert change["window"].endswith(", 09:00")
    assert change["what"] == "Repair, washing machine Bosch WAW28"
    schedule = Notification.objects.get(kind="tech_schedule")
    assert re.fullmatch(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}", schedule.payload["day"]
    )
    assert "Repair, washing machine Bosch WAW28" in schedule.payload["lines"]
    Notification.objects.filter(pk=schedule.pk).update(due_at=timezone.now())
    assert services.deliver(notification_id=schedule.pk)
    assert f"Your visits on {schedule.payload['day']}" == mailoutbox[-1].subject


def test_dispatchers_alerts_say_when_and_what():
    UserFactory(role="dispatcher", email="desk@example.com")
    visit = _visit()
    # Assigned and late: written as a row, since THURSDAY is past what a dispatcher may plan.
    Visit.objects.filter(pk=visit.pk).update(
        status="scheduled",
        technician=TechnicianFactory(),
        planned_start=visit.window_start,
        planned_end=visit.window_end,
    )
    now = visit.window_end + datetime.timedelta(minutes=5)
    Ticket.objects.filter(pk=visit.ticket_id).update(sla_due_at=at(THURSDAY, 10, 30))

    services.write_dispatcher_alerts(now=now)

    sla = Notification.objects.get(kind="sla_at_risk").payload
    late = Notification.objects.get(kind="running_late").payload
    assert sla["due"] == "Thu 5 Dec, 10:30"
    assert late["window_end"] == "Thu 5 Dec, 10:00"
    assert sla["what"] == late["what"] == "Repair, washing machine Bosch WAW28"


def test_every_message_about_a_visit_names_what_it_is_for():
    # The next-day schedule names it on each of its lines; the address check and the password
    # reset are no visit's, and the desk's acknowledgement of an email and its replies are a
    # ticket's (their subject carries its number).
    about_a_visit = set(Notification.Kind.values) - {
        "confirm_email",
        "password_reset",
        "tech_schedule",
        "ticket_received",
        "ticket_reply",
        # A contract's, not a visit's: its number names it.
        "hour_bank_low",
        "renewal_due",
        "invoice",
        "quote_sent",  # a quote's, named by its number
        "weekly_summary",  # the managers' figures of a week
        # A repair order's (named by its number and units) and a loan's (by its loaner).
        "repair_received",
        "repair_ready",
        "repair_returned",
        "loaner_due",
        "loaner_overdue",
        # A part's at a stock location, for the office.
        "stock_low",
        "stock_short",
        "contact_invited",  # a person's place in an organization, named by its name
    }

    def says_what(kind, name):
        return "{{ what }}" in (TEMPLATES / kind / name).read_text()

    for kind in sorted(about_a_visit):
        assert says_what(kind, "body.txt"), kind
        assert says_what(kind, "sms.txt"), kind
    # and the words of a visit finished with nothing recorded
    assert says_what("completed_no_report", "body.txt")
    assert says_what("completed_no_report", "sms.txt")


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "(a part is needed)"),
        ("it", "(serve un ricambio)"),
        ("es", "(hace falta una pieza)"),
    ],
)
def test_a_follow_up_says_why_in_the_customers_language(language, reason, mailoutbox):
    visit = _visit(language)
    Visit.objects.filter(pk=visit.pk).update(outcome=Visit.Outcome.NEEDS_PARTS)

    row = services.notify_customer(visit=visit, kind="follow_up")
    assert services.deliver(notification_id=row.pk)

    assert reason in mailoutbox[-1].body
