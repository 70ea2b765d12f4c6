"""Writing outbox rows for domain events, and delivering them: never lost, sent once.

Rows are written inside the transaction of the change (the receivers run there), handed to
Celery on commit, and claimed with a conditional update before sending, so a task that runs
twice sends once. The one case that can repeat a message is a worker killed between the mail
server's OK and the row's SENT mark (one UPDATE): the row is sent again after `stale_after`,
with the same Message-ID. Reminders and retries are rows with a due time picked up by the one-minute
sweeper, never delayed Celery tasks (Redis redelivers those past its visibility timeout).
"""

from __future__ import annotations

import datetime
import logging
import secrets
import threading
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from customers.models import Customer
from dispatch.selectors import estimated_arrival
from fieldservice.errors import InvalidInput
from portal.services import report_token
from tickets import reports
from tickets.models import Visit

from . import calendar, messages, sms
from .models import CalendarFeed, Notification, Preference

log = logging.getLogger(__name__)

Kind = Notification.Kind
CUSTOMER_KINDS = {
    Kind.BOOKING_CONFIRMED,
    Kind.VISIT_SCHEDULED,
    Kind.VISIT_MOVED,
    Kind.VISIT_CANCELLED,
    Kind.REMINDER,
    Kind.EN_ROUTE,
    Kind.COMPLETED,
    Kind.FOLLOW_UP,
}
CALENDAR_KINDS = {
    Kind.BOOKING_CONFIRMED,
    Kind.VISIT_SCHEDULED,
    Kind.VISIT_MOVED,
    Kind.VISIT_CANCELLED,
}


def _config(name: str, default):
    return settings.FIELDSERVICE.get("NOTIFICATIONS", {}).get(name, default)


def _enqueue_on_commit(notification: Notification) -> None:
    from .tasks import deliver_notification

    if notification.due_at <= timezone.now() + datetime.timedelta(seconds=30):
        # If the broker is down, the row stays pending and the sweeper sends it later.
        def send() -> None:
            try:
                deliver_notification.apply_async((notification.pk,), retry=False)
                Notification.objects.filter(pk=notification.pk, queued_at=None).update(
                    queued_at=timezone.now()
                )
            except Exception:  # noqa: BLE001 - the outbox row is the source of truth
                log.warning(
                    "broker unavailable; notification %s waits for the sweeper", notification.pk
                )

        transaction.on_commit(send)


def _after_quiet_hours(due: datetime.datetime, preference, tz: ZoneInfo) -> datetime.datetime:
    """Move a message out of the recipient's quiet hours (local time, may span midnight)."""
    if preference is None or not preference.quiet_from or not preference.quiet_until:
        return due
    local = due.astimezone(tz)
    start, end = preference.quiet_from, preference.quiet_until
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return due
    day = local.date() + datetime.timedelta(days=1 if start > end and t >= start else 0)
    return datetime.datetime.combine(day, end, tzinfo=tz)


def public_url(viewname: str, *args) -> str:
    """A page's full address for a message (PUBLIC_URL, then the page's path)."""
    return settings.FIELDSERVICE["PUBLIC_URL"] + reverse(viewname, args=args)


def _channels(preference, *, email: str, phone) -> list[tuple[str, str]]:
    """The channels a person chose, each with their address there; none they cannot be reached
    on. Without a preference: email only."""
    wanted = (
        (Notification.Channel.EMAIL, email, preference.email if preference else True),
        (Notification.Channel.SMS, str(phone or ""), preference.sms if preference else False),
    )
    return [(channel, address) for channel, address, want in wanted if want and address]


def notify_customer(
    *, visit: Visit, kind: str, due_at: datetime.datetime | None = None, **payload
) -> Notification | None:
    """Messages to the visit's customer on the channels they chose. The caller is inside the
    change's transaction. Returns the email notification, if any."""
    customer = visit.ticket.customer
    preference = Preference.objects.filter(customer=customer).first()
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    due = _after_quiet_hours(due_at or timezone.now(), preference, tz)
    return _write(
        _channels(preference, email=customer.email, phone=customer.phone),
        kind=kind,
        language=customer.language or "en",
        visit=visit,
        payload={"sequence": visit.version, **payload},
        due_at=due,
    )


