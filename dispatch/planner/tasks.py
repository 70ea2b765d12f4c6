"""Celery tasks of the planner: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from . import runs, services


@shared_task(acks_late=True)
def compute_day_plan_task(run_id: int) -> None:
    runs.compute_day_plan(run_id=run_id)


@shared_task
def requeue_plan_runs() -> int:
    return services.requeue_plan_runs()
