"""What many test modules share: local times, a moment later today, API clients and the two-of-
everything world, and harnesses that run calls at the same instant on separate connections."""

from __future__ import annotations

import contextlib
import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.services import assign_visit
from fieldservice.celery import app as celery_app
from fieldservice.models import ApiToken
from tests import factories
from tickets import services as tickets

ROME = ZoneInfo("Europe/Rome")


def at(day: datetime.date, hour: int, minute: int = 0, tz: ZoneInfo = ROME) -> datetime.datetime:
    """An aware local time on a day (Rome unless told)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


# As long as a repair visit: the slots of a test's day today do not overlap.
SLOT = datetime.timedelta(minutes=90)


def today_at(slot: int = 0) -> datetime.datetime:
    """The start of a test's `slot`-th visit today in Rome, whatever the hour the test runs
    (there is no fixed clock): slot 0 starts this minute, each next one SLOT later. Late in the
    evening a later slot would fall on tomorrow (slot 1 after 22:30): that is refused here
    rather than handed to a test that means today."""
    now = timezone.now().astimezone(ROME).replace(second=0, microsecond=0)
    start = now + slot * SLOT
    assert start.date() == now.date(), f"slot {slot} does not fit in what is left of today"
    return start


def assign_today(visit, technician, slot: int = 0):
    """Put `visit` on `technician`'s day today (today_at(slot)). Outside the technician's
    working hours (a test run in the evening) the override is recorded, as a dispatcher's
    would be for a late job."""
    return assign_visit(
        visit=visit,
        technician=technician,
        start=today_at(slot),
        by=None,
        override_reason="A test's visit for today, at whatever hour it runs.",
        window_reason="A test's visit for today, whatever window it was promised.",
    )


def tomorrow_at(hour: int, minute: int = 0) -> datetime.datetime:
    """A start tomorrow in Rome: for tests that do not need the visit to be today."""
    day = timezone.now().astimezone(ROME).date() + datetime.timedelta(days=1)
    return at(day, hour, minute)


def finish_visit(visit):
    """Take a scheduled visit through its steps to completed: set off (confirmed, should it
    not be planned for today), arrive, note the work (what a repair needs to be completed)."""
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
    tickets.record_entry(visit=visit, kind="work", text="Pump replaced.", by=None)
    return tickets.transition_visit(visit=visit, to="completed", by=None)


@dataclass
class World:
    day: datetime.date
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    mine: dict = field(default_factory=dict)  # as seen by technician A and customer A
    theirs: dict = field(default_factory=dict)  # technician B's and customer B's
    spare_tokens: dict = field(default_factory=dict)


def booking_body(world: World, hour: int = 14) -> dict:
    """A repair of customer A's appliance, booked for `hour` on the world's day."""
    return {
        "site": world.mine["site"],
        "appliance": world.mine["appliance"],
        "kind": "repair",
        "window_start": at(world.day, hour).isoformat(),
    }


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = ApiToken.issue(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def build_world(next_monday: datetime.date) -> World:
    # Far enough ahead that a customer may still move or cancel the visit.
    day = next_monday + datetime.timedelta(days=7)
    w = World(day=day)
    dispatcher = factories.UserFactory(username="disp", role="dispatcher")
    tech_a = factories.TechnicianFactory(user__username="tech-a")
    tech_b = factories.TechnicianFactory(user__username="tech-b")
    stranger = factories.UserFactory(username="stranger")
    contract_a = contract_b = None
    objs = {}
    for side, tech in (("a", tech_a), ("b", tech_b)):
        user = factories.UserFactory(username=f"cust-{side}", role="customer")
        customer = factories.CustomerFactory(user=user)
        site = factories.SiteFactory(customer=customer)
        appliance = factories.ApplianceFactory(site=site)
        contract = factories.ServiceContractFactory(customer=customer)
        ticket = factories.open_ticket(appliance=appliance)
        visit = factories.new_visit(
            ticket, window_start=at(day, 10), window_end=at(day, 12), duration_minutes=60
        )
        visit = assign_visit(visit=visit, technician=tech, start=at(day, 10), by=dispatcher)
        ticket.refresh_from_db()
        objs[side] = {
            "user": user,
            "customer": customer,
            "site": site,
            "appliance": appliance,
            "appliance-model": appliance.model,
            "contract": contract,
            "ticket": ticket,
            "visit": visit,
            "technician": tech,
        }
        if side == "a":
            contract_a = contract
        else:
            contract_b = contract
    assert contract_a != contract_b
    skill = factories.SkillFactory()
    w.users = {
        "dispatcher": dispatcher,
        "technician": tech_a.user,
        "customer": objs["a"]["user"],
        "stranger": stranger,
        "anonymous": None,
        "customer_b": objs["b"]["user"],
    }
    w.clients = {role: client_for(user) for role, user in w.users.items()}
    for side, target in (("a", w.mine), ("b", w.theirs)):
        for name, obj in objs[side].items():
            if name != "user":
                target[name] = obj.pk
        target["skill"] = skill.pk
    w.objs = objs
    for role, user in w.users.items():
        if user is not None:
            w.spare_tokens[role] = ApiToken.issue(user=user, name="spare")[0].pk
    return w


def race(jobs):
    """Run each job in its own thread with its own connection, all released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def a_session_waits_for_a_lock(seconds: float = 30) -> bool:
    """Poll pg_stat_activity until some session of this database waits on a lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)  # a poll interval, not a wait for the race: the loop checks the state
    return False


def two_copies_at_once(call):
    """Run `call` twice, the second copy starting while the first holds its transaction open,
    as when a form or a phone's action arrives twice in the same instant.

    Returns (first result, second result, errors of the second, whether the second was seen
    waiting on a lock)."""
    results, errors = {}, []
    first_done, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                results["first"] = call()
                first_done.set()
                release.wait(30)
        finally:
            connection.close()

    def second():
        try:
            results["second"] = call()
        except Exception as exc:  # noqa: BLE001 - the failure is what the caller checks
            errors.append(exc)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_done.wait(30), "the first copy did not finish"
    two = threading.Thread(target=second)
    two.start()
    waited = a_session_waits_for_a_lock()
    release.set()
    one.join(30)
    two.join(30)
    return results.get("first"), results.get("second"), errors, waited


def get_health(client, *args, **kwargs):
    """GET /health/ from a thread of its own. The page is an async view, which the test client
    runs with async_to_sync; once a browser test has run, Playwright's event loop occupies the
    main thread for the rest of the session, and async_to_sync refuses to run beside it."""

    def call():
        try:
            return client.get(reverse("health"), *args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def wait_for(condition, seconds: float = 30.0) -> bool:
    """Poll a condition until it holds or the deadline passes; whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # a poll interval: the loop checks the state, not the clock
    return bool(condition())


@contextlib.contextmanager
def broker_at(url: str):
    """Send tasks to the broker at `url` for a while, as a deployment with REDIS_URL does
    (not in-process), with the project's transport options. Celery keeps its connection and
    producer pools for the URL it first used, so they are dropped on the way in and out."""
    conf = celery_app.conf
    before = conf.broker_url, conf.task_always_eager

    def forget_pools():
        # Celery has no public reset for these.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    forget_pools()
    conf.broker_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = before
        forget_pools()
