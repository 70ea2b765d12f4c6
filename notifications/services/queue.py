"""Handing outbox rows to a delivery worker. The worker's task module imports the services, so
the services send its task by name rather than import it back."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from fieldservice import celery

from ..models import Notification

DELIVER_TASK = "notifications.tasks.deliver_notification"
log = logging.getLogger(__name__)


def hand_out(notification_id: int) -> None:
    """Queue one row's delivery now; raises when the broker cannot be reached."""
    celery.hand_out(DELIVER_TASK, notification_id)


def enqueue_on_commit(notification: Notification) -> None:
    if notification.due_at <= timezone.now() + datetime.timedelta(seconds=30):
        # If the broker is down, the row stays pending and the sweeper sends it later.
        def send() -> None:
            try:
                hand_out(notification.pk)
                Notification.objects.filter(pk=notification.pk, queued_at=None).update(
                    queued_at=timezone.now()
                )
            except Exception:  # noqa: BLE001 - the outbox row is the source of truth
                log.warning(
                    "broker unavailable; notification %s waits for the sweeper", notification.pk
                )

        transaction.on_commit(send)
