"""A token lives API_TOKEN_DAYS, shows its owner when it was last used, and ends with its owner's
login."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fieldservice.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_DAYS = 30
    user = factories.UserFactory(role="dispatcher")
    before = timezone.now()
    token, key = ApiToken.issue(user=user, name="CRM")
    works = _client(key).get(reverse("v1:ticket-list")).status_code

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    expired = _client(key).get(reverse("v1:ticket-list"))

    assert before + datetime.timedelta(days=30) <= token.expires_at
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=30)
    assert works == 200
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_the_owner_sees_when_each_token_was_last_used_and_when_it_expires():
    user = factories.UserFactory(role="technician")
    _token, key = ApiToken.issue(user=user, name="calendar sync")
    client = _client(key)
    client.get(reverse("v1:token-list"))

    (row,) = client.get(reverse("v1:token-list")).json()["results"]

    assert row["last_used_at"] is not None
    assert datetime.datetime.fromisoformat(row["expires_at"]) > timezone.now()


def test_a_deactivated_users_token_is_refused():
    user = factories.UserFactory(role="dispatcher")
    _token, key = ApiToken.issue(user=user, name="CRM")
    user.is_active = False
    user.save()

    assert _client(key).get(reverse("v1:ticket-list")).status_code == 401