def _write(channels: list[tuple[str, str]], **fields) -> Notification | None:
    """One outbox row per channel, each handed to Celery once the change commits. Returns the
    email row, if any."""
    created = None
    for channel, address in channels:
        notification = Notification.objects.create(channel=channel, recipient=address, **fields)
        _enqueue_on_commit(notification)
        if channel == Notification.Channel.EMAIL:
            created = notification
    return created


def unsubscribe_token(customer) -> str:
    return signing.dumps({"customer": customer.pk}, salt="notifications.unsubscribe")


def unsubscribe(*, token: str) -> None:
    """Stop email to the customer the signed token names (works without logging in)."""
    try:
        data = signing.loads(token, salt="notifications.unsubscribe")
    except signing.BadSignature as exc:
        raise InvalidInput(gettext("This unsubscribe link is not valid.")) from exc
    with transaction.atomic():
        # Locked so the customer cannot be deleted between this check and the write.
        if Customer.objects.select_for_update().filter(pk=data["customer"]).first() is None:
            raise InvalidInput(gettext("This unsubscribe link is not valid."))
        Preference.objects.update_or_create(customer_id=data["customer"], defaults={"email": False})


def schedule_reminders(visit: Visit) -> None:
    """Replace the visit's pending reminders: the evening before (local) and hours before."""
    Notification.objects.filter(
        visit=visit, kind=Kind.REMINDER, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED)
    if not visit.window_start:
        return
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    local_day = visit.window_start.astimezone(tz).date()
    # Local wall-clock time computed with zoneinfo: correct on daylight-saving change days.
    evening = datetime.datetime.combine(
        local_day - datetime.timedelta(days=1),
        datetime.time(_config("REMINDER_EVENING_HOUR", 18)),
        tzinfo=tz,
    )
    before = visit.window_start - datetime.timedelta(hours=_config("REMINDER_HOURS_BEFORE", 2))
    now = timezone.now()
    for due in (evening, before):
        if due > now:
            notify_customer(visit=visit, kind=Kind.REMINDER, due_at=due)


def _window_text(visit: Visit) -> str:
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    if not visit.window_start:
        return "-"
    start, end = visit.window_start.astimezone(tz), visit.window_end.astimezone(tz)
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M}"


_DEFAULTS = {
    "report_url": "",
    "reason": "",
    "number": "",
    "name": "",
    "window": "-",
    "technician": "-",
    "address": "",
    "eta": "-",
    "manage_url": "",
    "change": "",
    "day": "",
    "lines": "",
    "due": "",
    "window_end": "",
}


def _values(notification: Notification) -> dict[str, str]:
    if notification.kind not in CUSTOMER_KINDS:
        # Messages to staff carry their words in the payload, fixed when they were written.
        return {**_DEFAULTS, **{k: str(v) for k, v in notification.payload.items()}}
    visit = notification.visit
    ticket = visit.ticket
    tech = visit.technician
    values = {
        **_DEFAULTS,
        "number": ticket.number,
        "name": ticket.customer.name,
        "window": notification.payload.get("window") or _window_text(visit),
        "technician": tech.user.first_name if tech else "-",
        "address": str(ticket.site),
        "manage_url": notification.payload.get("manage_url", ""),
    }
    if notification.kind == Kind.COMPLETED:
        values["report_url"] = public_url("portal:report", report_token(visit))
    if notification.kind == Kind.FOLLOW_UP:
        values["reason"] = str(visit.get_outcome_display()).lower()
    if notification.kind == Kind.EN_ROUTE and (eta := estimated_arrival(visit)) is not None:
        values["eta"] = eta.astimezone(ZoneInfo(str(ticket.site.timezone))).strftime("%H:%M")
    return values


