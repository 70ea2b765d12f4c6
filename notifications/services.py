"""Writing outbox rows for domain events, and delivering them exactly once.

Rows are written inside the transaction of the change (the receivers run there), handed to
Celery on commit, and claimed with a conditional update before sending, so a task that runs
twice sends once. Reminders and retries are rows with a due time picked up by the one-minute
sweeper, never delayed Celery tasks (Redis redelivers those past its visibility timeout).
"""

from __future__ import annotations

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext

from dispatch.travel import travel_source
from fieldservice.errors import InvalidInput
from tickets.models import Visit

from . import calendar, messages, sms
from .models import Notification, Preference

log = logging.getLogger(__name__)

Kind = Notification.Kind
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


def notify_customer(
    *, visit: Visit, kind: str, due_at: datetime.datetime | None = None, **payload
) -> Notification | None:
    """Messages to the visit's customer on the channels they chose. The caller is inside the
    change's transaction. Returns the email notification, if any."""
    customer = visit.ticket.customer
    preference = Preference.objects.filter(customer=customer).first()
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    due = _after_quiet_hours(due_at or timezone.now(), preference, tz)
    created = None
    wants_email = preference.email if preference else True
    wants_sms = preference.sms if preference else False
    for channel, address, wanted in (
        (Notification.Channel.EMAIL, customer.email, wants_email),
        (Notification.Channel.SMS, str(customer.phone or ""), wants_sms),
    ):
        if not wanted or not address:
            continue
        notification = Notification.objects.create(
            kind=kind,
            channel=channel,
            recipient=address,
            language=customer.language or "en",
            visit=visit,
            payload={"sequence": visit.version, **payload},
            due_at=due,
        )
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


def _values(notification: Notification) -> dict[str, str]:
    visit = notification.visit
    ticket = visit.ticket
    tech = visit.technician
    values = {
        "number": ticket.number,
        "name": ticket.customer.name,
        "window": notification.payload.get("window") or _window_text(visit),
        "technician": tech.user.first_name if tech else "-",
        "address": str(ticket.site),
        "eta": "-",
        "manage_url": notification.payload.get("manage_url", ""),
    }
    if notification.kind == Kind.EN_ROUTE and visit.en_route_at and tech:
        seconds = travel_source().seconds(
            (tech.home_latitude, tech.home_longitude), (ticket.site.latitude, ticket.site.longitude)
        )
        eta = visit.en_route_at + datetime.timedelta(seconds=seconds)
        values["eta"] = eta.astimezone(ZoneInfo(str(ticket.site.timezone))).strftime("%H:%M")
    return values


def _message(notification: Notification) -> EmailMultiAlternatives:
    subject, body = messages.render(notification.kind, notification.language, _values(notification))
    base = settings.FIELDSERVICE.get("PUBLIC_URL", "")
    token = unsubscribe_token(notification.visit.ticket.customer)
    body += f"\n\n--\n{base}/notifications/unsubscribe/{token}/"
    email = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient]
    )
    email.attach_alternative(linebreaks(escape(body)), "text/html")
    if notification.kind in CALENDAR_KINDS and notification.visit.window_start:
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
    try:
        if notification.channel == Notification.Channel.SMS:
            subject, _body = messages.render(
                notification.kind, notification.language, _values(notification)
            )
            sms.backend().send(to=notification.recipient, text=subject)
        else:
            _message(notification).send()
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        retry = notification.attempts < _config("MAX_ATTEMPTS", 6)
        backoff = datetime.timedelta(
            seconds=_config("RETRY_BASE_SECONDS", 30) * 2 ** (notification.attempts - 1)
        )
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.PENDING if retry else Notification.Status.FAILED,
            due_at=timezone.now() + backoff,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning(
            "notification %s failed (attempt %s): %s", notification_id, notification.attempts, exc
        )
        return False
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def sweep(*, now: datetime.datetime | None = None, stale_after: int = 600) -> int:
    """Hand every due pending row to a worker; put back rows whose worker died mid-send."""
    from .tasks import deliver_notification

    now = now or timezone.now()
    Notification.objects.filter(
        status=Notification.Status.SENDING,
        claimed_at__lt=now - datetime.timedelta(seconds=stale_after),
    ).update(status=Notification.Status.PENDING)
    due = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, due_at__lte=now
        ).values_list("pk", flat=True)[:5000]
    )
    for pk in due:
        deliver_notification.delay(pk)
    return len(due)


def resend(*, notification: Notification) -> None:
    """Back office: try a failed notification again, now."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING, attempts=0, due_at=timezone.now(), last_error=""
    )
    notification.refresh_from_db()
    _enqueue_on_commit(notification)
