"""Notifications on the real parts: Redis, a Celery worker process and an SMTP server."""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import icalendar
import pytest
from django.db import connection

from dispatch.services import assign_visit
from fieldservice.celery import app as celery_app
from notifications import services
from notifications.models import Notification
from portal import services as portal
from tests.factories import ApplianceFactory, TechnicianFactory, UserFactory
from tests.helpers import at, get_health
from tests.mailserver import Inbox, MailServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def wait_for(condition, seconds: float = 40.0, poll=None):
    """Poll a condition until it holds or the deadline passes (no fixed sleeps)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        if poll is not None:
            poll()
        time.sleep(0.2)
    return condition()


@pytest.fixture
def smtp():
    server = MailServer()
    yield server.inbox, server.port
    server.stop()


@pytest.fixture
def worker(smtp):
    if not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL is not set: run the suite with make test")
    process = _start_worker(smtp[1])
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        _stop(process)


def book(day_offset: int = 8):
    TechnicianFactory(user__first_name="Marco")
    appliance = ApplianceFactory()
    day = datetime.date.today() + datetime.timedelta(days=day_offset)  # noqa: DTZ011
    return portal.book_visit(
        customer=appliance.site.customer,
        site=appliance.site,
        kind="repair",
        appliance=appliance,
        window_start=at(day, 10),
    )


def test_a_booking_reaches_the_smtp_server_once_with_an_invitation(smtp, worker):
    inbox, _ = smtp

    ticket, visit = book()

    assert wait_for(lambda: len(inbox.messages) >= 1)
    assert wait_for(lambda: Notification.objects.filter(status="sent").count() == 1, 10)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert ticket.number in message["Subject"]
    ics = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    event = next(iter(icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")))
    assert str(event["uid"]) == f"visit-{visit.pk}@fieldservice"

    # Moving the visit sends an update of the same event with a higher SEQUENCE.

    assign_visit(
        visit=visit,
        technician=visit.technician,
        start=visit.planned_start + datetime.timedelta(hours=4),
        by=None,
        window_reason="The customer asked for later",
    )
    assert wait_for(lambda: len(inbox.messages) == 2)
    update = next(
        part for part in inbox.messages[1].walk() if part.get_content_type() == "text/calendar"
    )
    moved = next(iter(icalendar.Calendar.from_ical(update.get_payload(decode=True)).walk("VEVENT")))
    assert str(moved["uid"]) == str(event["uid"])
    assert int(moved["sequence"]) > int(event["sequence"])


def test_a_refusing_mail_server_is_retried_until_it_accepts(smtp, worker):
    inbox, _ = smtp
    inbox.refuse = 2

    book()

    # The sweeper (Celery beat, every minute, in production) hands the retries back out.
    assert wait_for(lambda: len(inbox.messages) == 1, 60, poll=services.sweep)
    row = Notification.objects.get(kind="booking_confirmed")
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent", 10)
    assert Notification.objects.get(pk=row.pk).attempts == 3


def _database_sessions() -> int:
    """Connections ever opened to the test database (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_a_worker_keeps_its_mail_and_database_connections_from_task_to_task(smtp, worker):
    inbox, _ = smtp
    _queue_reminders(1)
    assert wait_for(lambda: len(inbox.messages) == 1, 60)  # the worker is up and connected
    before = _database_sessions()

    rows = _queue_reminders(50)

    assert wait_for(lambda: Notification.objects.filter(status="sent").count() == 50, 60)
    assert len(inbox.messages) == 51
    assert inbox.sessions == 1  # one SMTP session for all 51 messages
    # 50 tasks, not 50 new connections: the worker's own and the one of this test's sweep.
    assert _database_sessions() - before <= 3, "a worker connects to the database per task"
    assert {m["Message-ID"] for m in inbox.messages[1:]} == {
        f"<notification-{row.pk}@fieldservice>" for row in rows
    }


def _redis(command: list[str]) -> None:
    """Stop or start this worker's own Redis server (bin/with-services starts one per xdist
    worker), with the pid and log files bin/with-services gave it."""
    port = os.environ["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    folder = os.environ["FIELDSERVICE_SERVICES_DIR"]
    if command == ["stop"]:
        subprocess.run(
            ["redis-cli", "-p", port, "shutdown", "nosave"], check=False, capture_output=True
        )
    else:
        subprocess.run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                port,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                f"{folder}/redis-{port}.pid",
                "--logfile",
                f"{folder}/redis-{port}.log",
                "--dir",
                folder,
            ],
            check=True,
        )
        assert wait_for(
            lambda: (
                subprocess.run(
                    ["redis-cli", "-p", port, "ping"], capture_output=True, check=False
                ).returncode
                == 0
            ),
            10,
        )


