"""Celery tasks of dispatch: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task

from . import positions


@shared_task
def drop_stale_positions() -> int:
    return positions.drop_stale_positions()
