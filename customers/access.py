"""The organization in use: which customer a contact acts for in this request.

A person may be a contact of several organizations (customers); the portal's switcher keeps
the chosen one in the session. Every request checks it against a live Contact row, so a contact
removed from an organization no longer reaches its data from the very next request, whatever
their session still says. The API (fieldservice.api.access) does the same from the
X-Organization header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from fieldservice import roles

from .models import Contact

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

SESSION_KEY = "organization"


def organizations_of(user: User) -> QuerySet[Contact]:
    """The user's contact rows, one per organization, by the organization's name."""
    return (
        Contact.objects.filter(user=user)
        .select_related("customer")
        .order_by("customer__name", "customer_id")
    )


def choose(request) -> Contact | None:
    """The contact the request acts as: the session's organization while the user is still its
    contact, else their first one (and the session forgets the stale choice)."""
    user = request.user
    if not roles.has_role(user, roles.CUSTOMER):
        return None
    chosen = request.session.get(SESSION_KEY)
    contact = roles.contact_for(user, chosen) if chosen is not None else None
    if contact is None:
        contact = roles.contact_for(user)
        if chosen is not None:
            del request.session[SESSION_KEY]
    roles.act_as(user, contact)
    return contact


def switch(request, *, customer_id: int) -> Contact:
    """Use the organization `customer_id` from now on; 404 for one the user is no contact of."""
    contact = roles.contact_for(request.user, customer_id)
    if contact is None:
        raise Http404
    request.session[SESSION_KEY] = contact.customer_id
    roles.act_as(request.user, contact)
    return contact


class OrganizationMiddleware:
    """Puts the contact in use and its organization on the request (`request.contact`,
    `request.organization`), after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        contact = choose(request) if hasattr(request, "user") else None
        request.contact = contact
        request.organization = contact.customer if contact is not None else None
        return self.get_response(request)
