"""Celery tasks of dispatch: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services as day_plans


@shared_task(acks_late=True)
def compute_day_plan_task(run_id: int) -> None:
    day_plans.compute_day_plan(run_id=run_id)
