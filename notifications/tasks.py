"""Celery tasks of notifications: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_shutdown

from . import services


@shared_task(acks_late=True)
def deliver_notification(notification_id: int) -> None:
    services.deliver(notification_id=notification_id)


@shared_task
def sweep_outbox() -> int:
    return services.sweep()


@worker_process_shutdown.connect
def close_mail_connection(**kwargs) -> None:
    services.close_mail_connection()
