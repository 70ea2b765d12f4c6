"""Who may call what: every API route and method, for every role, on their own objects and on
another customer's or technician's. The route list comes from the URL resolver, so a new
endpoint without a row here fails the first test."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fieldservice.models import ApiToken
from tests import factories
from tests.helpers import client_for

# Besides the roles, contacts of customer A's organization in each role and an administrator of
# B's: on A's objects a requester answers like A's customer unless told (a requester sees only
# the tickets they requested, and A's were not), B's contact gets 404s for A's objects.
CONTACTS = ("requester_a", "approver_a", "administrator_a", "contact_b")
ROLES = ("dispatcher", "technician", "customer", "stranger", "anonymous", *CONTACTS)


def _row(d, t, c, *, s=403, a=401, r=None, ap=None):
    return {
        "dispatcher": d,
        "technician": t,
        "customer": c,
        "stranger": s,
        "anonymous": a,
        "requester_a": c if r is None else r,
        "approver_a": c if ap is None else ap,
        "administrator_a": c,
        "contact_b": c,  # set below: 404 on A's objects
    }


ALL_READ = _row(200, 200, 200)
# (route name, method) -> expected status per role, on the role's own object (or the list).
# Writes are sent with an empty body: a role that may write gets as far as 400 (bad input),
# 428 or the action's answer; a role that may not gets 403 before anything is read.
MATRIX = {
    ("token-list", "GET"): ALL_READ,
    ("token-list", "POST"): _row(400, 400, 400),
    ("token-detail", "GET"): ALL_READ,
    ("token-detail", "DELETE"): _row(204, 204, 204),
    ("login-list", "POST"): _row(400, 400, 400, s=400, a=400),
    ("customer-list", "GET"): ALL_READ,
    ("customer-list", "POST"): _row(400, 403, 403),
    ("customer-detail", "GET"): ALL_READ,
    ("customer-detail", "PATCH"): _row(200, 403, 200, r=403, ap=403),
    ("site-list", "GET"): ALL_READ,
    ("site-list", "POST"): _row(400, 403, 400, r=403, ap=403),
    ("site-detail", "GET"): ALL_READ,
    ("appliance-model-list", "GET"): ALL_READ,
    ("appliance-model-detail", "GET"): ALL_READ,
    ("appliance-list", "GET"): ALL_READ,
    ("appliance-list", "POST"): _row(400, 403, 400),
    ("appliance-detail", "GET"): ALL_READ,
    ("contract-list", "GET"): _row(200, 403, 200),
    ("contract-detail", "GET"): _row(200, 403, 200, r=404, ap=404),
    ("skill-list", "GET"): ALL_READ,
    ("skill-detail", "GET"): ALL_READ,
    ("technician-list", "GET"): _row(200, 200, 403),
    ("technician-detail", "GET"): _row(200, 200, 403),
    ("ticket-list", "GET"): ALL_READ,
    ("ticket-list", "POST"): _row(400, 403, 403),
    ("ticket-detail", "GET"): _row(200, 200, 200, r=404),
    ("ticket-detail", "PATCH"): _row(200, 403, 403),
    ("ticket-escalate", "POST"): _row(400, 403, 403),
    ("ticket-transition", "POST"): _row(400, 403, 403),
    ("ticket-events", "GET"): _row(200, 200, 403),
    ("ticket-suggestions-suggestions", "GET"): _row(400, 403, 403),
    ("visit-list", "GET"): ALL_READ,
    ("visit-list", "POST"): _row(400, 403, 403),
    ("visit-detail", "GET"): _row(200, 200, 200, r=404),
    ("visit-detail", "PATCH"): _row(428, 403, 403),
    ("visit-transition", "POST"): _row(400, 400, 403),
    ("visit-assign-assign", "POST"): _row(400, 403, 403),
    ("visit-assign-hand-back", "POST"): _row(400, 400, 403),
    ("availability-list", "GET"): _row(400, 403, 400),
    ("booking-list", "POST"): _row(400, 403, 400),
    ("booking-reschedule", "POST"): _row(400, 403, 400, r=404),
    ("booking-cancel", "POST"): _row(200, 403, 200, r=404),
}

# B's contact asks for A's objects: a 404 where the route is theirs to call at all. Tokens are
# each person's own, whoever they are a contact of.
_SHARED = ("token", "skill", "appliance-model")
MATRIX = {key: dict(row) for key, row in MATRIX.items()}  # rows share ALL_READ
for (_name, _method), _expected in MATRIX.items():
    _detail = not _name.endswith("-list") and not _name.startswith(_SHARED)
    if _detail and _expected["customer"] not in (401, 403):
        _expected["contact_b"] = 404

# The object a detail route is about, by the route's name.
TARGET = {
    "token": "token",
    "customer": "customer",
    "site": "site",
    "appliance-model": "appliance-model",
    "appliance": "appliance",
    "contract": "contract",
    "skill": "skill",
    "technician": "technician",
    "ticket": "ticket",
    "ticket-suggestions": "ticket",
    "visit": "visit",
    "visit-assign": "visit",
    "booking": "visit",
}
SHARED_CATALOG = {"skill", "appliance-model"}


def api_routes() -> set[tuple[str, str]]:
    """Every (route name, method) under /api/v1/, read from the URL resolver."""
    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "v1":
                actions = getattr(p.callback, "actions", None) or {}
                for method in actions:
                    if method != "head":  # DRF answers HEAD as the GET beside it
                        found.add((p.name, method.upper()))

    walk(get_resolver().url_patterns, None)
    return found


@pytest.fixture(scope="module")
def contacts(shared_world, django_db_blocker):
    """The contacts' users of A's and B's organizations, with their API clients and tokens."""
    w = shared_world
    with django_db_blocker.unblock():
        for role, side, kind in (
            ("requester_a", "a", "requester"),
            ("approver_a", "a", "approver"),
            ("administrator_a", "a", "administrator"),
            ("contact_b", "b", "administrator"),
        ):
            user = factories.ContactFactory(customer=w.objs[side]["customer"], role=kind).user
            w.users[role] = user
            w.clients[role] = client_for(user)
            w.spare_tokens[role] = ApiToken.issue(user=user, name="spare")[0].pk
    return w