def test_bookings_during_a_broker_outage_all_get_their_confirmation(smtp, worker):
    inbox, _ = smtp
    _redis(["stop"])
    try:
        booked = [book(day_offset=8 + i % 5) for i in range(20)]
    finally:
        _redis(["start"])

    assert len(booked) == 20  # every booking succeeded while the broker was down
    assert Notification.objects.filter(kind="booking_confirmed", status="pending").count() == 20
    assert wait_for(
        lambda: len(inbox.messages) == 20, 90, poll=lambda: services.sweep(requeue_after=5)
    )
    assert Notification.objects.filter(kind="booking_confirmed", status="sent").count() == 20


def _start_worker(smtp_port: int):
    """A worker as production runs it: prefork, here with one pool process, in a process
    group of its own so that stopping it takes its pool process too."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldservice.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFY_RETRY_BASE_SECONDS": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fieldservice",
            "worker",
            "-Q",
            "notifications,planning,celery",
            "--pool=prefork",
            "--concurrency=1",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _group_gone(process) -> bool:
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return True
    return False


def _stop(process) -> None:
    """Warm shutdown; a worker that does not stop in time is killed with its pool."""
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    if not _group_gone(process):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _queue_reminders(count: int) -> list[Notification]:
    _, visit = book()
    Notification.objects.all().delete()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                kind="reminder",
                recipient=f"c{i}@example.com",
                visit=visit,
                due_at=datetime.datetime.now(datetime.UTC),
            )
            for i in range(count)
        ]
    )
    services.sweep()
    return rows


def _restart_and_finish(port: int, rows: list[Notification], inbox: Inbox) -> list[str]:
    """Start a new worker, let the sweeper put back what the dead one held, and return the
    Message-IDs the server received once every row is marked sent."""
    replacement = _start_worker(port)
    try:
        assert wait_for(
            lambda: Notification.objects.filter(status="sent").count() == len(rows),
            120,
            poll=lambda: services.sweep(stale_after=5, requeue_after=5),
        )
    finally:
        _stop(replacement)
    ids = [m["Message-ID"] for m in inbox.messages]
    assert set(ids) == {f"<notification-{row.pk}@fieldservice>" for row in rows}
    return ids


def _log(line: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "notification-kill.txt", "a") as log:
        log.write(line + "\n")


def test_killing_the_worker_mid_batch_loses_nothing(smtp, worker):
    """SIGKILL the worker and its pool process (Celery has the kernel kill pool processes
    with their parent) after some of 200 messages went out, start another: all 200 arrive.

    Messages the dead worker held unacknowledged are handed out again and skipped as sent.
    The one message the server may have accepted in the instant between its OK and the row's
    SENT mark goes out again, with the same Message-ID: SMTP cannot tell a client that lost
    the server's OK whether the message was taken (RFC 1047), and marking first would lose
    messages instead."""
    inbox, port = smtp
    rows = _queue_reminders(200)

    assert wait_for(lambda: len(inbox.messages) >= 30, 60)
    os.killpg(worker.pid, signal.SIGKILL)
    at_kill = len(inbox.messages)
    worker.wait(timeout=10)
    assert wait_for(lambda: _group_gone(worker), 10)
    assert len(inbox.messages) < 200, "the batch finished before the kill"
    ids = _restart_and_finish(port, rows, inbox)

    repeated = len(ids) - len(set(ids))
    _log(f"killed after {at_kill}: {len(set(ids))} of 200 arrived, {repeated} twice")
    assert repeated <= 1  # at most the message in flight in the one pool process


def test_the_health_page_sees_the_broker_and_a_live_worker(smtp, worker, client):
    inbox, _ = smtp
    _queue_reminders(1)
    assert wait_for(lambda: len(inbox.messages) == 1, 60)  # the worker is up
    client.force_login(UserFactory(is_staff=True))

    up = get_health(client, {"format": "json"}).json()
    _stop(worker)
    down = get_health(client, {"format": "json"}).json()

    checks = ("Database", "Cache", "Storage", "Mail", "OutboxBacklog", "Redis", "Ping")
    assert {key.split("(")[0]: value for key, value in up.items() if "(" in key} == {
        name: "OK" for name in checks
    }
    (ping,) = [value for key, value in down.items() if key.startswith("Ping(")]
    assert ping == "Unavailable: Celery workers unavailable"