def _message(notification: Notification) -> EmailMultiAlternatives:
    """The email. Every copy of one notification carries the same Message-ID, so a mail client
    shows a redelivery (a worker killed between the server's OK and our bookkeeping) once."""
    subject, body = messages.render(notification.kind, notification.language, _values(notification))
    text, unsubscribe_url = body, ""
    if notification.kind in CUSTOMER_KINDS:
        token = unsubscribe_token(notification.visit.ticket.customer)
        unsubscribe_url = public_url("notifications:unsubscribe", token)
        text += f"\n\n--\n{messages.unsubscribe_line(notification.language)}: {unsubscribe_url}"
    email = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient]
    )
    html = render_to_string(
        "notifications/email.html",
        {
            "language": notification.language,
            "subject": subject,
            "body": body,
            "unsubscribe_url": unsubscribe_url,
            "unsubscribe_line": messages.unsubscribe_line(notification.language),
        },
    )
    email.attach_alternative(html, "text/html")
    if unsubscribe_url:
        # One-click unsubscribe (RFC 8058), which the big mailbox providers ask senders for.
        email.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.extra_headers["Message-ID"] = f"<notification-{notification.pk}@fieldservice>"
    if notification.kind == Kind.COMPLETED:
        visit = reports.with_report_data(Visit.objects.filter(pk=notification.visit_id)).get()
        email.attach(
            reports.filename(visit),
            reports.as_pdf(visit, language=notification.language),
            "application/pdf",
        )
    if (
        notification.kind in CALENDAR_KINDS
        and notification.visit is not None
        and notification.visit.window_start
    ):
        ics = calendar.invitation(
            notification.visit,
            sequence=notification.payload.get("sequence", 0),
            cancel=notification.kind == Kind.VISIT_CANCELLED,
        )
        method = "CANCEL" if notification.kind == Kind.VISIT_CANCELLED else "REQUEST"
        email.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return email


def deliver(*, notification_id: int) -> bool:
    """Send one notification if it is due and nobody else has claimed it. True when sent."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, due_at__lte=now
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "visit__ticket__customer", "visit__ticket__site", "visit__technician__user"
    ).get(pk=notification_id)
    connection = None
    try:
        if notification.channel == Notification.Channel.SMS:
            text = messages.render_sms(
                notification.kind, notification.language, _values(notification)
            )
            sms.backend().send(
                to=notification.recipient, text=text, key=f"notification-{notification.pk}"
            )
        else:
            # Our own connection, so the row is marked sent right after the server's OK to the
            # message, before any goodbye: the window in which a killed worker leaves an
            # accepted message unmarked (and so sent again) is one UPDATE long.
            connection = _mail_connection()
            email = _message(notification)
            email.connection = connection
            email.send()
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        if connection is not None:
            _release_mail_connection(connection, broken=True)
        retry = notification.attempts < _config("MAX_ATTEMPTS", 6)
        backoff = datetime.timedelta(
            seconds=_config("RETRY_BASE_SECONDS", 30) * 2 ** (notification.attempts - 1)
        )
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.PENDING if retry else Notification.Status.FAILED,
            due_at=timezone.now() + backoff,
            queued_at=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning(
            "notification %s failed (attempt %s): %s", notification_id, notification.attempts, exc
        )
        return False
    else:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
        )
        if connection is not None:
            _release_mail_connection(connection)
        return True


# One open mail connection per worker thread, reused from message to message, instead of a new
# SMTP session (connect, greeting, EHLO, goodbye) for each; a NOOP tells whether it still works.
_mail = threading.local()


def _mail_connection():
    """The thread's open SMTP connection if the server still answers, else a new one."""
    connection = getattr(_mail, "connection", None)
    if connection is not None and not _answers(connection):
        _release_mail_connection(connection, broken=True)
        connection = None
    if connection is None:
        connection = get_connection()
        connection.open()
        if isinstance(connection, SMTPBackend):  # file and memory backends are not kept
            _mail.connection, _mail.sent = connection, 0
    return connection


def close_mail_connection() -> None:
    """Say goodbye on the thread's kept SMTP session, if any (a worker process shutting down)."""
    connection = getattr(_mail, "connection", None)
    if connection is not None:
        _release_mail_connection(connection, broken=True)


