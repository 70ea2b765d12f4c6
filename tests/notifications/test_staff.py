import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.services import assign_visit, unassign_visit
from notifications import services
from notifications.models import CalendarFeed, Notification, Preference
from tests.factories import TechnicianFactory, UserFactory, new_visit
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.now().astimezone(ROME).date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ROME)


def test_technician_hears_of_changes_to_tomorrow_only(next_monday):
    tech = TechnicianFactory(user__email="marco@example.com")
    soon = assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)
    far = next_monday + datetime.timedelta(days=14)
    assign_visit(
        visit=new_visit(),
        technician=tech,
        start=datetime.datetime.combine(far, datetime.time(9), tzinfo=ROME),
        by=None,
    )
    unassign_visit(visit=soon, by=None)

    changes = list(
        Notification.objects.filter(kind="tech_change", recipient="marco@example.com").values_list(
            "payload__change", flat=True
        )
    )

    assert changes == ["Added", "Removed"]


def test_next_day_schedule_is_written_once_after_the_evening_hour():
    tech = TechnicianFactory(user__email="marco@example.com")
    visit = assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)
    today = timezone.now().astimezone(ROME).date()
    before = datetime.datetime.combine(today, datetime.time(18, 59), tzinfo=ROME)
    after = datetime.datetime.combine(today, datetime.time(19, 1), tzinfo=ROME)

    assert services.write_next_day_schedules(now=before) == 0
    assert services.write_next_day_schedules(now=after) == 1
    assert services.write_next_day_schedules(now=after) == 0

    row = Notification.objects.get(kind="tech_schedule")
    assert visit.ticket.number in row.payload["lines"]
    assert row.due_at == datetime.datetime.combine(today, datetime.time(19), tzinfo=ROME)


def test_dispatchers_are_alerted_once_for_an_sla_at_risk_and_a_late_visit():
    UserFactory(role="dispatcher", email="desk@example.com")
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=tomorrow_at(9), by=None
    )
    now = visit.window_end + datetime.timedelta(minutes=5)
    Ticket.objects.filter(pk=visit.ticket_id).update(
        sla_due_at=now + datetime.timedelta(minutes=30)
    )

    first = services.write_dispatcher_alerts(now=now)
    services.write_dispatcher_alerts(now=now)

    kinds = sorted(
        Notification.objects.filter(recipient="desk@example.com").values_list("kind", flat=True)
    )
    assert first == 2
    assert kinds == ["running_late", "sla_at_risk"]


def test_calendar_feed_lists_the_technicians_visits_and_can_be_revoked(client):
    tech = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)
    feed = services.issue_feed(technician=tech)
    url = reverse("notifications:feed", args=[feed.token])

    response = client.get(url)
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    services.revoke_feed(technician=tech)

    assert response["Content-Type"].startswith("text/calendar")
    assert [str(e["uid"]) for e in events] == [f"visit-{visit.pk}@fieldservice"]
    assert events[0].decoded("dtstart") == tomorrow_at(9)
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_new_feed_address_retires_the_old_one(client):
    tech = TechnicianFactory()
    old = services.issue_feed(technician=tech).token
    client.force_login(tech.user)

    client.post(reverse("notifications:manage_feed"))

    assert client.get(reverse("notifications:feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.get(technician=tech).token
    assert client.get(reverse("notifications:feed", args=[new])).status_code == 200


def test_every_copy_of_a_message_has_the_same_message_id(mailoutbox):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=tomorrow_at(9), by=None
    )
    row = Notification.objects.filter(kind="visit_scheduled").first()

    services.deliver(notification_id=row.pk)
    Notification.objects.filter(pk=row.pk).update(status="pending")  # as after a lost worker
    services.deliver(notification_id=row.pk)

    ids = {m.extra_headers["Message-ID"] for m in mailoutbox if m.to == [row.recipient]}
    assert ids == {f"<notification-{row.pk}@fieldservice>"}
    assert visit.pk == row.visit_id


def test_a_technician_who_turned_email_off_gets_none():
    tech = TechnicianFactory(user__email="marco@example.com")
    Preference.objects.create(technician=tech, email=False)

    assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)

    assert not Notification.objects.filter(recipient="marco@example.com").exists()


def test_a_technician_on_sms_hears_of_changes_by_sms_only():
    tech = TechnicianFactory(user__email="marco@example.com", phone="+393123456789")
    Preference.objects.create(technician=tech, email=False, sms=True)

    visit = assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)

    rows = Notification.objects.filter(kind="tech_change")
    assert [(r.channel, r.recipient) for r in rows] == [("sms", "+393123456789")]
    assert visit.ticket.number in rows[0].payload["number"]


def test_next_day_schedule_follows_the_technicians_channels_and_quiet_hours():
    tech = TechnicianFactory(user__email="marco@example.com", phone="+393123456789")
    Preference.objects.create(
        technician=tech,
        email=False,
        sms=True,
        quiet_from=datetime.time(18, 30),
        quiet_until=datetime.time(21),
    )
    assign_visit(visit=new_visit(), technician=tech, start=tomorrow_at(9), by=None)
    today = timezone.now().astimezone(ROME).date()
    evening = datetime.datetime.combine(today, datetime.time(19, 30), tzinfo=ROME)

    assert services.write_next_day_schedules(now=evening) == 1
    assert services.write_next_day_schedules(now=evening) == 0

    row = Notification.objects.get(kind="tech_schedule")
    assert (row.channel, row.recipient) == ("sms", "+393123456789")
    assert row.due_at == datetime.datetime.combine(today, datetime.time(21), tzinfo=ROME)


def test_next_day_schedule_uses_the_technicians_own_tomorrow():
    """A technician in Tokyo: a visit at 07:00 their tomorrow is still today in Rome."""
    tokyo = ZoneInfo("Asia/Tokyo")
    tech = TechnicianFactory(user__email="kenji@example.com", timezone="Asia/Tokyo")
    today = timezone.now().astimezone(tokyo).date()
    tomorrow = today + datetime.timedelta(days=1)
    nine = datetime.datetime.combine(tomorrow, datetime.time(9), tzinfo=tokyo)
    visit = assign_visit(visit=new_visit(), technician=tech, start=nine, by=None)
    early = nine - datetime.timedelta(hours=2)  # before the shift: moved by hand, as an overtime
    visit.__class__.objects.filter(pk=visit.pk).update(
        planned_start=early, planned_end=early + datetime.timedelta(hours=1)
    )
    Notification.objects.all().delete()

    evening = datetime.datetime.combine(today, datetime.time(20), tzinfo=tokyo)
    assert services.write_next_day_schedules(now=evening) == 1

    row = Notification.objects.get(kind="tech_schedule")
    assert row.payload["lines"].startswith(f"07:00 {visit.ticket.number}")


def test_a_visit_moved_to_another_technician_is_added_for_him_and_removed_for_the_first():
    marco = TechnicianFactory(user__email="marco@example.com")
    anna = TechnicianFactory(user__email="anna@example.com")
    visit = assign_visit(visit=new_visit(), technician=marco, start=tomorrow_at(9), by=None)
    assign_visit(visit=visit, technician=marco, start=tomorrow_at(10), by=None)
    assign_visit(
        visit=visit, technician=anna, start=tomorrow_at(14), by=None, window_reason="Marco is ill"
    )

    def changes(email):
        return list(
            Notification.objects.filter(kind="tech_change", recipient=email)
            .order_by("pk")
            .values_list("payload__change", flat=True)
        )

    assert changes("marco@example.com") == ["Added", "Moved", "Removed"]
    assert changes("anna@example.com") == ["Added"]
