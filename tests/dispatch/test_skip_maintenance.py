"""Skipping a preventive visit from the board's maintenance panel: it needs a reason, which
the occurrence keeps; without one nothing changes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.plans import a_plan
from tickets.models import MaintenanceOccurrence, Visit
from tickets.services import maintenance

pytestmark = pytest.mark.django_db


@pytest.fixture
def occurrence() -> MaintenanceOccurrence:
    plan = a_plan(first_due_on=timezone.localdate() + datetime.timedelta(days=5))
    maintenance.generate()
    return plan.occurrences.get()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_board_offers_to_skip_each_maintenance_visit(dispatcher_client, occurrence):
    board = dispatcher_client.get(reverse("dispatch:board"))

    assert f'data-testid="skip-{occurrence.pk}"'.encode() in board.content
    assert reverse("dispatch:skip_maintenance", args=[occurrence.pk]).encode() in board.content


def test_skipping_with_a_reason_keeps_it_skipped_and_cancels_its_visit(
    dispatcher_client, occurrence
):
    answer = dispatcher_client.post(
        reverse("dispatch:skip_maintenance", args=[occurrence.pk]),
        {"reason": "Customer away until spring"},
        follow=True,
    )

    occurrence.refresh_from_db()
    assert occurrence.status == MaintenanceOccurrence.Status.SKIPPED
    assert occurrence.reason == "Customer away until spring"
    assert occurrence.visit.status == Visit.Status.CANCELLED
    assert "The maintenance visit is skipped." in _messages(answer)
    assert f'data-testid="skip-{occurrence.pk}"'.encode() not in answer.content


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_skipping_without_a_good_reason_changes_nothing(dispatcher_client, occurrence, reason):
    answer = dispatcher_client.post(
        reverse("dispatch:skip_maintenance", args=[occurrence.pk]),
        {"reason": reason},
        follow=True,
    )

    occurrence.refresh_from_db()
    assert occurrence.status == MaintenanceOccurrence.Status.DUE
    assert occurrence.visit.status == Visit.Status.UNASSIGNED
    assert any(m.startswith("Reason: ") for m in _messages(answer))


def test_a_done_maintenance_visit_cannot_be_skipped(dispatcher_client, occurrence):
    MaintenanceOccurrence.objects.filter(pk=occurrence.pk).update(status="done")

    answer = dispatcher_client.post(
        reverse("dispatch:skip_maintenance", args=[occurrence.pk]),
        {"reason": "Not needed"},
        follow=True,
    )

    occurrence.refresh_from_db()
    assert occurrence.status == MaintenanceOccurrence.Status.DONE
    assert "cannot be skipped" in " ".join(_messages(answer))
