"""The read replica's router, on one server with two aliases: `replica` is a second connection
to the test database, as REPLICA_DATABASE_URL would give one to the replica's server."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fieldservice.dbrouter import REPLICA, ReplicaRouter, read_alias, reading_from_replica
from tests.factories import CustomerFactory, open_ticket
from tickets import services
from tickets.models import Ticket
from tickets.selectors import remote_fixes

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def replica_alias():
    """The replica alias, for this module's tests that ask for it: a second connection to the
    test database. Module-scoped, so that it exists before pytest-django checks the aliases a
    test names."""
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


# What a replica shows are committed rows: these tests commit (transactional).
on_two_aliases = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_without_a_replica_marked_reads_use_the_primary(db):
    router = ReplicaRouter()
    insights = SimpleNamespace(_meta=SimpleNamespace(app_label="insights"))
    now = timezone.now()

    with _queries("default") as on_default:
        assert remote_fixes(now - DAY, now + DAY).count() == 0

    assert read_alias() == "default"
    assert router.db_for_read(insights) is None
    assert len(on_default.captured_queries) == 1


@on_two_aliases
@pytest.mark.usefixtures("replica_alias")
def test_a_marked_selector_reads_from_the_replica_even_when_evaluated_later():
    now = timezone.now()
    fixed = services.resolve_remotely(ticket=open_ticket(), by=None, resolution_code="other")

    found = remote_fixes(now - DAY, now + DAY)
    with _queries(REPLICA) as on_replica, _queries("default") as on_default:
        rows = list(found)

    assert rows == [fixed]
    assert len(on_replica.captured_queries) == 1
    assert "tickets_ticket" in on_replica.captured_queries[0]["sql"]
    assert on_default.captured_queries == []


@on_two_aliases
@pytest.mark.usefixtures("replica_alias")
def test_other_reads_and_every_write_stay_on_the_primary():
    with _queries(REPLICA) as on_replica, _queries("default") as on_default:
        ticket = open_ticket()
        Ticket.objects.filter(pk=ticket.pk).exists()  # an unmarked read
        with reading_from_replica():
            CustomerFactory()  # a write inside a replica read block

    assert on_replica.captured_queries == []
    assert any("INSERT" in q["sql"] for q in on_default.captured_queries)


@on_two_aliases
@pytest.mark.usefixtures("replica_alias")
def test_the_insights_app_reads_from_the_replica_and_never_migrates_there():
    router = ReplicaRouter()
    insights = SimpleNamespace(_meta=SimpleNamespace(app_label="insights"))
    tickets = SimpleNamespace(_meta=SimpleNamespace(app_label="tickets"))

    assert router.db_for_read(insights) == REPLICA
    assert router.db_for_read(tickets) is None  # Django's default: the primary
    assert router.db_for_write(insights) == "default"
    assert router.allow_migrate(REPLICA, "insights") is False
    assert router.allow_migrate("default", "insights") is True


def test_replica_database_url_gives_the_replica_alias_the_primarys_connection_options():
    code = (
        "import json; from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(json.dumps([r['HOST'], r['NAME'], r['CONN_MAX_AGE'], r['TEST'], "
        "settings.DATABASE_ROUTERS]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="fieldservice.settings",
        DATABASE_URL="postgres://app@primary.internal:5432/fieldservice",
        REPLICA_DATABASE_URL="postgres://app@replica.internal:5432/fieldservice",
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    host, name, max_age, test, routers = json.loads(out.stdout.strip().splitlines()[-1])
    assert (host, name, max_age) == ("replica.internal", "fieldservice", 60)
    assert test["MIRROR"] == "default"
    assert routers == ["fieldservice.dbrouter.ReplicaRouter"]


@on_two_aliases
def test_an_import_run_is_read_from_the_primary_even_with_a_replica(replica_alias):
    from insights.models import ImportRun  # noqa: PLC0415
    from tests.factories import UserFactory  # noqa: PLC0415

    run = ImportRun.objects.create(
        kind="parts", file_name="p.csv", requested_by=UserFactory(username="manager")
    )

    with _queries(REPLICA) as on_replica, _queries("default") as on_default:
        assert ImportRun.objects.get(pk=run.pk) == run
        run.refresh_from_db()

    assert len(on_replica) == 0
    assert len(on_default) == 2
