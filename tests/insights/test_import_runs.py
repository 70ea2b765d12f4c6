"""A confirmed import runs as a Celery task: its queries do not grow with the file's rows, it
records the rows written for the page that polls, a second delivery does nothing, and only
the manager who confirmed it sees it."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Part
from customers.models import Appliance, Customer
from insights import imports, services
from insights.models import ImportRun
from tests import factories
from tests.insights.importing import csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return factories.UserFactory(username="manager", role="dispatcher", is_staff=True)


@pytest.fixture
def washer():
    return factories.ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28201IT")


@pytest.fixture
def skills():
    return [
        factories.SkillFactory(code="washing-machines"),
        factories.SkillFactory(code="dishwashers"),
    ]


def _customers(n: int, start: int = 0) -> list[dict]:
    installed = (timezone.localdate() - datetime.timedelta(days=400)).isoformat()
    return [
        {
            **imports.EXAMPLE,
            "external_id": f"C-{i}",
            "email": f"c{i}@example.com",
            "serial_number": f"SN-{i}",
            "city": ("Roma", "Milano", "Torino")[i % 3],
            "installed_on": installed,
            "warranty_until": "",
        }
        for i in range(start, start + n)
    ]


def _rows(kind: str, n: int) -> list[dict]:
    example = imports.KINDS[kind].example
    if kind == "customers":
        return _customers(n)
    if kind == "parts":
        return [{**example, "code": f"P-{i}"} for i in range(n)]
    if kind == "technicians":
        return [{**example, "email": f"t{i}@example.com"} for i in range(n)]
    return [{**example, "number": f"SC-{i}"} for i in range(n)]


def _write(kind: str, raw: list[dict]) -> tuple[int, imports.Imported]:
    """The queries of writing already checked rows, and what was written."""
    rows = imports.check_rows(raw, kind)
    assert all(row.valid for row in rows), [row.errors for row in rows if row.errors][:3]
    with CaptureQueriesContext(connection) as queries:
        result = services.import_rows(kind=imports.KINDS[kind], rows=rows)
    return len(queries), result


@pytest.mark.parametrize("kind", ["customers", "parts", "technicians", "contracts"])
def test_an_imports_queries_do_not_grow_with_its_rows(kind, washer, skills):
    factories.CustomerFactory(email="maria.rossi@example.com").__class__.objects.filter(
        email="maria.rossi@example.com"
    ).update(external_id="C-1001")

    few, _ = _write(kind, _rows(kind, 10))
    many, result = _write(kind, _rows(kind, 50)[10:])  # 40 new rows, none known

    assert sum(result.counts.values()) > 0
    assert many == few
    # Written again (every row known now), still the same queries whatever the rows.
    again_few, _ = _write(kind, _rows(kind, 10))
    again_many, again = _write(kind, _rows(kind, 50))
    assert again.changed_nothing
    assert again_many == again_few


def test_a_long_file_is_written_in_chunks_whose_queries_bound_the_import(washer, monkeypatch):
    monkeypatch.setattr(imports.base, "CHUNK", 10)
    monkeypatch.setattr(imports.base.chunks, "__defaults__", (10,))

    one_chunk, _ = _write("customers", _customers(10))
    three_chunks, result = _write("customers", _customers(30, start=100))

    assert result.customers_added == 30
    assert three_chunks <= 3 * one_chunk


def test_the_task_records_the_rows_written_and_ends_with_the_result(manager, washer, monkeypatch):
    seen: list[int] = []
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("insights-import-progress:"):
            seen.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(imports.base, "CHUNK", 10)
    monkeypatch.setattr(imports.base.chunks, "__defaults__", (10,))
    monkeypatch.setattr(services.time, "monotonic", iter(range(0, 1000, 1)).__next__)
    monkeypatch.setattr(services.cache, "set", spy)
    run = ImportRun.objects.create(
        kind="customers",
        file_name="c.csv",
        content=csv_file(imports.COLUMNS, _customers(25)),
        requested_by=manager,
    )

    services.run_import(run_id=run.pk)

    run.refresh_from_db()
    assert seen == [10, 20, 25]
    assert (run.status, run.total, run.content) == ("done", 25, b"")
    assert run.result["counts"]["customers_added"] == 25
    assert Appliance.objects.filter(model=washer).count() == 25
    assert cache.get(imports.progress_key(run.pk)) is None

    services.run_import(run_id=run.pk)  # a second delivery of the task

    assert Customer.objects.filter(external_id__startswith="C-").count() == 25


def test_a_run_whose_file_has_errors_writes_nothing_and_says_why(manager):
    rows = [
        {**imports.KINDS["parts"].example, "code": "P-1"},
        {**imports.KINDS["parts"].example, "code": "P-2", "unit_price": "lots"},
    ]
    run = ImportRun.objects.create(
        kind="parts",
        file_name="p.csv",
        content=csv_file(imports.KINDS["parts"].columns, rows),
        requested_by=manager,
        language="it",
    )

    services.run_import(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "1 riga ha errori: correggila, o importa solo le righe valide."
    assert not Part.objects.exists()


def test_the_page_polls_with_a_progress_bar_while_the_import_runs(client, manager):
    run = ImportRun.objects.create(
        kind="parts", file_name="p.csv", requested_by=manager, status="running", total=200
    )
    cache.set(imports.progress_key(run.pk), 50)
    client.force_login(manager)
    url = reverse("insights:import_run", args=[run.pk])

    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})

    assert page.status_code == fragment.status_code == 200
    for response in (page, fragment):
        body = response.content.decode()
        assert f'hx-get="{url}"' in body
        assert '<progress max="100" value="25"' in body
        assert "50 of 200 rows written" in body
    assert "<html" not in fragment.content.decode()
    ImportRun.objects.filter(pk=run.pk).update(
        status="done", result={"counts": {"parts_added": 200}}
    )

    done = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "hx-get" not in done
    assert 'data-testid="parts_added"' in done


def test_another_managers_import_is_not_found(client, manager):
    run = ImportRun.objects.create(kind="parts", file_name="p.csv", requested_by=manager)
    other = factories.UserFactory(username="manager2", role="dispatcher", is_staff=True)
    client.force_login(other)

    assert client.get(reverse("insights:import_run", args=[run.pk])).status_code == 404


def test_a_broker_that_does_not_answer_fails_the_run_with_a_message(manager, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(services, "hand_out", down)
    from django.test import TestCase  # noqa: PLC0415

    with TestCase.captureOnCommitCallbacks(execute=True):
        run = services.queue_import(
            by=manager, kind="parts", name="p.csv", content=b"code,name\nP,Pump\n", only_valid=False
        )

    run.refresh_from_db()
    assert run.status == "failed"
    assert "could not be started" in run.error
    assert not Part.objects.exists()
