"""Benchmark: the REST API under gunicorn on PostgreSQL, beside a minimal Django view.

For a visit transition (POST, through the service, with its outbox row), a ticket list page
(50 rows) and the availability search, prints requests per second and the median and 99th
percentile latency, next to the same figures for a view that makes one query and answers JSON;
the ratio says how close each endpoint is to the framework's own limit here. Run it under
bin/with-services (make bench does): it seeds the demo data into DATABASE_URL first.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from customers.models import Appliance  # noqa: E402
from fieldservice.models import ApiToken  # noqa: E402
from tickets.models import Visit  # noqa: E402

WORKERS = 2  # one per core
CONCURRENCY = 4
REQUESTS = 800


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apibench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_USER": "10000000/min",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'bench'}",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "fieldservice.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.05)  # waiting for the server to listen, not papering over a race
    proc.kill()
    raise SystemExit("gunicorn did not start")


def load(port: int, requests: list[tuple[str, str, dict | None]], headers: dict) -> dict:
    """Send the requests over CONCURRENCY connections; latencies in ms, and the rate."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(requests))

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                method, path, body = queue.pop()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            data = json.dumps(body).encode() if body is not None else None
            hdrs = {**headers, "Content-Type": "application/json"} if data else headers
            t0 = time.perf_counter()
            conn.request(method, path, body=data, headers=hdrs)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            conn.close()
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50": statistics.median(latencies),
        "p99": latencies[int(len(latencies) * 0.99) - 1],
        "statuses": statuses,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    user = User.objects.get(username="dispatcher1")
    _token, key = ApiToken.issue(user=user, name="bench")
    headers = {"Authorization": f"Bearer {key}"}
    appliance = Appliance.objects.select_related("site").order_by("pk").first()
    scheduled = list(
        Visit.objects.filter(status=Visit.Status.SCHEDULED).values_list("pk", flat=True)
    )
    port = free_port()
    server = start_gunicorn(port)
    try:
        warm = [("GET", "/bench/minimal", None)] * 50 + [("GET", "/api/v1/tickets/", None)] * 50
        load(port, warm, headers)
        results = {}
        results["minimal view, 1 query"] = load(
            port, [("GET", "/bench/minimal", None)] * REQUESTS, headers
        )
        results["GET /api/v1/tickets/ (50 rows)"] = load(
            port, [("GET", "/api/v1/tickets/?page_size=50", None)] * REQUESTS, headers
        )
        availability = (
            f"/api/v1/availability/?site={appliance.site_id}&appliance={appliance.pk}&kind=repair"
        )
        results["GET /api/v1/availability/ (14 days)"] = load(
            port, [("GET", availability, None)] * (REQUESTS // 4), headers
        )
        # Each scheduled visit goes en route once: a real state change each time (the week's
        # visits, so setting off for another day than today is confirmed).
        transitions = [
            (
                "POST",
                f"/api/v1/visits/{pk}/transition/",
                {"to": "en_route", "confirm_not_today": True},
            )
            for pk in scheduled[:REQUESTS]
        ]
        results[f"POST visits/{{id}}/transition ({len(transitions)} visits)"] = load(
            port, transitions, headers
        )
    finally:
        server.terminate()
        server.wait()
    floor = results["minimal view, 1 query"]
    print(f"API under gunicorn ({WORKERS} sync workers), {CONCURRENCY} concurrent clients:")
    print(f"{'endpoint':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs minimal':>11}  statuses")
    for name, r in results.items():
        print(
            f"{name:44} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} "
            f"{r['rps'] / floor['rps']:10.0%}  {r['statuses']}"
        )


if __name__ == "__main__":
    main()