@pytest.fixture
def world(contacts, db):
    return contacts


def test_every_api_route_and_method_has_a_row():
    routes = api_routes()
    assert routes, "no API routes found"
    assert routes - set(MATRIX) == set(), "routes without a row in the permission matrix"
    assert set(MATRIX) - routes == set(), "rows for routes that do not exist"


def _url(world, name, role, whose):
    if name.endswith("-list"):
        return reverse(f"v1:{name}")
    base = name.rsplit("-", 1)[0] if not name.startswith("appliance-model") else "appliance-model"
    for prefix in sorted(TARGET, key=len, reverse=True):
        if name.startswith(prefix + "-"):
            base = prefix
            break
    kind = TARGET[base]
    if kind == "token":
        owner = (
            role if whose == "mine" else ("technician" if role == "dispatcher" else "dispatcher")
        )
        pk = world.spare_tokens.get(owner, world.spare_tokens["dispatcher"])
    else:
        pk = (world.mine if whose == "mine" else world.theirs)[kind]
    return reverse(f"v1:{name}", kwargs={"pk": pk}), kind


def _call(client, method, url):
    return getattr(client, method.lower())(url, {} if method != "GET" else None, format="json")


CASES = [(name, method, role) for (name, method) in sorted(MATRIX) for role in ROLES]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_role_on_own_objects(world, name, method, role):
    url = _url(world, name, role, "mine")
    url = url[0] if isinstance(url, tuple) else url

    response = _call(world.clients[role], method, url)

    assert response.status_code == MATRIX[(name, method)][role], response.content[:300]
    assert response.status_code == 204 or response["Content-Type"] == "application/json"


DETAIL_CASES = [
    (name, method, role)
    for (name, method) in sorted(MATRIX)
    if not name.endswith("-list") and not name.startswith(("skill", "appliance-model"))
    for role in ("dispatcher", "technician", "customer", "requester_a", "approver_a")
]


@pytest.mark.parametrize(("name", "method", "role"), DETAIL_CASES)
def test_role_on_another_customers_or_technicians_objects(world, name, method, role):
    """Another's id is a 404 (never their data) for a role that may call the route at all, a
    403 for one that may not; dispatchers see every operational object but not others' tokens."""
    url, kind = _url(world, name, role, "theirs")
    own = MATRIX[(name, method)][role]
    if own == 403:
        expected = 403
    elif role == "dispatcher" and kind != "token":
        expected = own
    else:
        expected = 404

    response = _call(world.clients[role], method, url)

    assert response.status_code == expected, response.content[:300]
    if expected == 404:
        assert response.json()["type"] == "not_found"


LIST_ROUTES = sorted(
    name for (name, method) in MATRIX if name.endswith("-list") and method == "GET"
)


@pytest.mark.parametrize("role", ["technician", "customer"])
@pytest.mark.parametrize("name", LIST_ROUTES)
def test_lists_never_show_another_customers_or_technicians_records(world, name, role):
    response = world.clients[role].get(reverse(f"v1:{name}"))
    if response.status_code != 200:
        assert response.status_code in (400, 403)
        return
    ids = {row["id"] for row in response.json()["results"]}
    kind = name.removesuffix("-list")
    if kind in SHARED_CATALOG:
        assert world.theirs[kind] in ids
    elif kind in world.theirs:
        assert world.theirs[kind] not in ids
        assert world.mine[kind] in ids
