"""The one-minute sweeper (Celery beat, in UTC): writes the periodic staff messages, puts back
rows whose worker died mid-send, and hands due rows to a worker. Reminders and retries are rows
with a due time, never delayed Celery tasks (Redis redelivers those past its visibility
timeout)."""

from __future__ import annotations

import datetime
import logging

from django.db.models import Q
from django.utils import timezone

from ..models import Notification
from .clients import write_client_sla_alerts
from .digests import write_dispatcher_alerts, write_next_day_schedules
from .queue import hand_out

log = logging.getLogger(__name__)


def sweep(
    *, now: datetime.datetime | None = None, stale_after: int = 600, requeue_after: int = 300
) -> int:
    """Hand due pending rows to a worker, once, and again only if still pending after
    `requeue_after` seconds (a lost task or a broker outage); put back rows whose worker died
    mid-send. Returns how many rows were handed out."""
    now = now or timezone.now()
    write_next_day_schedules(now=now)
    write_dispatcher_alerts(now=now)
    write_client_sla_alerts(now=now)
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
            hand_out(pk)
        except Exception:  # noqa: BLE001 - broker down: the rows wait for the next sweep
            log.warning("broker unavailable; %s notifications wait", len(due) - handed)
            break
        handed += 1
        Notification.objects.filter(pk=pk).update(queued_at=now)
    return handed
