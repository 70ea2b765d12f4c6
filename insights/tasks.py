"""Celery tasks of insights: thin wrappers that call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_weekly_summary() -> bool:
    return services.send_weekly_summary()
