"""Two of everything, so every API test can ask for its own objects and another's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient

from dispatch.services import assign_visit
from fieldservice.models import ApiToken
from tests import factories
from tests.conftest import ROME, at


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def world(db, next_monday) -> World:
    return build_world(next_monday)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world for a whole module of read-mostly tests: built once inside a transaction that
    is rolled back at the end; each test's own transaction nests inside it as a savepoint, so
    what one test writes is gone before the next."""
    today = datetime.datetime.now(ROME).date()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world(next_monday)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
