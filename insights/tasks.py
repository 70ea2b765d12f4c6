"""Celery tasks of insights: thin wrappers that call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_weekly_summary() -> bool:
    return services.send_weekly_summary()


@shared_task(acks_late=True)
def run_import(run_id: int) -> None:
    services.run_import(run_id=run_id)
