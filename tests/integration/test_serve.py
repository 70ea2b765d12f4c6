"""The production shape end to end: `bin/serve` (what `make serve` runs) brings up gunicorn with
two workers, a Celery worker per queue, beat, its own Redis and SMTP sink, against a database of
its own on the suite's PostgreSQL server, and a client drives it over HTTP as a browser would:
sessions, CSRF tokens, forms and links read from the pages and the mail.

One test, in steps that need each other: starting the stack is most of its cost."""

from __future__ import annotations

import datetime
import email
import json
import mailbox
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import icalendar
import pytest
import requests
from lxml import html

from tests import databases
from tests.mailserver import free_port

# django_db: for pytest-django to create the suite's test database (and conftest.py its
# pristine copy), which this test itself never touches.
pytestmark = [pytest.mark.integration, pytest.mark.django_db]
ROOT = Path(__file__).resolve().parents[2]
HEALTH_TOKEN = "smoke-health-" + uuid.uuid4().hex
ANON_LIMIT = 10  # API_THROTTLE_ANON for the stack, a minute
FAILURE_LIMIT = 5  # AXES_FAILURE_LIMIT


def wait_for(condition: Callable[[], Any], seconds: float, what: str, stack=None) -> Any:
    """Poll until the condition returns something true, or fail naming what did not happen
    (with the stack's last log lines): no fixed sleeps."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if stack is not None and stack.process.poll() is not None:
            pytest.fail(f"the stack stopped while waiting for {what}:\n{stack.tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds} s" + (f":\n{stack.tail()}" if stack else ""))
        time.sleep(0.2)


class Stack:
    def __init__(self, process, url: str, folder: Path, marker: str, seeding) -> None:
        self.process, self.url, self.folder, self.marker = process, url, folder, marker
        self.log = folder / "serve.log"
        self.seeding = seeding

    def people(self) -> dict:
        """What tests/integration/stack_world.py wrote (its ids), once it has."""
        out, _ = self.seeding.communicate(timeout=120)
        assert self.seeding.returncode == 0, "tests.integration.stack_world failed"
        return json.loads(out.strip().splitlines()[-1])

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def mail(self) -> list[email.message.Message]:
        box = mailbox.Maildir(self.folder / "mail", factory=None, create=False)
        return list(box)

    def processes(self) -> list[int]:
        """Every process on the machine that carries this stack's marker in its environment:
        bin/serve, honcho, gunicorn's master and workers, the Celery workers and their pools,
        beat, Redis and the SMTP sink all inherit it."""
        found = []
        needle = f"FIELDSERVICE_SMOKE={self.marker}".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if needle in environ.split(b"\0") and state != "Z":
                found.append(int(entry.name))
        return found


@pytest.fixture
def stack(tmp_path, django_db_setup) -> Iterator[Stack]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.fail("DATABASE_URL is not PostgreSQL: run the suite with make test")
    name = f"smoke_{uuid.uuid4().hex[:12]}"
    # The migrated database of the suite, copied: bin/serve's migrate then has nothing to do.
    databases.admin(f'CREATE DATABASE "{name}" TEMPLATE "{databases.pristine_name()}"')
    port = free_port()
    marker = uuid.uuid4().hex
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "REDIS_", "IMAP_", "FIELDSERVICE_"))
        and key not in {"EMAIL_URL", "MEDIA_ROOT", "SECRET_KEY", "PUBLIC_URL", "DEBUG"}
    }
    env.update(
        {
            # Redis and the SMTP sink are left for bin/serve to start, as `make serve` does.
            "DATABASE_URL": databases.url(name),
            "SERVE_DIR": str(tmp_path),
            "SERVE_PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "HEALTH_CHECK_TOKEN": HEALTH_TOKEN,
            "API_THROTTLE_ANON": f"{ANON_LIMIT}/min",
            "AXES_FAILURE_LIMIT": str(FAILURE_LIMIT),
            "FIELDSERVICE_SMOKE": marker,
            # gzip copies only: Brotli's of the 7,000 static files take minutes of CPU the first
            # time (a fresh checkout's), and this test is about processes, not bytes.
            "STATIC_BROTLI": "0",
        }
    )
    # The people to sign in as, written while the stack starts (the copy is migrated already).
    seeding = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.stack_world"],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "REDIS_URL": "", "EMAIL_URL": "dummymail://"},
        stdout=subprocess.PIPE,
        text=True,
    )
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        # A process group of its own, as a terminal gives `make serve`: Ctrl-C goes to it.
        start_new_session=True,
    )
    running = Stack(process, f"http://127.0.0.1:{port}", tmp_path, marker, seeding)
    try:
        yield running
    finally:
        if seeding.poll() is None:
            seeding.kill()
            seeding.wait()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in running.processes():
            os.kill(pid, signal.SIGKILL)
        log.close()
        databases.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _up(stack: Stack, path: str, **kwargs) -> requests.Response | None:
    try:
        response = requests.get(stack.url + path, timeout=10, allow_redirects=False, **kwargs)
    except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
        return None
    return response if response.status_code == 200 else None


class Browser:
    """A requests session that behaves as a browser on the app's forms: it carries the CSRF
    token of the page a form came from and sends the Origin a browser sends."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.session = requests.Session()
        self.session.headers["Origin"] = stack.url

    def get(self, path: str, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.stack.url + path
        return self.session.get(url, timeout=30, allow_redirects=False, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.stack.url + path
        data = {"csrfmiddlewaretoken": self.session.cookies["csrftoken"], **data}
        headers = {"Referer": url}
        return self.session.post(
            url, data=data, headers=headers, timeout=30, allow_redirects=False, **kwargs
        )

    def sign_in(self, username: str, password: str) -> requests.Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})


