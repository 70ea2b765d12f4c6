"""Celery tasks of contracts: thin wrappers that call a service. Both are safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def close_contract_years() -> int:
    return services.close_contract_years()


@shared_task
def send_renewal_reminders() -> int:
    return services.send_renewal_reminders()