def _answers(connection) -> bool:
    try:
        return connection.connection.noop()[0] == 250
    except Exception:  # noqa: BLE001 - a server that hung up or broke is simply replaced
        return False


def _release_mail_connection(connection, *, broken: bool = False) -> None:
    """Keep the thread's connection for the next message, up to the configured number of
    messages per session (servers limit them); close anything else. The message is already
    accepted and marked sent (or recorded as failed), so a failed goodbye changes nothing."""
    if getattr(_mail, "connection", None) is connection:
        _mail.sent += 1
        if not broken and _mail.sent < _config("MESSAGES_PER_CONNECTION", 100):
            return
        _mail.connection = None
    try:
        connection.close()
    except Exception as exc:  # noqa: BLE001 - a failed QUIT must not undo a sent message
        log.info("closing the mail connection failed: %s", exc)


def sweep(
    *, now: datetime.datetime | None = None, stale_after: int = 600, requeue_after: int = 300
) -> int:
    """Hand due pending rows to a worker, once, and again only if still pending after
    `requeue_after` seconds (a lost task or a broker outage); put back rows whose worker died
    mid-send. Returns how many rows were handed out."""
    from .tasks import deliver_notification

    now = now or timezone.now()
    write_next_day_schedules(now=now)
    write_dispatcher_alerts(now=now)
    Notification.objects.filter(
        status=Notification.Status.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=stale_after),
    ).update(status=Notification.Status.PENDING, queued_at=None)
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now)
        .filter(
            Q(queued_at__isnull=True)
            | Q(queued_at__lt=now - datetime.timedelta(seconds=requeue_after))
        )
        .values_list("pk", flat=True)[:5000]
    )
    handed = 0
    for pk in due:
        try:
            deliver_notification.apply_async((pk,), retry=False)
        except Exception:  # noqa: BLE001 - broker down: the rows wait for the next sweep
            log.warning("broker unavailable; %s notifications wait", len(due) - handed)
            break
        handed += 1
        Notification.objects.filter(pk=pk).update(queued_at=now)
    return handed