def _windows(page: requests.Response) -> list[datetime.datetime]:
    """The arrival windows a page offers (the buttons' forms), earliest first."""
    tree = html.fromstring(page.text)
    values = tree.xpath('//section[@data-testid="windows"]//input[@name="window"]/@value')
    if not values:
        values = tree.xpath('//form[@method="post"]//input[@name="window"]/@value')
    return sorted(datetime.datetime.fromisoformat(value) for value in values)


def _changeable(windows: list[datetime.datetime]) -> list[datetime.datetime]:
    """Windows past the change cut-off (24 h, with an hour to spare): their bookings can move."""
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=25)
    return [w for w in windows if w > later]


def _invitation(message: email.message.Message):
    """The message's calendar event (None for a message without an invitation)."""
    part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    if part is None:
        return None
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return next(iter(calendar.walk("VEVENT")))


def _text(message: email.message.Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _served_by(stack: Stack, path: str) -> set[str]:
    """gunicorn workers (pids, from the access log) that answered requests for a path."""
    return set(
        re.findall(rf'"GET {re.escape(path)} HTTP/1.1" \d+ .* pid=<?(\d+)', stack.tail(10**6))
    )


def test_the_production_stack_serves_books_mails_plans_and_stops(stack):  # noqa: PLR0915 - one story
    wait_for(lambda: _up(stack, "/healthz"), 120, "answer on /healthz", stack)
    people = stack.people()
    # Every check green: database, cache, storage, the SMTP sink, Redis and a live worker.
    health = wait_for(
        lambda: _up(
            stack,
            "/health/",
            params={"format": "json"},
            headers={"Authorization": f"Bearer {HEALTH_TOKEN}"},
        ),
        60,
        "green /health/",
        stack,
    ).json()
    assert all(value == "OK" for key, value in health.items() if "(" in key), health
    # DEBUG is off and the static files are collected: whitenoise serves them from STATIC_ROOT.
    missing = requests.get(f"{stack.url}/no-such-page/", timeout=10)
    assert missing.status_code == 404
    assert "Traceback" not in missing.text
    login_page = requests.get(f"{stack.url}/accounts/login/", timeout=10)
    css = re.search(r'href="(/static/[^"]+\.css)"', login_page.text)
    assert css
    assert requests.get(stack.url + css.group(1), timeout=10).status_code == 200

    # A customer signs in and books the first window that can still be moved online.
    customer = Browser(stack)
    assert customer.sign_in("smoke-customer", people["password"]).status_code == 302
    job = {"kind": "repair", "appliance": people["appliance"], "description": "It leaks"}
    offered = customer.get("/portal/book/", params=job)
    assert offered.status_code == 200, offered.text[:500]
    window = _changeable(_windows(offered))[0]
    review = customer.get("/portal/book/", params={**job, "window": window.isoformat()})
    assert "Confirm booking" in review.text
    key = html.fromstring(review.text).xpath('//input[@name="client_key"]/@value')[0]
    booked = customer.post(
        "/portal/book/", {**job, "window": window.isoformat(), "client_key": key}
    )
    assert booked.status_code == 302, booked.text[:500]
    assert re.fullmatch(r"/portal/tickets/\d+/", booked.headers["Location"])

    # The confirmation, with its invitation, reaches the SMTP sink through the worker.
    def invitations() -> list[email.message.Message]:
        """The customer's messages with an invitation (the technician gets their own)."""
        return [
            m
            for m in stack.mail()
            if m["To"] == "smoke-customer@example.com" and _invitation(m) is not None
        ]

    (confirmation,) = wait_for(invitations, 30, "confirmation at the SMTP sink", stack)
    assert "is booked" in confirmation["Subject"]
    event = _invitation(confirmation)
    assert event["dtstart"].dt == window
    link = re.search(rf"{re.escape(stack.url)}/portal/b/[^\s/]+/", _text(confirmation))
    assert link, _text(confirmation)

    # The customer moves it through the signed link, signed in nowhere.
    visitor = Browser(stack)
    manage = visitor.get(link.group(0))
    assert manage.status_code == 200
    others = [w for w in _changeable(_windows(manage)) if w != window]
    assert others, manage.text[:2000]
    later = others[0]
    moved = visitor.post(link.group(0), {"window": later.isoformat()})
    assert moved.status_code == 302, moved.text[:500]
    assert "moved" in visitor.get(link.group(0)).text

    def updated():
        newer = [m for m in invitations() if _invitation(m)["sequence"] > event["sequence"]]
        return newer[0] if newer else None

    update = wait_for(updated, 30, "the update at the SMTP sink", stack)
    assert _invitation(update)["uid"] == event["uid"]
    assert _invitation(update)["dtstart"].dt == later

    # A dispatcher plans the visit's day through the planning worker.
    dispatcher = Browser(stack)
    assert dispatcher.sign_in("smoke-dispatcher", people["password"]).status_code == 302
    assert dispatcher.get("/dispatch/").status_code == 200
    day = later.date()  # the window as the site's clock reads it
    asked = dispatcher.post("/dispatch/plan/", {"day": day.isoformat(), "time_limit": "1"})
    assert asked.status_code == 302
    assert "/dispatch/plan/" in asked.headers["Location"]

    def planned():
        body = dispatcher.get(asked.headers["Location"], headers={"HX-Request": "true"}).text
        return None if "every 1s" in body else body

    plan = wait_for(planned, 60, "the plan from the planning worker", stack)
    assert "With this plan" in plan, plan[:1000]

    # The API's throttle counts in the shared cache: across both gunicorn workers, exactly the
    # rate gets through (one process's memory each would let through up to twice as many).
    def docs(_n: int) -> int:
        return requests.get(f"{stack.url}/api/docs/", timeout=30).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(docs, range(3 * ANON_LIMIT)))
    assert answers.count(200) == ANON_LIMIT, answers
    assert answers.count(429) == 2 * ANON_LIMIT, answers
    assert len(wait_for(lambda: _served_by(stack, "/api/docs/"), 10, "access log")) == 2

    # Django-axes' lockout holds whichever worker answers: the right password is refused after
    # FAILURE_LIMIT wrong ones.
    for _ in range(FAILURE_LIMIT):
        assert Browser(stack).sign_in("smoke-locked", "wrong").status_code in {200, 429}
    locked = Browser(stack)
    refused = locked.sign_in("smoke-locked", people["password"])
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text
    assert "sessionid" not in locked.session.cookies

    # Ctrl-C stops everything: honcho's processes first, then Redis and the sink.
    assert len(stack.processes()) >= 10  # serve, honcho, 2 gunicorn + master, 4 workers...
    os.killpg(stack.process.pid, signal.SIGINT)
    stack.process.wait(timeout=40)
    assert wait_for(lambda: not stack.processes(), 10, "stack processes to exit") is True
    assert "sending SIGTERM to web.1" in stack.tail(200)
