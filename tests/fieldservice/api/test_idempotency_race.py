"""A phone that retries before the first answer arrives: the same Idempotency-Key sent by
several requests at once still books once (PostgreSQL, one connection per request)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldservice.models import IdempotencyRecord
from tests.helpers import booking_body, build_world, client_for, race
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_with_one_key_book_once(next_monday):
    world = build_world(next_monday)
    user = world.users["customer"]
    body = booking_body(world)
    url = reverse("v1:booking-list")
    before = Ticket.objects.count()

    def send():
        response = client_for(user).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-7")
        return response.status_code, response.json()

    results = race([send] * 6)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert {status for status, _body in results} == {201}
    assert len({body["visit"]["id"] for _status, body in results}) == 1
    assert Ticket.objects.count() == before + 1
    assert IdempotencyRecord.objects.filter(key="retry-7").count() == 1
