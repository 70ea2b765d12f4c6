"""The Celery application: configured from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.signals import task_postrun, task_prerun
from celery.utils import uuid
from django.conf import settings
from django.db import close_old_connections

from . import inprocess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")


class Task(DjangoTask):
    """Every task of the project. With `settings.IN_PROCESS_WORKER` on (`make run`, no
    broker), sending one hands it to the in-process worker instead of running it inside the
    caller's request, as Celery's eager mode would (fieldservice.inprocess)."""

    def apply_async(self, args=None, kwargs=None, task_id=None, *more: Any, **options: Any):
        if getattr(settings, "IN_PROCESS_WORKER", False):
            inprocess.worker.submit(self.name, args, kwargs)
            return self.AsyncResult(task_id or uuid())
        return super().apply_async(args, kwargs, task_id, *more, **options)


app = Celery("fieldservice", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def hand_out(task_name: str, *args: object) -> None:
    """Send a task by its registered name, now, without Celery's publish retries; raises when
    the broker cannot be reached. By name, because a task module imports the services that
    queue its work, and the services must not import it back."""
    app.signature(task_name, args=args).apply_async(retry=False)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs) -> None:
    """Around every task, what Django does around every request: close the connection only
    if it is broken or older than CONN_MAX_AGE, so a worker does not open one per task (Celery
    would close it every time; CELERY_DB_REUSE_MAX in the settings stops that). Not for eager
    tasks, which run inside the caller's request and transaction."""
    if sender is not None and not getattr(sender.request, "is_eager", False):
        close_old_connections()
