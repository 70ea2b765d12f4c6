"""Celery tasks of billing: thin wrappers that call a service; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import quotes, transmissions


@shared_task
def expire_quotes() -> int:
    return quotes.expire_quotes()


@shared_task
def collect_einvoice_receipts() -> int:
    return transmissions.collect_receipts()
