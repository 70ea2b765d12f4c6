"""Benchmark: notifications delivered per second by one Celery worker to a local SMTP server.

Queues 10,000 due notifications in the database named by DATABASE_URL, starts an aiosmtpd
server and one worker (prefork, one process) on REDIS_URL, hands the rows out with the sweeper
and times until all are sent. Run it under bin/with-services (make bench does).
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from notifications import services  # noqa: E402
from notifications.models import Notification  # noqa: E402
from tickets.models import Visit  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every session
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    visit = Visit.objects.exclude(window_start=None).first()
    Notification.objects.all().delete()
    now = datetime.datetime.now(datetime.UTC)
    Notification.objects.bulk_create(
        [
            Notification(kind="reminder", recipient=f"c{i}@example.com", visit=visit, due_at=now)
            for i in range(args.count)
        ],
        batch_size=2000,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    db = connection.settings_dict
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fieldservice",
            "worker",
            "-Q",
            "notifications,celery",
            "-c",
            "1",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        started = time.monotonic()
        services.sweep()
        services.sweep()  # the sweeper hands out at most 5,000 rows at a time
        deadline = started + 900
        while time.monotonic() < deadline:
            sent = Notification.objects.filter(status="sent").count()
            if sent >= args.count:
                break
            services.sweep()  # as beat would: only rows not handed out recently go again
            time.sleep(1)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        smtp.stop()
    sent = Notification.objects.filter(status="sent").count()
    print(f"notifications sent: {sent} of {args.count}, received by SMTP: {counter.received}")
    print(f"one worker: {sent / elapsed:.0f} notifications/s ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
