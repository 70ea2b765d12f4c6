"""The outbox's health check for django-health-check: a stopped sweeper, beat or worker shows
as a notification that waits past its due time, long before a customer misses a reminder."""

from __future__ import annotations

import dataclasses
import datetime

from django.db import connection
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .models import Notification


def oldest_pending_age(*, now: datetime.datetime | None = None) -> datetime.timedelta | None:
    """How long the longest-waiting due notification (pending or mid-send) has waited past its
    due time; None when nothing is waiting."""
    now = now or timezone.now()
    oldest = (
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            due_at__lte=now,
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return None if oldest is None else now - oldest


@dataclasses.dataclass
class OutboxBacklog(HealthCheck):
    """Unavailable when a due notification has waited longer than `max_age` (retries wait
    for their backoff first, so only a stuck outbox trips it)."""

    max_age: datetime.timedelta = datetime.timedelta(minutes=10)
    age: datetime.timedelta | None = dataclasses.field(default=None, repr=False, init=False)

    def gauges(self) -> dict[str, tuple[str, float | None]]:
        """What the health page reports beside the verdict, for monitors to graph."""
        wait = None if self.age is None else round(self.age.total_seconds(), 1)
        return {
            "oldest_due_notification_wait_seconds": (
                "How long the oldest due notification has waited to be sent",
                wait,
            )
        }

    def run(self) -> None:
        try:
            self.age = oldest_pending_age()
        finally:
            # Sync checks run in the event loop's executor threads, which no request cycle
            # ever cleans up: leave no connection open there.
            connection.close()
        if self.age is not None and self.age > self.max_age:
            raise ServiceUnavailable(
                f"a notification has waited {self.age.total_seconds() / 60:.0f} min past its due "
                f"time (limit {self.max_age.total_seconds() / 60:.0f} min): "
                "are the Celery worker and beat running?"
            )
