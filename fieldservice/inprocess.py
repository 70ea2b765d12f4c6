"""The in-process worker of `make run` (no REDIS_URL): what Celery's worker and beat do in
production, done by one daemon thread of the web process, so that no task runs inside the
request that sends it (a mail server that never answers holds up no page).

With `settings.IN_PROCESS_WORKER` on, every task sent (`delay`, `apply_async`, a signature,
`delay_on_commit`) is queued here by name instead (see fieldservice.celery.Task) and run in
turn; every entry of `CELERY_BEAT_SCHEDULE` runs at its interval, as beat would run it, so
reminders, retries and the re-queueing of lost work happen in `make run` too. The queue is in
memory: a task still waiting when the process ends is gone, but not its work, which is a row
in the database (an outbox row, a plan run) that those periodic sweepers hand out again.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from celery import current_app
from celery.schedules import BaseSchedule, maybe_schedule
from django.conf import settings
from django.db import close_old_connections, connections

log = logging.getLogger(__name__)

_STOP = object()


class InProcessWorker:
    """One thread that runs the tasks handed to it, one at a time, and the beat schedule."""

    def __init__(self) -> None:
        self._tasks: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, name: str, args: Any = None, kwargs: Any = None) -> None:
        """Queue the task `name` to run in the worker's thread, started if need be."""
        self.start()
        self._tasks.put((name, tuple(args or ()), dict(kwargs or {})))

    def start(self) -> None:
        """Start the thread, once per process (again only if it died)."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="in-process worker", daemon=True
                )
                self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Let the thread finish the tasks queued so far, then end. True when it ended."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return True
        self._tasks.put(_STOP)
        thread.join(timeout)
        return not thread.is_alive()

    def _run(self) -> None:
        beat = [
            (entry["task"], _schedule(entry["schedule"]), entry)
            for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()
        ]
        last_run = [schedule.now() for _task, schedule, _entry in beat]
        try:
            while True:
                waits = []
                for i, (task, schedule, entry) in enumerate(beat):
                    due, next_check = schedule.is_due(last_run[i])
                    if due:
                        last_run[i] = schedule.now()
                        self._execute(task, entry.get("args", ()), entry.get("kwargs", {}))
                    waits.append(next_check)
                try:
                    item = self._tasks.get(timeout=min(waits, default=None))
                except queue.Empty:
                    continue
                if item is _STOP:
                    return
                self._execute(*item)
        finally:
            connections.close_all()

    def _execute(self, name: str, args: Any, kwargs: Any) -> None:
        # Between tasks what Django does between requests: drop a broken or old connection.
        close_old_connections()
        try:
            current_app.tasks[name].apply(args=args, kwargs=kwargs)
        except Exception:  # a failing task must not end the worker; the error is logged
            log.exception("in-process task %s failed", name)
        finally:
            close_old_connections()


def _schedule(value: Any) -> BaseSchedule:
    """A beat entry's schedule (seconds, a timedelta or a crontab) as Celery's beat reads it."""
    schedule = maybe_schedule(value, app=current_app)
    if not isinstance(schedule, BaseSchedule):
        raise TypeError(f"not a beat schedule: {value!r}")
    return schedule


worker = InProcessWorker()
