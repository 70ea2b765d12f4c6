"""Celery tasks of the project's shared parts."""

from __future__ import annotations

from celery import shared_task

from . import api


@shared_task
def purge_idempotency_records() -> int:
    return api.purge_idempotency_records()
