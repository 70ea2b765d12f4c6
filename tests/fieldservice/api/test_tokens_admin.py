"""Tokens created and revoked in the admin: the secret is shown once and only its hash kept."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from fieldservice.models import ApiToken, digest
from tests import factories

pytestmark = pytest.mark.django_db


def test_admin_creates_a_token_shows_it_once_and_keeps_only_its_hash(admin_client):
    owner = factories.UserFactory(username="crm-bot", role="dispatcher")

    response = admin_client.post(
        reverse("admin:fieldservice_apitoken_add"), {"user": owner.pk, "name": "CRM"}
    )

    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    key = re.search(r"fs_[\w-]+", shown).group(0)
    token = ApiToken.objects.get(user=owner)
    assert token.key_digest == digest(key)
    assert key not in token.key_digest
    changelist = reverse("admin:fieldservice_apitoken_changelist")
    shown_once = admin_client.get(changelist).content.decode()  # the message, on the next page
    afterwards = admin_client.get(changelist).content.decode()
    assert key in shown_once
    assert key not in afterwards


def test_admin_action_revokes_tokens(admin_client):
    token, key = ApiToken.issue(user=factories.UserFactory(role="dispatcher"), name="CRM")

    admin_client.post(
        reverse("admin:fieldservice_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(reverse("v1:ticket-list")).status_code == 401
