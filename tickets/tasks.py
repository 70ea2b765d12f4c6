"""Celery tasks of tickets: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from .services import maintenance, photos


@shared_task(acks_late=True)
def process_photo_task(photo_id: int) -> None:
    photos.process_photo(photo_id=photo_id)


@shared_task
def requeue_photos() -> int:
    return photos.requeue_photos()


@shared_task
def generate_maintenance() -> int:
    """Preventive plans' visits over the horizon, and the ones past their window marked."""
    maintenance.mark_missed()
    return maintenance.generate().created
