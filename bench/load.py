"""Load test: the production shape (`bin/serve`: gunicorn, a Celery worker per queue, beat)
under dispatchers, technicians and customers at once, driven by locust's Python API.

Bounded: USERS simulated people for DURATION seconds, against loopback only. Dispatchers keep
the day board open (the page, its version poll every few seconds, a ticket's panel);
technicians open their day and sync notes from the phone's outbox; customers look for free
windows and book one. Prints, per role, requests per second, the median and 99th percentile
latency and the errors. Run under bin/with-services (make bench does): the demo company is
seeded into DATABASE_URL first, and bin/serve uses that database and Redis server.

    python bench/load.py [--duration 120] [--warmup 15] [--dispatchers 3] [--technicians 12]
                         [--customers 5]
"""

from __future__ import annotations

# locust patches the standard library for gevent as it is imported: before anything else.
from locust import HttpUser, between, task  # isort: skip
from locust.env import Environment  # isort: skip
from locust.stats import StatsEntry  # isort: skip

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import ClassVar

import gevent
import requests
from lxml import html

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-pass-123"  # seed_demo's, printed by it for the demo logins  # noqa: S105
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Person(HttpUser):
    abstract = True
    role = ""
    usernames: ClassVar[list[str]] = []

    def on_start(self) -> None:
        # Each simulated person signs in as a user of their own while there are enough.
        type(self).signed_in = getattr(type(self), "signed_in", 0) + 1
        self.username = self.usernames[(type(self).signed_in - 1) % len(self.usernames)]
        page = self.client.get("/accounts/login/", name=f"{self.role}: login page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            allow_redirects=False,
            name=f"{self.role}: sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Dispatcher(Person):
    role = "dispatcher"
    usernames: ClassVar[list[str]] = ["dispatcher1"]
    wait_time = between(1, 3)

    @task(2)
    def board(self) -> None:
        page = self.client.get("/dispatch/", name="dispatcher: board")
        self.tickets = [int(n) for n in re.findall(r"/dispatch/tickets/(\d+)/", page.text)]

    @task(6)
    def poll(self) -> None:
        self.client.get("/dispatch/board/version/", name="dispatcher: board version")

    @task(2)
    def panel(self) -> None:
        if getattr(self, "tickets", None):
            ticket = random.choice(self.tickets)
            self.client.get(f"/dispatch/tickets/{ticket}/", name="dispatcher: ticket panel")


class Technician(Person):
    """Opens the day, then works one visit from the phone: on the way (a step), then notes,
    each sent through the offline outbox's sync as the phone sends them."""

    role = "technician"
    usernames: ClassVar[list[str]] = [f"tech0-{n:02d}" for n in range(1, 21)]
    wait_time = between(2, 5)
    working: int | None = None

    @task(1)
    def day(self) -> None:
        page = self.client.get("/tech/", name="technician: my day")
        self.visits = sorted({int(n) for n in re.findall(r"/tech/visits/(\d+)/", page.text)})

    @task(3)
    def sync(self) -> None:
        actions = []
        if self.working is None:
            self.working, actions = self._start_a_visit()
            if self.working is None:
                return
        actions.append(
            {"key": uuid.uuid4().hex, "type": "note", "visit": self.working, "text": "Ring twice"}
        )
        with self.client.post(
            "/tech/sync/",
            json={"actions": actions},
            headers={"X-CSRFToken": self.csrf(), "Referer": self.host + "/tech/"},
            name="technician: sync",
            catch_response=True,
        ) as response:
            results = response.json().get("results") if response.status_code == 200 else None
            refused = [r for r in results or [] if r.get("status") not in {"ok", "duplicate"}]
            if results is None or refused:
                detail = refused[0].get("message") if refused else response.status_code
                response.failure(f"sync refused: {detail}")
                self.working = None

    def _start_a_visit(self) -> tuple[int | None, list[dict]]:
        """The visit under way, or the next scheduled one with the step that starts it."""
        if not getattr(self, "visits", None):
            self.day()
        for visit in self.visits:
            job = self.client.get(f"/tech/visits/{visit}/", name="technician: job")
            status = re.search(r'data-status="(\w+)"', job.text)
            version = re.search(r'name="version" value="(\d+)"', job.text)
            if status and status.group(1) in {"en_route", "on_site"}:
                return visit, []
            if status and status.group(1) == "scheduled" and version:
                step = {
                    "key": uuid.uuid4().hex,
                    "type": "step",
                    "visit": visit,
                    "version": int(version.group(1)),
                    "to": "en_route",
                    "confirm": True,
                }
                return visit, [step]
        return None, []


class Customer(Person):
    role = "customer"
    usernames: ClassVar[list[str]] = [f"customer{n}" for n in range(1, 6)]
    wait_time = between(3, 8)

    @task
    def book(self) -> None:
        start = self.client.get("/portal/book/", name="customer: booking page")
        appliances = html.fromstring(start.text).xpath(
            '//select[@name="appliance"]/option[@value!=""]/@value'
        )
        if not appliances:
            return
        job = {"kind": "repair", "appliance": random.choice(appliances), "description": "Noisy"}
        offered = self.client.get("/portal/book/", params=job, name="customer: free windows")
        windows = re.findall(r'name="window" value="([^"]+)"', offered.text)
        if not windows:
            return
        window = random.choice(windows)
        review = self.client.get(
            "/portal/book/", params={**job, "window": window}, name="customer: review"
        )
        key = re.search(r'name="client_key" value="([^"]+)"', review.text)
        with self.client.post(
            "/portal/book/",
            data={
                **job,
                "window": window,
                "client_key": key.group(1) if key else "",
                "csrfmiddlewaretoken": self.csrf(),
            },
            headers={"Referer": self.host + "/portal/book/"},
            allow_redirects=False,
            name="customer: book",
            catch_response=True,
        ) as response:
            # 302: booked; 200: someone took the window meanwhile and the page offers others.
            if response.status_code not in {200, 302}:
                response.failure(f"booking answered {response.status_code}")


def seed() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fieldservice.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_stack(folder: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SERVE_DIR": folder,
        "SERVE_PORT": str(port),
        # The demo's logins from one address, many times over: no lockouts or throttles here.
        "API_THROTTLE_USER": "1000000/min",
    }
    log = open(Path(folder) / "serve.log", "w")  # noqa: SIM115 - kept open for the stack's life
    return subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_up(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("bin/serve stopped before it answered")
        try:
            if requests.get(url + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)  # polling for the server to come up, not synchronising with it
    raise SystemExit(f"bin/serve did not answer on {url} within {seconds} s")


def report(env: Environment, seconds: float) -> None:
    roles: dict[str, StatsEntry] = {}
    for entry in env.stats.entries.values():
        role = entry.name.split(":", 1)[0]
        if role not in roles:
            roles[role] = StatsEntry(env.stats, role, "", use_response_times_cache=False)
        roles[role].extend(entry)
    print(f"{'role':<12} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for role, entry in sorted(roles.items()):
        print(
            f"{role:<12} {entry.num_requests:>9} {entry.num_requests / seconds:>7.1f} "
            f"{entry.get_response_time_percentile(0.5):>7.0f} "
            f"{entry.get_response_time_percentile(0.99):>7.0f} {entry.num_failures:>7}"
        )
    total = env.stats.total
    print(
        f"{'all':<12} {total.num_requests:>9} {total.num_requests / seconds:>7.1f} "
        f"{total.get_response_time_percentile(0.5):>7.0f} "
        f"{total.get_response_time_percentile(0.99):>7.0f} {total.num_failures:>7}"
    )
    for error in sorted(env.stats.errors.values(), key=lambda e: -e.occurrences)[:10]:
        print(f"  error x{error.occurrences}: {error.method} {error.name}: {error.error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--dispatchers", type=int, default=3)
    parser.add_argument("--technicians", type=int, default=12)
    parser.add_argument("--customers", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Run under bin/with-services (make bench): DATABASE_URL is not PostgreSQL")
    seed()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="fieldservice-load-") as folder:
        stack = start_stack(folder, port)
        try:
            wait_up(url, stack)
            Dispatcher.fixed_count = args.dispatchers
            Technician.fixed_count = args.technicians
            Customer.fixed_count = args.customers
            users = args.dispatchers + args.technicians + args.customers
            env = Environment(user_classes=[Dispatcher, Technician, Customer], host=url)
            runner = env.create_local_runner()
            runner.start(users, spawn_rate=users / 5)
            # Everybody signed in and every gunicorn worker booted before anything counts.
            gevent.sleep(args.warmup)
            env.stats.reset_all()
            started = time.monotonic()
            gevent.sleep(args.duration)
            seconds = time.monotonic() - started
            runner.quit()
            workers = os.environ.get("WEB_CONCURRENCY") or f"{os.cpu_count() * 2 + 1} (default)"
            print(
                f"load: {users} users ({args.dispatchers} dispatchers, {args.technicians} "
                f"technicians, {args.customers} customers) for {seconds:.0f} s against bin/serve "
                f"(gunicorn workers: {workers}, {os.cpu_count()} cores, load average "
                f"{os.getloadavg()[0]:.1f})"
            )
            report(env, seconds)
        finally:
            os.killpg(stack.pid, signal.SIGINT)
            try:
                stack.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(stack.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
