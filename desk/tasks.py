"""Celery tasks of the desk: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import inbound


@shared_task
def fetch_mail() -> dict[str, int]:
    """Fetch and receive the inbound mailbox's new messages (beat, every minute)."""
    return inbound.fetch_mail()
