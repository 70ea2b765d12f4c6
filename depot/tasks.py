"""Celery tasks of depot: thin wrappers that call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_loan_reminders() -> int:
    return services.send_loan_reminders()
