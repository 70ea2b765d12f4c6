"""Celery tasks of notifications: thin, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_process_shutdown

from .services import delivery, smtp, sweeper


@shared_task(acks_late=True)
def deliver_notification(notification_id: int) -> None:
    delivery.deliver(notification_id=notification_id)


@shared_task
def sweep_outbox() -> int:
    return sweeper.sweep()


@worker_process_shutdown.connect
def close_mail_connection(**kwargs: Any) -> None:
    smtp.close_mail_connection()
