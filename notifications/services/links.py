"""Addresses in messages: full links to pages, and the signed unsubscribe link."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from customers.models import Customer
from fieldservice.public_address import public_address

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def public_url(viewname: str, *args: object) -> str:
    """A page's full address for a message: where the app is reached, then the page's path."""
    return public_address() + reverse(viewname, args=args)


def unsubscribe_token(customer: Customer) -> str:
    return signing.dumps({"customer": customer.pk}, salt=UNSUBSCRIBE_SALT)
