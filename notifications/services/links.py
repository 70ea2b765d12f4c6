"""Addresses in messages: full links to pages, and the signed unsubscribe link."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from customers.models import Customer

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def public_url(viewname: str, *args: object) -> str:
    """A page's full address for a message (PUBLIC_URL, then the page's path)."""
    return settings.FIELDSERVICE["PUBLIC_URL"] + reverse(viewname, args=args)


def unsubscribe_token(customer: Customer) -> str:
    return signing.dumps({"customer": customer.pk}, salt=UNSUBSCRIBE_SALT)