def resend(*, notification: Notification) -> None:
    """Back office: try a failed notification again, now."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING,
        attempts=0,
        due_at=timezone.now(),
        last_error="",
        queued_at=None,
    )
    notification.refresh_from_db()
    _enqueue_on_commit(notification)


# -- staff messages -------------------------------------------------------------------------


def _staff_language() -> str:
    return settings.LANGUAGE_CODE


def _local(moment: datetime.datetime, tz) -> str:
    return moment.astimezone(ZoneInfo(str(tz))).strftime("%Y-%m-%d %H:%M")


def notify_technician(
    *, technician, visit: Visit, change: str, planned_start: datetime.datetime | None
) -> Notification | None:
    """Tell a technician about a change to today's or tomorrow's schedule (their local days),
    on the channels they chose. Returns the email notification, if any."""
    if technician is None or planned_start is None:
        return None
    tz = ZoneInfo(str(technician.timezone))
    today = timezone.now().astimezone(tz).date()
    if planned_start.astimezone(tz).date() not in (today, today + datetime.timedelta(days=1)):
        return None
    preference = Preference.objects.filter(technician=technician).first()
    return _write(
        _channels(preference, email=technician.user.email, phone=technician.phone),
        kind=Kind.TECH_CHANGE,
        language=_staff_language(),
        visit=visit,
        due_at=_after_quiet_hours(timezone.now(), preference, tz),
        payload={
            "number": visit.ticket.number,
            "change": change,
            "window": _local(planned_start, tz),
            "address": str(visit.ticket.site),
            "name": technician.user.first_name,
        },
    )


def write_next_day_schedules(*, now: datetime.datetime) -> int:
    """After the evening hour (each technician's local time), one message per technician with
    visits tomorrow, listing them, on each channel they chose; written once per technician,
    channel and day."""
    from technicians.models import Technician

    hour = _config("SCHEDULE_EVENING_HOUR", 19)
    evening: dict[int, tuple] = {}
    for tech in Technician.objects.filter(active=True).select_related("user"):
        tz = ZoneInfo(str(tech.timezone))
        local = now.astimezone(tz)
        if local.hour < hour:
            continue
        due = datetime.datetime.combine(local.date(), datetime.time(hour), tzinfo=tz)
        evening[tech.pk] = (tech, tz, local.date() + datetime.timedelta(days=1), due)
    if not evening:
        return 0
    preferences = {p.technician_id: p for p in Preference.objects.filter(technician__in=evening)}
    todo: dict[str, tuple] = {}  # dedupe key -> (technician's pk, channel, address)
    for pk, (tech, _tz, tomorrow, _due) in evening.items():
        for channel, address in _channels(
            preferences.get(pk), email=tech.user.email, phone=tech.phone
        ):
            suffix = "" if channel == Notification.Channel.EMAIL else f":{channel}"
            todo[f"schedule:{pk}:{tomorrow}{suffix}"] = (pk, channel, address)
    for key in Notification.objects.filter(dedupe_key__in=todo).values_list(
        "dedupe_key", flat=True
    ):
        del todo[key]
    if not todo:
        return 0
    techs = {pk for pk, _channel, _address in todo.values()}
    # Each technician's tomorrow is a local day; the query takes the UTC span of them all.
    starts = [
        datetime.datetime.combine(evening[pk][2], datetime.time(), tzinfo=evening[pk][1])
        for pk in techs
    ]
    lines: dict[int, list[str]] = {}
    for visit in (
        Visit.objects.filter(
            technician__in=techs,
            status__in=Visit.BUSY_STATUSES,
            planned_start__gte=min(starts),
            planned_start__lt=max(starts) + datetime.timedelta(days=1, hours=1),
        )
        .select_related("ticket__site", "ticket__customer")
        .order_by("planned_start")
    ):
        _tech, tz, tomorrow, _due = evening[visit.technician_id]
        if visit.planned_start.astimezone(tz).date() == tomorrow:
            lines.setdefault(visit.technician_id, []).append(
                f"{visit.planned_start.astimezone(tz):%H:%M} {visit.ticket.number} "
                f"{visit.ticket.customer}, {visit.ticket.site}"
            )
    rows = []
    for key, (pk, channel, address) in todo.items():
        if pk not in lines:
            continue
        tech, tz, tomorrow, due = evening[pk]
        rows.append(
            Notification(
                kind=Kind.TECH_SCHEDULE,
                channel=channel,
                recipient=address,
                language=_staff_language(),
                due_at=_after_quiet_hours(due, preferences.get(pk), tz),
                dedupe_key=key,
                payload={
                    "name": tech.user.first_name,
                    "day": tomorrow.isoformat(),
                    "lines": "\n".join(lines[pk]),
                },
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def write_dispatcher_alerts(*, now: datetime.datetime) -> int:
    """SLAs about to be missed and visits running late, each alert written once per dispatcher."""
    from django.contrib.auth.models import User

    from tickets.models import Ticket

    dispatchers = list(
        User.objects.filter(groups__name="dispatcher", is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    if not dispatchers:
        return 0
    margin = datetime.timedelta(minutes=_config("SLA_ALERT_MINUTES", 60))
    tz = settings.TIME_ZONE
    alerts = []
    at_risk = (
        Ticket.objects.filter(
            status__in=Ticket.OPEN_STATUSES,
            sla_paused_at__isnull=True,
            sla_due_at__gt=now,
            sla_due_at__lte=now + margin,
        )
        .exclude(visits__status__in=[Visit.Status.EN_ROUTE, Visit.Status.ON_SITE])
        .select_related("customer")
        .distinct()[:500]
    )

    def alert(kind: str, key: str, payload: dict, visit: Visit | None = None) -> None:
        # One row per dispatcher; the dedupe key ends with theirs so each hears it once.
        alerts.extend(
            Notification(
                kind=kind,
                recipient=email,
                language=_staff_language(),
                due_at=now,
                visit=visit,
                dedupe_key=f"{key}:{pk}",
                payload=payload,
            )
            for pk, email in dispatchers
        )

    for ticket in at_risk:
        alert(
            Kind.SLA_AT_RISK,
            f"sla:{ticket.pk}:{ticket.sla_due_at:%Y%m%d%H%M}",
            {
                "number": ticket.number,
                "name": str(ticket.customer),
                "due": _local(ticket.sla_due_at, tz),
            },
        )
    late = Visit.objects.filter(
        status__in=[Visit.Status.SCHEDULED, Visit.Status.EN_ROUTE],
        window_end__lt=now,
        window_end__gte=now - datetime.timedelta(days=1),
    ).select_related("ticket", "technician__user")[:500]
    for visit in late:
        alert(
            Kind.RUNNING_LATE,
            f"late:{visit.pk}:{visit.version}",
            {
                "number": visit.ticket.number,
                "technician": str(visit.technician) if visit.technician else "-",
                "window_end": _local(visit.window_end, tz),
            },
            visit=visit,
        )
    Notification.objects.bulk_create(alerts, ignore_conflicts=True)
    return len(alerts)


# -- technicians' calendar feeds ---------------------------------------------------------


def issue_feed(*, technician) -> CalendarFeed:
    """A new secret feed URL for the technician; any earlier one stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        technician=technician, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def revoke_feed(*, technician) -> None:
    CalendarFeed.objects.filter(technician=technician).delete()


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The technician's visits from a week ago to a month ahead, as an iCalendar feed."""
    tech = feed.technician
    tz = ZoneInfo(str(tech.timezone))
    now = timezone.now()
    visits = (
        Visit.objects.filter(
            technician=tech,
            planned_start__gte=now - datetime.timedelta(days=7),
            planned_start__lte=now + datetime.timedelta(days=31),
        )
        .exclude(status=Visit.Status.CANCELLED)
        .select_related("ticket__site", "ticket__customer")
        .prefetch_related("ticket__error_codes")
    )
    return calendar.feed(visits, tz=tz, name=str(tech))


def set_preferences(
    *,
    customer=None,
    technician=None,
    email: bool,
    sms: bool,
    quiet_from: datetime.time | None,
    quiet_until: datetime.time | None,
    phone: str | None = None,
) -> Preference:
    """A customer's or technician's own choice of channels and quiet hours, and the mobile
    number SMS go to (None leaves it as it is, "" removes it)."""
    if (customer is None) == (technician is None):
        raise InvalidInput(gettext("Preferences belong to one customer or one technician."))
    person = customer if customer is not None else technician
    if (quiet_from is None) != (quiet_until is None):
        raise InvalidInput(
            gettext("Give both ends of the quiet hours, or neither."), field="quiet_from"
        )
    if quiet_from is not None and quiet_from == quiet_until:
        raise InvalidInput(
            gettext("Quiet hours must not start and end at the same time."), field="quiet_from"
        )
    number = person.phone if phone is None else _mobile_number(phone)
    if sms and not number:
        raise InvalidInput(gettext("To get SMS, give your mobile number."), field="phone")
    if sms and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise InvalidInput(
            gettext("This is a landline number, which cannot receive SMS: give a mobile one."),
            field="phone",
        )
    owner = {"customer": customer} if customer is not None else {"technician": technician}
    with transaction.atomic():
        if phone is not None and number != person.phone:
            person.phone = number
            person.save(update_fields=["phone"])
        preference, _created = Preference.objects.update_or_create(
            **owner,
            defaults={
                "email": email,
                "sms": sms,
                "quiet_from": quiet_from,
                "quiet_until": quiet_until,
            },
        )
    return preference


def _mobile_number(text: str):
    """An E.164 number from what a person typed, or "" for nothing typed."""
    from phonenumber_field.phonenumber import to_python

    if not text.strip():
        return ""
    number = to_python(text.strip())
    if number is None or not number.is_valid():
        raise InvalidInput(
            gettext("Enter the mobile number with its country code, like +39 312 345 6789."),
            field="phone",
        )
    return number
