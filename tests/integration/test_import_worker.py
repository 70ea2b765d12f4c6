"""An import on the real parts: the confirmed file committed, handed to Redis, written by a
Celery worker process, its page showing the result."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Part
from insights import imports, services
from insights.models import ImportRun
from tests.factories import UserFactory
from tests.insights.importing import csv_file
from tests.integration.test_notifications_worker import smtp, wait_for, worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
__all__ = ["smtp", "worker"]  # the worker's fixtures, shared with the notifications' tests


def test_a_worker_process_writes_the_confirmed_file_and_the_page_shows_it(worker):
    manager = UserFactory(username="manager", role="dispatcher", is_staff=True)
    kind = imports.KINDS["parts"]
    rows = [{**kind.example, "code": f"P-{i}", "unit_price": f"{i}.50"} for i in range(1, 1201)]

    run = services.queue_import(
        by=manager,
        kind="parts",
        name="parts.csv",
        content=csv_file(kind.columns, rows),
        only_valid=False,
    )

    assert wait_for(lambda: ImportRun.objects.get(pk=run.pk).finished), "no worker ran the import"
    run.refresh_from_db()
    assert (run.status, run.error, run.total) == ("done", "", 1200)
    assert run.result["counts"]["parts_added"] == 1200
    assert Part.objects.get(sku="P-7").unit_price == 7.5
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("insights:import_run", args=[run.pk]), headers={"HX-Request": "true"})
    assert 'data-testid="parts_added"' in page.content.decode()
    assert "hx-get" not in page.content.decode()
