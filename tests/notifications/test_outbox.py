import datetime
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from dispatch.services import assign_visit
from fieldservice.celery import app
from notifications import services, tasks
from notifications.models import Notification
from notifications.services.queue import DELIVER_TASK
from portal import services as portal
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit
from tests.helpers import assign_today, at, finish_visit
from tickets import services as tickets

pytestmark = pytest.mark.django_db


def ics_of(message):
    ((name, content, mimetype),) = message.attachments
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    event = next(c for c in icalendar.Calendar.from_ical(content).walk("VEVENT"))
    return icalendar.Calendar.from_ical(content), event


@pytest.fixture
def booked(next_monday, django_capture_on_commit_callbacks):
    TechnicianFactory(user__first_name="Marco")
    appliance = ApplianceFactory(site__customer__language="it")
    day = next_monday + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        _ticket, visit = portal.book_visit(
            customer=appliance.site.customer,
            site=appliance.site,
            kind="repair",
            appliance=appliance,
            window_start=at(day, 10),
        )
    return visit, day


def test_a_booking_sends_exactly_one_email_with_a_valid_invitation(booked, mailoutbox):
    visit, day = booked

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == f"La visita {visit.ticket.number} è prenotata"
    assert "Tecnico: Marco" in message.body
    assert "/portal/b/" in message.body
    cal, event = ics_of(message)
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == f"visit-{visit.pk}@fieldservice"
    assert event.decoded("dtstart") == at(day, 10)
    assert cal.walk("VTIMEZONE"), "every event carries its time zone"


def test_moving_the_visit_updates_the_same_event_with_a_higher_sequence(
    booked, mailoutbox, django_capture_on_commit_callbacks
):
    visit, day = booked
    _, first = ics_of(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        assign_visit(
            visit=visit,
            technician=visit.technician,
            start=at(day, 14),
            by=None,
            window_reason="The customer asked for the afternoon",
        )

    _, moved = ics_of(mailoutbox[-1])
    assert str(moved["uid"]) == str(first["uid"])
    assert int(moved["sequence"]) > int(first["sequence"])
    assert moved.decoded("dtstart") == at(day, 14)


def test_cancelling_sends_a_cancel_for_the_same_event(
    booked, mailoutbox, django_capture_on_commit_callbacks
):
    visit, _ = booked

    with django_capture_on_commit_callbacks(execute=True):
        portal.cancel_booking(visit=visit)

    cal, event = ics_of(mailoutbox[-1])
    assert str(cal["method"]) == "CANCEL"
    assert str(event["uid"]) == f"visit-{visit.pk}@fieldservice"
    assert not Notification.objects.filter(kind="reminder", status="pending").exists()


def test_reminders_are_rows_due_the_evening_before_and_two_hours_before(booked):
    visit, day = booked
    rome = ZoneInfo("Europe/Rome")

    due = sorted(
        Notification.objects.filter(visit=visit, kind="reminder", status="pending").values_list(
            "due_at", flat=True
        )
    )

    assert due == [
        datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(18), tzinfo=rome),
        at(day, 8),
    ]


def test_evening_reminder_is_local_time_on_a_daylight_saving_change(next_monday):
    # 2027-03-29 is the Monday after the spring change in Rome (Sunday 28 March).
    rome = ZoneInfo("Europe/Rome")
    visit = new_visit()
    visit.window_start = datetime.datetime(2027, 3, 29, 10, tzinfo=rome)
    visit.window_end = visit.window_start + datetime.timedelta(hours=2)

    services.schedule_reminders(visit=visit)

    evening = Notification.objects.get(visit=visit, due_at__date=datetime.date(2027, 3, 28))
    assert evening.due_at.astimezone(rome).hour == 18
    assert evening.due_at.astimezone(datetime.UTC).hour == 16  # CEST, +02:00 that evening


def test_delivery_is_idempotent(booked, mailoutbox):
    visit, _ = booked
    reminder = Notification.objects.filter(visit=visit, kind="reminder").first()
    Notification.objects.filter(pk=reminder.pk).update(due_at=timezone.now())

    first = services.deliver(notification_id=reminder.pk)
    second = services.deliver(notification_id=reminder.pk)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 2  # the confirmation, then this reminder once


def test_a_failing_mail_server_is_retried_with_backoff_then_marked_failed(booked, settings):
    visit, _ = booked
    settings.EMAIL_BACKEND = "tests.notifications.failing.RefusingBackend"
    row = Notification.objects.filter(visit=visit, kind="reminder").first()

    for attempt in range(1, 7):
        Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
        assert services.deliver(notification_id=row.pk) is False
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == Notification.Status.FAILED
    assert "SMTPDataError" in row.last_error or "refused" in row.last_error

    services.resend(notification=row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 0)


def test_sweeper_puts_back_rows_whose_worker_died(booked, mailoutbox):
    visit, _ = booked
    row = Notification.objects.filter(visit=visit, kind="reminder").first()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Notification.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=long_ago, due_at=long_ago
    )

    handed = services.sweep()

    row.refresh_from_db()
    assert handed == 1
    assert row.status == Notification.Status.SENT
    assert len(mailoutbox) == 2


def test_en_route_message_gives_an_eta(booked, mailoutbox, django_capture_on_commit_callbacks):
    visit, _ = booked
    visit = assign_today(visit, visit.technician)  # an arrival time is for today's visit
    with django_capture_on_commit_callbacks(execute=True):
        tickets.transition_visit(visit=visit, to="en_route", by=None)

    assert mailoutbox[-1].subject == "Il tecnico è in arrivo"
    assert "previsto alle" in mailoutbox[-1].body


def test_completion_sends_the_report_and_cannot_complete_announces_a_follow_up(
    booked, mailoutbox, django_capture_on_commit_callbacks, client
):
    visit, _ = booked
    second = new_visit(visit.ticket)
    assign_visit(
        visit=second,
        technician=visit.technician,
        start=visit.planned_start + datetime.timedelta(hours=3),
        by=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        visit = tickets.transition_visit(
            visit=visit, to="en_route", by=None, confirm_not_today=True
        )
        visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
        tickets.transition_visit(
            visit=visit, to="cannot_complete", by=None, outcome="needs_parts", reason="pump"
        )

    follow_up = mailoutbox[-1]
    assert follow_up.subject.startswith(f"Visita {visit.ticket.number}: dobbiamo tornare")
    assert "oggi non abbiamo potuto finire" in follow_up.body

    with django_capture_on_commit_callbacks(execute=True):
        second = finish_visit(second)
    done = mailoutbox[-1]
    assert done.subject == f"Visita {visit.ticket.number} completata"
    ((name, content, mimetype),) = done.attachments
    assert (name, mimetype) == (f"report-{visit.ticket.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    # The link works without logging in: many customers never made an account.
    link = re.search(r"http://\S+(/portal/r/\S+/)", done.body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert "Service report" in page.text
    assert visit.ticket.number in page.text
    assert str(second.technician) in page.text
    assert client.get(link + "?format=pdf").content.startswith(b"%PDF")
    assert client.get(link.replace("/r/", "/r/x")).status_code == 400


def test_a_report_link_for_a_visit_not_finished_says_so(booked, client):
    visit, _ = booked

    page = client.get(f"/portal/r/{portal.report_token(visit)}/")

    assert page.status_code == 400
    assert "no service report" in page.text


def test_the_outbox_hands_rows_to_the_registered_delivery_task():
    assert app.tasks[DELIVER_TASK].name == tasks.deliver_notification.name == DELIVER_TASK
