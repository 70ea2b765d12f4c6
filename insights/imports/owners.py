"""The customer (an organization, or a household) a row of contacts, sites or appliances
belongs to, named by its natural key: its external id, else its email address. Read for all
the rows in one query."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from customers.models import Customer

from .base import Row

# The columns that name a row's customer, in the templates of contacts, sites and appliances.
ID, EMAIL = "customer_external_id", "customer_email"


def customers(rows: list[Row]) -> dict[tuple[str, str], Customer]:
    """The customers the rows name, by ("id", external id) and ("email", lower-cased email)."""
    ids = {r.values[ID] for r in rows if r.values[ID]}
    emails = {r.values[EMAIL].lower() for r in rows if r.values[EMAIL]}
    found: dict[tuple[str, str], Customer] = {}
    if not (ids or emails):
        return found
    query = Customer.objects.annotate(lower=Lower("email")).filter(
        Q(external_id__in=ids) | Q(lower__in=emails)
    )
    for customer in query.only("pk", "email", "external_id", "name"):
        if customer.external_id:
            found[("id", customer.external_id)] = customer
        if customer.email:
            found[("email", customer.email.lower())] = customer
    return found


def check_customer(row: Row, known: dict[tuple[str, str], Customer]) -> Customer | None:
    """The row's customer (kept in `row.found["customer"]`), or None with the error named by
    the column that gave the key."""
    v = row.values
    v[EMAIL] = v[EMAIL].lower()
    if v[ID]:
        customer, column = known.get(("id", v[ID])), ID
    elif v[EMAIL]:
        customer, column = known.get(("email", v[EMAIL])), EMAIL
    else:
        row.error(ID, _("Give the customer's external id or email address."))
        return None
    if customer is None:
        row.error(column, _("No customer with this external id or email address."))
    row.found["customer"] = customer
    return customer
