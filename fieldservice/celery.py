"""The Celery application: configured from Django settings under the CELERY_ namespace."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

app = Celery("fieldservice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs) -> None:
    """Around every task, what Django does around every request: close the connection only
    if it is broken or older than CONN_MAX_AGE, so a worker does not open one per task (Celery
    would close it every time; CELERY_DB_REUSE_MAX in the settings stops that). Not for eager
    tasks, which run inside the caller's request and transaction."""
    if sender is not None and not getattr(sender.request, "is_eager", False):
        close_old_connections()
